import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { loadEmbedder, ModelError, type Embedder } from '../src/embedder.js';
import { runScript, sharedEmbedder, tempDir } from './helpers.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('the shipped embedding model', async () => {
  const embedder = await sharedEmbedder();
  let meanPooledModel: Promise<Embedder> | undefined;
  /** The shipped model read with mean pooling over its token states, loaded once. */
  const meanPooled = () => (meanPooledModel ??= loadEmbedder(configFromEnv({ EMBEDDING_POOLING: 'mean' }).embedding));

  it('reads its dimension and token limit from the model', () => {
    expect(embedder.dimension).toBe(512);
    expect(embedder.maxTokens).toBe(128);
  });

  it('puts paraphrases closer than unrelated sentences', async () => {
    const [train, arrival, grain] = await embedder.embedPassages([
      'Kim Jong-un travelled to Russia by armoured train',
      'The North Korean leader arrived in Vladivostok on his private train',
      'Grain prices rose in developing countries',
    ]);
    expect(cosine(train!, arrival!)).toBeGreaterThan(cosine(train!, grain!) + 0.3);
    expect(cosine(train!, train!)).toBeCloseTo(1, 4);
  });

  it('embeds a question like a passage, in batches that keep the input order', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => `Sentence number ${i} about ${i % 2 ? 'missiles' : 'grain'}.`);
    const vectors = await embedder.embedPassages(texts);
    expect(vectors).toHaveLength(70);
    const query = await embedder.embedQuery(texts[41]!);
    // Dynamic int8 quantization depends a little on the batch, so "same" means nearest and above 0.99.
    const scores = vectors.map((v) => cosine(query, v));
    expect(scores.indexOf(Math.max(...scores))).toBe(41);
    expect(scores[41]).toBeGreaterThan(0.99);
  });

  it('lets timers and signals run between batches of passages (a long embed must answer Ctrl-C and keep its lock alive)', async () => {
    const texts = Array.from({ length: 64 }, (_, i) => `Passage ${i} about the talks at the cosmodrome and what came of them.`);
    await embedder.embedPassages(texts.slice(0, 1)); // the passages' session loaded (its loading reads files: a turn of the loop)
    let timerRan = false;
    let ranBeforeTheLastBatch = false;
    setTimeout(() => (timerRan = true), 0);
    await embedder.embedPassages(texts, (done) => {
      if (done < texts.length && timerRan) ranBeforeTheLastBatch = true;
    });
    expect(ranBeforeTheLastBatch).toBe(true);
  });

  it('embeds a question (on a session of its own) as it embeds the same text alone as a passage', async () => {
    for (const model of [embedder, await meanPooled()]) {
      for (const text of ['Where did Kim Jong-un and Putin meet?', 'how far is vladivostok from north korea']) {
        const [passage] = await model.embedPassages([text]);
        const question = await model.embedQuery(text);
        // The same model on one thread instead of two: the same vector (to the bit on the machines tried).
        expect(Math.max(...question.map((x, i) => Math.abs(x - passage![i]!)))).toBeLessThan(1e-6);
      }
    }
  });

  it("embeds a question on a thread of its own, and opens the passages' session on this one only when passages are first embedded", async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    // The runtime's session class (its typings declare the factory only).
    const sessions = ort.InferenceSession as unknown as { prototype: Pick<ort.InferenceSession, 'run'> };
    const run = vi.spyOn(sessions.prototype, 'run');
    try {
      const model = await loadEmbedder(configFromEnv({}).embedding);
      expect(await model.embedQuery('Who is Yevgeny Prigozhin?')).toHaveLength(512);
      // No session opened or run on this thread for the question.
      expect(create).toHaveBeenCalledTimes(0);
      expect(run).toHaveBeenCalledTimes(0);
      await model.embedPassages(['Prigozhin led the Wagner group.']);
      await model.embedPassages(['Kim Jong-un met Vladimir Putin.']);
      expect(create).toHaveBeenCalledTimes(1);
      expect(run).toHaveBeenCalledTimes(2);
    } finally {
      create.mockRestore();
      run.mockRestore();
    }
  });

  it('answers many questions at once on its thread, each with its own vector', async () => {
    const texts = ['Who is Yevgeny Prigozhin?', 'Where did Kim Jong-un and Putin meet?', 'What did the grain deal say?', 'How many drones were shot down?'];
    const one: Float32Array[] = [];
    for (const text of texts) one.push(await embedder.embedQuery(text));
    const together = await Promise.all(texts.map((text) => embedder.embedQuery(text)));
    together.forEach((v, i) => expect([...v]).toEqual([...one[i]!]));
  });

  it("reads the model's own pooled output, which is the mean of its token states", async () => {
    expect(embedder.profile.pooling).toBe('sentence_embedding');
    const texts = ['Prigozhin died in a plane crash two months after his mutiny.', 'Grain prices rose in developing countries.'];
    const [own, mean] = [await embedder.embedPassages(texts), await (await meanPooled()).embedPassages(texts)];
    texts.forEach((_, i) => expect(cosine(own[i]!, mean[i]!)).toBeCloseTo(1, 5));
  });
});

describe('a session on a thread of its own (in a process of its own: tests/fixtures/thread-session.ts)', () => {
  /** The fixture's lines; it must end by itself, cleanly (a hung one is killed by runScript's deadline). */
  const fixture = async (...args: string[]) => {
    const { code, stdout, stderr } = await runScript('tests/fixtures/thread-session.ts', args);
    expect(code, stderr).toBe(0);
    return stdout.trim().split('\n');
  };

  it('lets a process end by itself when idle, and holds it while a request is pending', async () => {
    expect(await fixture('idle')).toEqual(['open: input_ids, attention_mask']);
    expect(await fixture('run')).toEqual(['open: input_ids, attention_mask', 'sentence_embedding 1x512']);
  });

  it("fails with the runtime's reason when the file is not a model, and opens it when asked again once it is one", async () => {
    expect(await fixture('bad', path.join(tempDir(), 'weights.onnx'))).toEqual([
      expect.stringMatching(/^failed: Load model from .*weights\.onnx failed:Protobuf parsing failed/),
      'open: input_ids, attention_mask',
    ]);
  });
});

describe('a wrong model configuration', () => {
  it('names the missing files when the models folder is wrong', async () => {
    const config = configFromEnv({ MODELS_DIR: tempDir() });
    await expect(loadEmbedder(config.embedding)).rejects.toThrow(ModelError);
    await expect(loadEmbedder(config.embedding)).rejects.toThrow(/is not complete in .*missing config\.json.*ALLOW_REMOTE_MODELS/);
  });

  it('names the setting when only the other quantization\'s weights are there', async () => {
    const config = configFromEnv({ EMBEDDING_QUANTIZED: 'false' });
    await expect(loadEmbedder(config.embedding)).rejects.toThrow(
      /is not complete in .*: missing onnx\/model\.onnx\. The folder has onnx\/model_quantized\.onnx: set EMBEDDING_QUANTIZED=true to use it\.$/,
    );
  });

  it('refuses a hub model id offline without trying to download', async () => {
    const config = configFromEnv({ EMBEDDING_MODEL: 'Xenova/all-MiniLM-L6-v2' });
    await expect(loadEmbedder(config.embedding)).rejects.toThrow(/Xenova\/all-MiniLM-L6-v2.*not complete/);
  });
});
