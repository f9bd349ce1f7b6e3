/**
 * Experiment: where each answerable question of a question set is lost, stage by stage. For each question: the
 * rank of the first retrieved chunk holding half an evidence span (of 3 × RETRIEVE_LIMIT; read when under READ_CHUNKS)
 * and the rank, in the reader's order, of the first sentence holding one. Prints a count per stage and each
 * question lost.
 *
 *   node --import tsx scripts/experiments/stage-ranks.ts [question file, default eval/questions.json]
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { cachedIndexDir } from '../../src/eval/cached-index.js';
import { holdsEvidence, locateEvidence, readQuestionSet } from '../../src/eval/question-set.js';
import { loadIndex } from '../../src/index/local-version.js';
import { RETRIEVE_LIMIT } from '../../src/pipeline.js';
import { loadReader, READ_CHUNKS } from '../../src/reader/reader.js';
import { retrieve } from '../../src/retrieve.js';
import { searchedText } from '../../src/answer-question.js';
import { asCoverage } from '../../src/index/coverage.js';

// A question file: a path from the current folder, eval/questions.json by default.
const file = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, 'eval', 'questions.json'));
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const index = await loadIndex(await cachedIndexDir(config, embedder, 'coverage', config.corpusDir), config.hnsw);
const reader = loadReader(config.reader.modelFile);
const tally = new Map<string, number>();
const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
for (const q of readQuestionSet(file).answerable) {
  const evidence = locateEvidence(q.evidence, index.articles.values());
  const holds = (articleId: string, start: number, end: number) => holdsEvidence(evidence, articleId, start, end);
  // Read as the pipeline reads it: without its chat opening, misspelt words as the coverage spells them.
  const { text } = searchedText(asCoverage(index).terms.vocabulary, q.question, reader.isWord);
  const vector = await embedder.embedQuery(text);
  const retrieved = retrieve(index, text, vector, { mode: 'hybrid', limit: RETRIEVE_LIMIT });
  const deeper = retrieve(index, text, vector, { mode: 'hybrid', limit: 3 * RETRIEVE_LIMIT });
  const chunkRank = deeper.findIndex(({ label }) => {
    const c = index.chunks[label]!;
    for (let id = c.firstSentence; id < c.firstSentence + c.sentenceCount; id++) {
      const s = index.sentences[id]!;
      if (holds(s.articleId, s.start, s.end)) return true;
    }
    return false;
  });
  const reading = reader.read(index, text, vector, retrieved);
  const sentenceRank = reading.sentences.findIndex(({ sentence }) => {
    const s = index.sentences[sentence]!;
    return holds(s.articleId, s.start, s.end);
  });
  const stage = chunkRank < 0 ? 'not retrieved' : chunkRank >= READ_CHUNKS ? 'retrieved, not read' : sentenceRank === 0 ? 'first sentence' : sentenceRank < 0 ? 'read, sentence not found' : sentenceRank < 3 ? 'sentence 2-3' : 'sentence 4+';
  count(stage);
  if (stage !== 'first sentence') console.log(`${q.id}\tchunk ${chunkRank + 1}\tsentence ${sentenceRank + 1}\t${reading.confidence.toFixed(3)}\t${q.question}`);
}
console.log([...tally].map(([k, v]) => `${k}: ${v}`).join('\n'));
