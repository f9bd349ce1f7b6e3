/**
 * The most common topics among questions the coverage could not answer: the questions are embedded with the
 * bot's own sentence encoder (USE-lite), grouped by average-linkage agglomerative clustering on cosine
 * similarity (two groups merge while their questions are, on average, at least `threshold` similar), and
 * each group is labelled with its most frequent key terms. Written here rather than taken from a clustering
 * package: it is forty lines over vectors the bot already computes, and a few hundred questions at most.
 */
import { normalizeTerm } from '../index/lexical-index.js';
import { dot } from '../vector-math.js';

export interface Topic {
  /** The cluster's most frequent key terms, e.g. "banana · bread · recipe". */
  label: string;
  /** Questions in the cluster (repeats included). */
  count: number;
  /** A few of its questions, most frequent first. */
  examples: string[];
}

export interface TopicOptions {
  /** Average cosine similarity at which two clusters still merge. */
  threshold?: number;
  /** Topics returned, largest first. */
  limit?: number;
  /** The most recent questions clustered (the clustering is cubic in their number). */
  maxQuestions?: number;
}

/** Measured on USE-lite: rephrasings of one question score 0.6 to 0.9, unrelated questions under 0.35. */
export const DEFAULT_TOPIC_THRESHOLD = 0.5;
/** Topics are made of the latest this many refused questions (each embedded, every pair compared). */
export const TOPIC_QUESTIONS = 400;

function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return vector.map((x) => x / norm);
}

/** Groups of item indexes, by average linkage over a similarity matrix, merging while similarity ≥ threshold. */
export function averageLinkage(similarity: number[][], weights: number[], threshold: number): number[][] {
  const clusters = new Map<number, { members: number[]; weight: number }>(weights.map((w, i) => [i, { members: [i], weight: w }]));
  const sim = similarity.map((row) => [...row]);
  for (;;) {
    let best: [number, number] | undefined;
    let bestSim = threshold;
    for (const a of clusters.keys()) {
      for (const b of clusters.keys()) {
        if (b <= a) continue;
        if (sim[a]![b]! >= bestSim) [best, bestSim] = [[a, b], sim[a]![b]!];
      }
    }
    if (!best) break;
    const [a, b] = best;
    const ca = clusters.get(a)!;
    const cb = clusters.get(b)!;
    // Lance–Williams: the merged cluster's average similarity to every other cluster.
    for (const c of clusters.keys()) {
      if (c === a || c === b) continue;
      const merged = (ca.weight * sim[a]![c]! + cb.weight * sim[b]![c]!) / (ca.weight + cb.weight);
      sim[a]![c] = merged;
      sim[c]![a] = merged;
    }
    clusters.set(a, { members: [...ca.members, ...cb.members], weight: ca.weight + cb.weight });
    clusters.delete(b);
  }
  return [...clusters.values()].map((c) => c.members);
}

const WORD = /[\p{L}\p{N}'’-]+/gu;

/** The most frequent key terms of some questions (each counted once per question), shown as written. */
export function labelOf(questions: string[], terms = 3): string {
  const counts = new Map<string, { count: number; forms: Map<string, number> }>();
  for (const question of questions) {
    const seen = new Set<string>();
    for (const word of question.match(WORD) ?? []) {
      const stem = normalizeTerm(word);
      if (!stem || stem.length < 2 || /^\d+$/.test(stem)) continue;
      const entry = counts.get(stem) ?? { count: 0, forms: new Map() };
      const form = word.toLowerCase().replace(/['’]s$/, '');
      entry.forms.set(form, (entry.forms.get(form) ?? 0) + 1);
      if (!seen.has(stem)) entry.count++;
      seen.add(stem);
      counts.set(stem, entry);
    }
  }
  const top = [...counts.values()].sort((a, b) => b.count - a.count).slice(0, terms);
  return top.map((t) => [...t.forms.entries()].sort((a, b) => b[1] - a[1])[0]![0]).join(' · ') || 'other';
}

/** The topics of `questions` (oldest first), largest first. */
export async function clusterTopics(questions: string[], embed: (text: string) => Promise<Float32Array>, options: TopicOptions = {}): Promise<Topic[]> {
  const { threshold = DEFAULT_TOPIC_THRESHOLD, limit = 5, maxQuestions = TOPIC_QUESTIONS } = options;
  // The same question asked again is one item with more weight.
  const counts = new Map<string, { text: string; count: number }>();
  for (const question of questions.slice(-maxQuestions)) {
    const key = question.trim().toLowerCase().replace(/\s+/g, ' ');
    if (!key) continue;
    const entry = counts.get(key) ?? { text: question.trim(), count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  const items = [...counts.values()];
  const vectors: Float32Array[] = [];
  for (const item of items) vectors.push(normalize(await embed(item.text)));
  const similarity = vectors.map((a) => vectors.map((b) => dot(a, b)));
  const groups = averageLinkage(
    similarity,
    items.map((i) => i.count),
    threshold,
  );
  return groups
    .map((members) => {
      const sorted = members.map((m) => items[m]!).sort((a, b) => b.count - a.count);
      return {
        label: labelOf(sorted.flatMap((i) => Array<string>(i.count).fill(i.text))),
        count: sorted.reduce((sum, i) => sum + i.count, 0),
        examples: sorted.slice(0, 3).map((i) => i.text),
      };
    })
    .sort((a, b) => b.count - a.count)
    .slice(0, limit);
}
