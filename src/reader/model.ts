/**
 * The trained reader model file: three gradient-boosted tree ensembles (answer sentence, answer span,
 * answerability), trained by `npm run train-reader` (scripts/train_reader.py, XGBoost) and stored as plain
 * JSON, evaluated here with no native dependency, with the WordNet synonym table its features were computed
 * with (src/reader/synonyms.ts). Each ensemble lists the feature names it was trained on; when the code
 * computes other features (a model older or newer than the code), reading stops with a clear error, so a
 * stale model can never be read wrong.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserFacingError } from '../errors.js';
import { Synonyms, type SynonymTableFile } from './synonyms.js';

export const READER_FORMAT = 'coverage-bot-reader/2';
const REBUILD = 'Rebuild it with `npm run train-reader` (needs ../shared/eval), or restore it with `git checkout models/reader`.';

/** The model file as a user would name it: relative to the working folder when it is inside it. */
const shown = (file: string) => (file.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), file) : file);

export class ReaderModelError extends UserFacingError {
  override name = 'ReaderModelError';
}

/** One tree as parallel arrays; a node with feature -1 is a leaf holding `value`. */
interface Tree {
  feature: number[];
  threshold: number[];
  yes: number[];
  no: number[];
  value: number[];
}

interface EnsembleFile {
  features: string[];
  baseMargin: number;
  trees: Tree[];
}

export interface ReaderModelFile {
  format: string;
  /** Where the training data came from, and its licence. */
  provenance: string;
  models: { sentence: EnsembleFile; span: EnsembleFile; answer: EnsembleFile };
  /** Answerability probability at or above which a question counts as answered. */
  threshold: number;
  /** The WordNet synonym table the sentence features were computed with (src/reader/synonyms.ts). */
  synonyms: SynonymTableFile;
}

/**
 * Every tree of an ensemble laid out as a complete binary tree of the ensemble's depth, in one set of typed arrays:
 * the children of node n are 2n+1 (x < threshold, XGBoost's "yes") and 2n+2, so scoring a row walks exactly `depth`
 * levels by arithmetic, without the branches and child lookups of the trees as stored (a question's rows at 27k
 * chunks: 384 → 278 µs). A leaf above the last level fills the whole subtree under it (each of its internal nodes
 * splits on feature 0 at +∞, and every leaf under it holds its value), so any row reaches it whichever way it goes.
 * Thresholds are float32, as XGBoost compares them.
 */
interface CompleteForest {
  trees: number;
  depth: number;
  /** Internal nodes per tree, 2^depth - 1 (and 2^depth leaves). */
  internal: number;
  /** Per tree its internal nodes, in breadth-first order. */
  feature: Int32Array;
  threshold: Float32Array;
  /** Per tree its leaves, left to right. */
  value: Float64Array;
}

/** Deepest tree the reader scores: it lays each tree out complete (2^depth leaves); `npm run train-reader` trains them 4 to 6 deep. */
export const MAX_TREE_DEPTH = 10;

/**
 * Longest path from the root to a leaf (a tree that is one leaf has depth 0), in one pass over the nodes, as a child
 * comes after its node (wholeTree); Infinity as soon as a path is longer than MAX_TREE_DEPTH.
 */
function treeDepth(tree: Tree): number {
  const level = new Int32Array(tree.feature.length);
  let depth = 0;
  for (let i = 0; i < tree.feature.length; i++) {
    if (tree.feature[i] === -1) continue;
    const below = level[i]! + 1;
    if (below > MAX_TREE_DEPTH) return Infinity;
    depth = Math.max(depth, below);
    level[tree.yes[i]!] = Math.max(level[tree.yes[i]!]!, below);
    level[tree.no[i]!] = Math.max(level[tree.no[i]!]!, below);
  }
  return depth;
}

function complete(trees: Tree[], depth: number): CompleteForest {
  const internal = 2 ** depth - 1;
  const leaves = internal + 1;
  const forest: CompleteForest = {
    trees: trees.length,
    depth,
    internal,
    feature: new Int32Array(trees.length * internal),
    threshold: new Float32Array(trees.length * internal).fill(Infinity),
    value: new Float64Array(trees.length * leaves),
  };
  trees.forEach((tree, t) => {
    /** Places the stored node `node` at position `at` of level `level` (0 = the root) of tree t's complete layout. */
    const place = (node: number, level: number, at: number): void => {
      if (tree.feature[node] === -1) {
        // A leaf: every leaf under this position holds its value.
        const span = 2 ** (depth - level);
        const first = (at - (2 ** level - 1)) * span;
        forest.value.fill(tree.value[node]!, t * leaves + first, t * leaves + first + span);
        return;
      }
      forest.feature[t * internal + at] = tree.feature[node]!;
      forest.threshold[t * internal + at] = tree.threshold[node]!;
      place(tree.yes[node]!, level + 1, 2 * at + 1);
      place(tree.no[node]!, level + 1, 2 * at + 2);
    };
    place(0, 0, 0);
  });
  return forest;
}

/** A binary classifier: features by name → probability. */
export class Ensemble {
  private checked = false;
  private readonly forest: CompleteForest;
  /** The rows being scored, as float32 (XGBoost's precision), one after another; reused, grown when too short. */
  private buffer: Float32Array;

  constructor(
    private readonly name: string,
    private readonly file: EnsembleFile,
    private readonly path: string,
  ) {
    this.buffer = new Float32Array(file.features.length);
    const depth = Math.max(...file.trees.map(treeDepth));
    if (depth > MAX_TREE_DEPTH) {
      throw new ReaderModelError(`The reader model ${shown(path)} has ${name} trees deeper than this version scores (at most ${MAX_TREE_DEPTH} levels). Retrain it with \`npm run train-reader\` (its trees are 6 deep at most), or restore it with \`git checkout models/reader\`.`);
    }
    this.forest = complete(file.trees, depth);
  }

  get features(): readonly string[] {
    return this.file.features;
  }

  /** Probability of the positive class for one row of named features, exactly those it was trained on. */
  predict(row: Record<string, number>): number {
    return this.predictRows([row])[0]!;
  }

  /**
   * The same for many rows at once (a question's sentences, a sentence's candidates): each tree is walked for
   * every row a level at a time, so the rows' walks are independent work the processor overlaps, and the tree
   * stays in cache while they go down it. Each row's margin adds up the trees in the same order as one row alone,
   * so the probabilities are exactly those of `predict`.
   */
  predictRows(rows: readonly Record<string, number>[]): number[] {
    const n = rows.length;
    const names = this.file.features;
    const width = names.length;
    if (n === 0) return [];
    if (!this.checked) {
      if (Object.keys(rows[0]!).join(',') !== names.join(',')) {
        throw new ReaderModelError(`The reader model ${shown(this.path)} was trained on other ${this.name} features than this version computes. ${REBUILD}`);
      }
      this.checked = true;
    }
    if (this.buffer.length < n * width) this.buffer = new Float32Array(n * width * 2);
    const x = this.buffer;
    // Read by name, not with for…in: rows this wide are dictionary objects, whose keys for…in would collect
    // and sort anew for every row. (The first row was checked to hold exactly these keys.)
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      for (let i = 0; i < width; i++) {
        const value = row[names[i]!];
        if (value === undefined) throw new ReaderModelError(`A ${this.name} feature row lacks "${names[i]}", which the model ${shown(this.path)} takes.`);
        x[r * width + i] = value;
      }
    }
    const margins = new Float64Array(n).fill(this.file.baseMargin);
    const nodes = new Int32Array(n);
    const { trees, depth, internal, feature, threshold, value } = this.forest;
    for (let t = 0, base = 0; t < trees; t++, base += internal) {
      nodes.fill(0);
      for (let level = 0; level < depth; level++) {
        for (let r = 0, at = 0; r < n; r++, at += width) {
          const node = nodes[r]!;
          nodes[r] = 2 * node + 2 - +(x[at + feature[base + node]!]! < threshold[base + node]!);
        }
      }
      const leaves = t * (internal + 1) - internal;
      for (let r = 0; r < n; r++) margins[r] = margins[r]! + value[leaves + nodes[r]!]!;
    }
    return Array.from(margins, (margin) => 1 / (1 + Math.exp(-margin)));
  }
}

export interface ReaderModel {
  sentence: Ensemble;
  span: Ensemble;
  answer: Ensemble;
  threshold: number;
  synonyms: Synonyms;
  file: string;
}

/**
 * Whether a tree is whole: its five arrays of one length; every split on a feature the ensemble lists, leading to
 * later nodes of the tree; every number finite. (A damaged tree would otherwise score NaN, or loop, at a user's question.)
 */
function wholeTree(tree: Tree, features: number): boolean {
  const arrays = [tree.feature, tree.threshold, tree.yes, tree.no, tree.value];
  if (!arrays.every((a) => Array.isArray(a) && a.length === tree.feature.length && a.every((x) => typeof x === 'number' && Number.isFinite(x)))) return false;
  const size = tree.feature.length;
  // A child comes after its node (as XGBoost numbers them), so scoring always reaches a leaf.
  const child = (c: number, i: number) => Number.isInteger(c) && c > i && c < size;
  return size > 0 && tree.feature.every((f, i) => f === -1 || (Number.isInteger(f) && f >= 0 && f < features && child(tree.yes[i]!, i) && child(tree.no[i]!, i)));
}

function checkEnsemble(name: string, ensemble: EnsembleFile | undefined, file: string): EnsembleFile {
  const valid =
    ensemble &&
    Array.isArray(ensemble.features) &&
    ensemble.features.length > 0 &&
    typeof ensemble.baseMargin === 'number' &&
    Number.isFinite(ensemble.baseMargin) &&
    Array.isArray(ensemble.trees) &&
    ensemble.trees.length > 0 &&
    ensemble.trees.every((t) => t !== null && typeof t === 'object' && wholeTree(t, ensemble.features.length));
  if (!valid) throw new ReaderModelError(`The reader model ${shown(file)} is damaged (its ${name} model is incomplete). ${REBUILD}`);
  return ensemble;
}

export function loadReaderModel(file: string): ReaderModel {
  let parsed: ReaderModelFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as ReaderModelFile;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'is missing' : code ? `cannot be read (${code})` : 'is not valid JSON';
    throw new ReaderModelError(`The reader model ${shown(file)} ${why}. ${REBUILD}`);
  }
  if (parsed?.format !== READER_FORMAT) throw new ReaderModelError(`The reader model ${shown(file)} is not a ${READER_FORMAT} file. ${REBUILD}`);
  if (typeof parsed.threshold !== 'number') throw new ReaderModelError(`The reader model ${shown(file)} has no answerability threshold. ${REBUILD}`);
  if (!(parsed.threshold > 0 && parsed.threshold < 1)) throw new ReaderModelError(`The reader model ${shown(file)} is damaged (its answerability threshold, ${parsed.threshold}, is not a probability between 0 and 1). ${REBUILD}`);
  if (typeof parsed.synonyms?.words !== 'string') throw new ReaderModelError(`The reader model ${shown(file)} is damaged (its synonym table is missing). ${REBUILD}`);
  return {
    sentence: new Ensemble('sentence', checkEnsemble('sentence', parsed.models?.sentence, file), file),
    span: new Ensemble('span', checkEnsemble('span', parsed.models?.span, file), file),
    answer: new Ensemble('answer', checkEnsemble('answer', parsed.models?.answer, file), file),
    threshold: parsed.threshold,
    synonyms: new Synonyms(parsed.synonyms),
    file,
  };
}
