/**
 * Experiment: sentence-model rows of the tuning set's answerable questions, asked of the shipped coverage as
 * the pipeline asks them (label 1: the sentence holds half an evidence span). With the SQuAD sentence rows that
 * `npm run train-reader` leaves in its work folder, `sentence-objectives.py` compares training objectives.
 *
 *   node --import tsx scripts/experiments/news-sentence-rows.ts [work folder, default .cache/reader]
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { holdsEvidence, locateEvidence, readQuestionSet } from '../../src/eval/question-set.js';
import { loadIndex } from '../../src/index/local-version.js';
import { RETRIEVE_LIMIT } from '../../src/pipeline.js';
import { loadReaderModel } from '../../src/reader/model.js';
import { candidateSentences, readingContext } from '../../src/reader/reader.js';
import { sentenceFeatures } from '../../src/reader/sentence-features.js';
import { retrieve } from '../../src/retrieve.js';
import { RowWriter } from '../training-rows.js';

const work = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, '.cache', 'reader'));
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const index = await loadIndex(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw);
const { synonyms } = loadReaderModel(config.reader.modelFile);
const rows = new RowWriter(path.join(work, 'news'));
for (const [n, q] of readQuestionSet(path.join(PROJECT_ROOT, 'eval', 'questions.json')).answerable.entries()) {
  const vector = await embedder.embedQuery(q.question);
  const context = readingContext(index, q.question, vector, candidateSentences(index, retrieve(index, q.question, vector, { mode: 'hybrid', limit: RETRIEVE_LIMIT })), synonyms);
  const evidence = locateEvidence(q.evidence, index.articles.values());
  const label = (id: number) => {
    const s = index.sentences[id]!;
    return holdsEvidence(evidence, s.articleId, s.start, s.end) ? 1 : 0;
  };
  sentenceFeatures(context).forEach((row, i) => rows.add(row, { label: label(context.sentences[i]!.id), fold: 0, instance: n }));
}
await rows.close();
console.error(`${rows.count} rows in ${path.join(work, 'news')}.f32`);
