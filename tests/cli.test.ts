import { spawn } from 'node:child_process';
import { promises as fs, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { staleCorpusNote } from '../src/cli/corpus-note.js';
import { loadCorpus } from '../src/corpus/load.js';
import { buildIndex } from '../src/index/build.js';
import { currentVersion } from '../src/index/store.js';
import { ARTICLES_DIR, runScript, scriptCommand, sharedEmbedder, tempDir, testConfig } from './helpers.js';

const run = (script: 'ask' | 'embed' | 'source', args: string[], env: Record<string, string>, input?: string) => runScript(`src/cli/${script}.ts`, args, env, { input });

describe('npm run ask / npm run embed', () => {
  const embeddings = tempDir();

  it('builds the index on first use, then answers with quotes and sources', async () => {
    const { code, stdout, stderr } = await run('ask', ['What factory did Kim tour on Friday, and where?'], { EMBEDDINGS_DIR: embeddings });
    expect(stderr).toMatch(/No index yet: building it/);
    expect(stderr).toMatch(/24 articles, \d+ chunks/);
    expect(code).toBe(0);
    // A question the reader is sure of: its short answer first.
    expect(stdout).toMatch(/^Q: What factory did Kim tour on Friday, and where\?\n\nA: \S/);
    expect(stdout).not.toContain('Not sure');
    expect(stdout).toMatch(/Quotes:\n\[1\] “/);
    expect(stdout).toMatch(/Sources:\n  - /);
  });

  it('prints the answer object with --json and honours --k', async () => {
    const { code, stdout } = await run('ask', ['--json', '--k', '2', 'Who is Yevgeny Prigozhin?'], { EMBEDDINGS_DIR: embeddings });
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(Object.keys(answer)).toEqual(['question', 'found', 'sure', 'confidence', 'shortAnswer', 'answer', 'passages', 'sources']);
    expect(Object.keys(answer.shortAnswer)).toEqual(['text', 'articleId', 'start', 'end', 'confidence']);
    expect(answer.passages.length).toBeLessThanOrEqual(2);
    expect(Object.keys(answer.passages[0])).toEqual(expect.arrayContaining(['rank', 'articleId', 'title', 'quote', 'text', 'score']));
  });

  it('puts its doubt, not a short answer, in front of an answer it is not sure of', async () => {
    const unsure = await run('ask', ["What colour is Kim's train?"], { EMBEDDINGS_DIR: embeddings });
    expect(unsure.code).toBe(0);
    expect(unsure.stdout).toMatch(/^Q: .*\n\nNot sure the coverage answers this; the closest it comes: \S/);
    expect(unsure.stdout).not.toMatch(/^A: /m);
    expect(unsure.stdout).toMatch(/Quotes:\n\[1\] /);
  });

  it('answers one question per line from standard input as JSON Lines', async () => {
    const { code, stdout } = await run('ask', [], { EMBEDDINGS_DIR: embeddings }, 'Where did Kim and Putin meet?\nWhat is the capital of Australia?\n');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((a) => a.found)).toEqual([true, false]);
  });

  it('stops quietly when the reader of its output stops reading (| head -1)', async () => {
    const questions = 'Where did Kim and Putin meet?\n'.repeat(30);
    // bash's pipefail gives the script's own exit code when it fails; head reads one line and closes the pipe.
    const prefix = ['bash', '-c', 'set -o pipefail; "$@" | head -1', 'bash'];
    const { code, stdout, stderr } = await runScript('src/cli/ask.ts', [], { EMBEDDINGS_DIR: embeddings }, { input: questions, prefix });
    expect(JSON.parse(stdout).found).toBe(true);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('lists the articles, and shows one named by a piece of its title or by its id, without Discord', async () => {
    const list = await run('source', [], { EMBEDDINGS_DIR: embeddings });
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(24);
    expect(lines).toContain('funeral-of-yevgeny-prigozhin-held-in-closed-format-in-st-petersburg  Funeral of Yevgeny Prigozhin held in ‘closed format’ in St Petersburg (The Guardian)');

    const shown = await run('source', ['closed format'], { EMBEDDINGS_DIR: embeddings });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Funeral of Yevgeny Prigozhin held in ‘closed format’ in St Petersburg\nThe Guardian\n\[funeral-of-yevgeny-prigozhin-held-in-closed-format-in-st-petersburg\]\n\nKremlin earlier said/);
    expect(shown.stdout).toContain('Those who wish to say goodbye may visit Porokhovskoye cemetery');

    const json = await run('source', ['--json', 'funeral-of-yevgeny-prigozhin-held-in-closed-format-in-st-petersburg'], { EMBEDDINGS_DIR: embeddings });
    expect(json.code).toBe(0);
    const article = JSON.parse(json.stdout);
    expect(Object.keys(article)).toEqual(['id', 'title', 'outlet', 'text']);
    expect(article.text).toMatch(/^Kremlin earlier said[^]*laid to rest\.$/);
  });

  it('refuses a name that matches no article, or several, in one line naming them, and an empty one', async () => {
    const several = await run('source', ['putin'], { EMBEDDINGS_DIR: embeddings });
    expect(several.code).toBe(1);
    expect(several.stdout).toBe('');
    expect(several.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Error: More than 5 articles match “putin”; name one by its id: .*\[documents-show-putins-order-to-move-superyacht-before-ukraine-invasion\]/)]);
    const none = await run('source', ['zzqx'], { EMBEDDINGS_DIR: embeddings });
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe('Error: No article of the coverage is called “zzqx”: `npm run source` lists them all.');
    const empty = await run('source', ['  '], { EMBEDDINGS_DIR: embeddings });
    expect(empty.code).toBe(1);
    expect(empty.stderr.trim()).toMatch(/^Error: Please name an article/);
    const missing = await run('source', ['closed format'], { EMBEDDINGS_DIR: tempDir() });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^Error: No index has been built.*npm run embed/);
  });

  it('says so when standard input holds no question, before it builds or opens anything', async () => {
    for (const input of ['', '\n   \n\n']) {
      const fresh = tempDir();
      const { code, stdout, stderr } = await run('ask', [], { EMBEDDINGS_DIR: fresh }, input);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      // No index was built for nothing: the folder is as it was.
      expect(stderr.trim().split('\n')).toEqual(['Error: No question was given: put one in quotes after the command, or one per line on standard input.']);
      expect(await fs.readdir(fresh)).toEqual([]);
    }
  });

  it('refuses empty and over-long questions with a message and exit code 1', async () => {
    const empty = await run('ask', ['   '], { EMBEDDINGS_DIR: embeddings });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/Error: Please ask a question/);
    const long = await run('ask', ['x'.repeat(600)], { EMBEDDINGS_DIR: embeddings });
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/please keep it to 500 at most/);
    expect(long.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a period over coverage that has no publication dates, in one line, instead of answering nothing', async () => {
    const { code, stdout, stderr } = await run('ask', ['--since', '2023-09-01', 'Where did Kim and Putin meet?'], { EMBEDDINGS_DIR: embeddings });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Error: No article in the coverage has a publication date/)]);
    // Questions read from standard input are refused once, before any is answered, not line by line.
    const lines = await run('ask', ['--since', '2023-09-01'], { EMBEDDINGS_DIR: embeddings }, 'Where did Kim and Putin meet?\nWho is Peskov?\n');
    expect(lines.code).toBe(1);
    expect(lines.stdout).toBe('');
    expect(lines.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Error: No article in the coverage has a publication date/)]);
  });

  it('says clearly when the models folder is wrong', async () => {
    const { code, stderr } = await run('ask', ['Where is Vostochny?'], { EMBEDDINGS_DIR: embeddings, MODELS_DIR: tempDir() });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Error: The embedding model "local\/universal-sentence-encoder-lite" is not complete/);
  });

  it('refuses a corpus with an unreadable file and leaves the index as it was', async () => {
    const corpus = tempDir();
    await fs.cp(ARTICLES_DIR, corpus, { recursive: true });
    const before = await currentVersion(embeddings);
    await fs.writeFile(path.join(corpus, 'broken.txt'), Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const refused = await run('embed', [], { EMBEDDINGS_DIR: embeddings, CORPUS_DIR: corpus });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'Error: Cannot read broken.txt: the file is binary, not text. The index was not changed: fix or remove it, or run `npm run embed -- --skip-invalid` to index the rest.',
    );
    expect(await currentVersion(embeddings)).toBe(before);
    // Two files: a line, then the list.
    await fs.writeFile(path.join(corpus, 'empty.md'), '');
    const two = await run('embed', [], { EMBEDDINGS_DIR: embeddings, CORPUS_DIR: corpus });
    expect(two.code).toBe(1);
    expect(two.stderr.trim().split('\n')).toEqual([
      'Error: Cannot read 2 article files. The index was not changed: fix or remove them, or run `npm run embed -- --skip-invalid` to index the rest.',
      '  broken.txt: the file is binary, not text',
      '  empty.md: the file is empty',
    ]);
    await fs.rm(path.join(corpus, 'empty.md'));
    // Two lines of one .jsonl file are two articles of one file; a first embed that fails leaves no folder behind.
    await fs.writeFile(path.join(corpus, 'feed.jsonl'), `${JSON.stringify({ id: 'a', title: 'A', text: 'A text.' })}\n{"id": "b"\nnot json\n`);
    const fresh = path.join(tempDir(), 'new', 'embeddings');
    const lines = await run('embed', [], { EMBEDDINGS_DIR: fresh, CORPUS_DIR: corpus });
    expect(lines.code).toBe(1);
    expect(lines.stderr.trim().split('\n')[0]).toBe(
      'Error: Cannot read 3 articles in 2 files. The index was not changed: fix or remove them, or run `npm run embed -- --skip-invalid` to index the rest.',
    );
    await expect(fs.stat(path.dirname(fresh))).rejects.toMatchObject({ code: 'ENOENT' });
    await fs.rm(path.join(corpus, 'feed.jsonl'));

    const skipped = await run('embed', ['--skip-invalid'], { EMBEDDINGS_DIR: embeddings, CORPUS_DIR: corpus });
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(/^Index v-[\w-]+ is up to date: 24 articles, 104 chunks, 180 sentences; nothing changed, nothing written/m);
    expect(await currentVersion(embeddings)).toBe(before);
  });

  it('reports a bad setting by name', async () => {
    const { code, stderr } = await run('ask', ['Where?'], { EMBEDDINGS_DIR: embeddings, RETRIEVAL_MODE: 'magic' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/RETRIEVAL_MODE must be one of hybrid, dense, lexical/);
  });

  it('stops a first build on Ctrl-C as embed does: one line, exit code 130, the lock released, nothing written', async () => {
    // A corpus big enough that the build is still embedding when the lock is seen taken.
    const corpus = tempDir();
    for (let i = 0; i < 300; i++) {
      const body = Array.from({ length: 12 }, (_, j) => `Harbour official ${i} said on day ${j} that ships ${i * 7 + j} and ${j * 13 + i} would dock at pier ${i}.`).join(' ');
      await fs.writeFile(path.join(corpus, `story-${i}.md`), `---\ntitle: Harbour report ${i}\n---\n\n${body}\n`);
    }
    const embeddings = tempDir();
    const [file, ...args] = [...scriptCommand('src/cli/ask.ts'), 'Which pier?'];
    const child = spawn(file!, args, { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Interrupted once the build holds the embed lock (its holder's record is written just after it is taken).
    while (child.exitCode === null && !(await fs.readdir(embeddings)).includes('.embed.lock.json')) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr.trim().split('\n').at(-1)).toBe('Interrupted: no index was built.');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(await fs.readdir(embeddings)).toEqual([]);
  }, 120_000);

  it('notes on stderr, never on stdout, article files added or changed since the index was built, until an embed takes them in', async () => {
    const corpus = tempDir();
    const story = (title: string, body: string) => `---\ntitle: ${title}\n---\n\n${body}\n`;
    await fs.writeFile(path.join(corpus, 'grain.md'), story('Grain talks resume', 'Negotiators said on Monday that grain talks would resume in Istanbul next week after a pause.'));
    const index = tempDir();
    const env = { CORPUS_DIR: corpus, EMBEDDINGS_DIR: index };
    expect((await run('embed', [], env)).code).toBe(0);
    const noteLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('Note:'));
    const fresh = await run('ask', ['Where will the grain talks resume?'], env);
    expect(fresh.code).toBe(0);
    expect(noteLines(fresh.stderr)).toEqual([]);

    await fs.writeFile(path.join(corpus, 'pier.md'), story('New pier opens', 'The harbour authority opened a new pier on Tuesday, the longest on the coast, at a cost of 40 million euros.'));
    const stale = await run('ask', ['--json', 'How long is the new pier?'], env);
    expect(stale.code).toBe(0);
    expect(noteLines(stale.stderr)).toEqual([`Note: 1 article file in ${corpus}/ changed since the index was built: run npm run embed.`]);
    expect(JSON.parse(stale.stdout).question).toBe('How long is the new pier?');
    // From standard input (JSON Lines out): once, on stderr.
    const lines = await run('ask', [], env, 'Where will the grain talks resume?\nHow long is the new pier?\n');
    expect(noteLines(lines.stderr)).toHaveLength(1);
    expect(lines.stdout.trim().split('\n').map((line) => JSON.parse(line).question)).toHaveLength(2);

    expect((await run('embed', [], env)).code).toBe(0);
    expect(noteLines((await run('ask', ['How long is the new pier?'], env)).stderr)).toEqual([]);
    // A file saved again unchanged (copied, checked out): noted until an embed finds nothing to do.
    await fs.writeFile(path.join(corpus, 'grain.md'), await fs.readFile(path.join(corpus, 'grain.md')));
    expect(noteLines((await run('ask', ['How long is the new pier?'], env)).stderr)).toHaveLength(1);
    const unchanged = await run('embed', [], env);
    expect(unchanged.stdout).toMatch(/nothing changed, nothing written/);
    expect(noteLines((await run('ask', ['How long is the new pier?'], env)).stderr)).toEqual([]);
    // A file put there with an old modification time (cp -p, rsync -a, tar): its status-change time is new.
    const old = path.join(corpus, 'ferry.md');
    await fs.writeFile(old, story('Ferry terminal approved', 'Councillors approved the new ferry terminal by 29 votes to 14 on Tuesday night.'));
    await fs.utimes(old, new Date('2020-01-01'), new Date('2020-01-01'));
    expect(noteLines((await run('ask', ['How long is the new pier?'], env)).stderr)).toHaveLength(1);
    // A modification time in the future (touch -d, an archive from another time zone): noted until an embed, not after.
    const future = new Date(Date.now() + 10 * 3600_000);
    await fs.utimes(old, future, future);
    expect((await run('embed', [], env)).code).toBe(0);
    expect(noteLines((await run('ask', ['How long is the new pier?'], env)).stderr)).toEqual([]);
  }, 120_000);

  it('notes a file written after the corpus was read, before the build began (while the model loaded)', async () => {
    const corpus = tempDir();
    await fs.writeFile(path.join(corpus, 'grain.md'), '---\ntitle: Grain talks resume\n---\n\nNegotiators said on Monday that grain talks would resume in Istanbul next week.\n');
    const config = testConfig({ CORPUS_DIR: corpus, EMBEDDINGS_DIR: tempDir() });
    // Past the file clock's lag (changes.ts): a file written within it before the corpus is read counts as changed.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const read = await loadCorpus(corpus);
    await fs.writeFile(path.join(corpus, 'pier.md'), '---\ntitle: New pier opens\n---\n\nThe harbour authority opened a new pier on Tuesday.\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await buildIndex({ articles: read.articles, embedder: await sharedEmbedder(), dir: config.embeddingsDir, chunking: config.chunking, hnsw: config.hnsw, corpusAsOf: read.readAt });
    expect(await staleCorpusNote(config)).toMatch(/^Note: 1 article file in .* changed since the index was built: run npm run embed\.$/);
  }, 120_000);

  it("says the corpus's warnings when it builds the first index itself, on standard error", async () => {
    const corpus = tempDir();
    await fs.writeFile(path.join(corpus, 'grain.md'), '---\ntitle: Grain talks resume\npublished: September 2023\n---\n\nNegotiators said on Monday that grain talks would resume in Istanbul next week.\n');
    const { code, stdout, stderr } = await run('ask', ['--json', 'Where will the grain talks resume?'], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: tempDir() });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Warning: .*grain\.md.*September 2023.*\.$/m);
    expect(JSON.parse(stdout).question).toBe('Where will the grain talks resume?');
  }, 120_000);

  it('notes a file edited while the embed ran, whose edit the index does not hold', async () => {
    const corpus = tempDir();
    const file = path.join(corpus, 'grain.md');
    await fs.writeFile(file, '---\ntitle: Grain talks resume\n---\n\nNegotiators said on Monday that grain talks would resume in Istanbul next week.\n');
    const config = testConfig({ CORPUS_DIR: corpus, EMBEDDINGS_DIR: tempDir() });
    const { articles } = await loadCorpus(corpus);
    let edited = false;
    const onProgress = () => {
      if (edited) return;
      edited = true;
      writeFileSync(file, '---\ntitle: Grain talks resume\n---\n\nNegotiators said on Monday that grain talks would resume in Ankara next week.\n');
    };
    await buildIndex({ articles, embedder: await sharedEmbedder(), dir: config.embeddingsDir, chunking: config.chunking, hnsw: config.hnsw, onProgress });
    expect(edited).toBe(true);
    expect(await staleCorpusNote(config)).toMatch(/^Note: 1 article file in .* changed since the index was built: run npm run embed\.$/);
  }, 120_000);
});
