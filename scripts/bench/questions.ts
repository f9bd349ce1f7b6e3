/** What the bench reads: a BEIR corpus as articles, its queries, and the shipped evaluation questions. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { parseFiles } from '../../src/corpus/load.js';
import type { Article } from '../../src/corpus/types.js';

export function readJsonl(file: string): Article[] {
  // parseFiles, not loadCorpus: a BEIR folder also holds queries.jsonl, which loadCorpus would read as articles.
  const corpus = parseFiles([{ source: path.basename(file), bytes: new Uint8Array(readFileSync(file)) }]);
  return corpus.articles;
}

export function readQueries(file: string, count: number): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { text: string }).text)
    .slice(0, count);
}

/** The shipped evaluation questions (every string field named "question"), repeated up to `count`. */
export function shippedQuestions(count: number): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'question' && typeof value === 'string') found.push(value);
        else walk(value);
      }
    }
  };
  walk(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'eval', 'questions.json'), 'utf8')));
  return Array.from({ length: count }, (_, i) => found[i % found.length]!);
}
