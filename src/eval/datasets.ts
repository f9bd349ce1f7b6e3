/**
 * Evaluation datasets in BEIR layout (corpus.jsonl, queries.jsonl, qrels/test.tsv). SQuAD v1.1 is turned
 * into the same shape: its paragraphs are the corpus and each question's own paragraph is its one
 * relevant document. Corpora are written as JSON Lines and read by the project's own corpus loader.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Judgments } from './metrics.js';

export interface EvalQuery {
  id: string;
  text: string;
}

export interface Dataset {
  name: string;
  /** A JSON Lines corpus file the project's loader reads. */
  corpusFile: string;
  queries: EvalQuery[];
  qrels: Map<string, Judgments>;
}

export async function readJsonLines<T>(file: string): Promise<T[]> {
  return (await fs.readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.trim())
    // Some published files were written by Python with bare NaN values, which JSON does not allow.
    .map((line) => JSON.parse(line.replace(/:\s*NaN\b/g, ': null')) as T);
}

async function readQrels(file: string): Promise<Map<string, Judgments>> {
  const qrels = new Map<string, Judgments>();
  for (const line of (await fs.readFile(file, 'utf8')).split('\n').slice(1)) {
    const [queryId, docId, grade] = line.trim().split('\t');
    if (!queryId || !docId || grade === undefined) continue;
    if (!qrels.has(queryId)) qrels.set(queryId, new Map());
    qrels.get(queryId)!.set(docId, Number(grade));
  }
  return qrels;
}

interface SquadFile {
  data: { title: string; paragraphs: { context: string; qas: { id: string; question: string }[] }[] }[];
}

/** SQuAD as passage retrieval, written once into the cache folder as JSON Lines. */
async function loadSquad(dir: string, cacheDir: string): Promise<Dataset> {
  const squad = JSON.parse(await fs.readFile(path.join(dir, 'dev-v1.1.json'), 'utf8')) as SquadFile;
  const corpus: string[] = [];
  const queries: EvalQuery[] = [];
  const qrels = new Map<string, Judgments>();
  squad.data.forEach((article, a) =>
    article.paragraphs.forEach((paragraph, p) => {
      const id = `${a}-${p}`;
      corpus.push(JSON.stringify({ _id: id, title: article.title.replace(/_/g, ' '), text: paragraph.context }));
      for (const qa of paragraph.qas) {
        queries.push({ id: qa.id, text: qa.question });
        qrels.set(qa.id, new Map([[id, 1]]));
      }
    }),
  );
  const corpusFile = path.join(cacheDir, 'squad-v1.1-corpus.jsonl');
  await fs.mkdir(cacheDir, { recursive: true });
  await fs.writeFile(corpusFile, corpus.join('\n') + '\n');
  return { name: 'squad-v1.1', corpusFile, queries, qrels };
}

export async function loadDataset(dir: string, cacheDir: string): Promise<Dataset> {
  const name = path.basename(path.resolve(dir));
  if (existsSync(path.join(dir, 'dev-v1.1.json'))) return loadSquad(dir, cacheDir);
  const corpusFile = [path.join(dir, 'corpus.jsonl'), path.join(dir, 'corpus', 'human.jsonl')].find((f) => existsSync(f));
  if (!corpusFile) throw new Error(`${dir} is not a BEIR dataset folder (no corpus.jsonl).`);
  const qrels = await readQrels(path.join(dir, 'qrels', 'test.tsv'));
  const queries = (await readJsonLines<{ _id: string; text: string }>(path.join(dir, 'queries.jsonl')))
    .filter((q) => qrels.has(q._id) && [...qrels.get(q._id)!.values()].some((g) => g > 0))
    .map((q) => ({ id: q._id, text: q.text }));
  return { name, corpusFile, queries, qrels };
}

/** A short stable key for cache folders. */
export function cacheKey(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}
