/**
 * Reads a corpus folder into articles. Every file is checked first (empty, binary, not UTF-8, over the
 * MAX_ARTICLE_BYTES limit), and each article gets a stable id: the slug of its title (or the id its source
 * gives), made unique corpus-wide; a clash, like a skipped symbolic link, is reported as a warning.
 */
import { constants } from 'node:buffer';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { fsErrorMessage, UserFacingError } from '../errors.js';
import { parseHtml, parseJsonLines, parseMarkdown, parsePlainText, SUPPORTED_EXTENSIONS, tooLarge, type ParseResult } from './formats.js';
import { plainText } from '../plain-text.js';
import { assignIds } from './ids.js';
import type { ArticleDraft, Corpus, CorpusProblem, CorpusWarning, KnownArticle } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class CorpusError extends UserFacingError {
  override name = 'CorpusError';
}

/**
 * The error for article files that cannot be read: one line for one file, a line and the list for more.
 * `outcome` says what was not done ("The index was not changed").
 */
export function unreadableFilesError(problems: readonly CorpusProblem[], outcome: string): CorpusError {
  const advice = `fix or remove ${problems.length === 1 ? 'it' : 'them'}, or run \`npm run embed -- --skip-invalid\` to index the rest`;
  // A file name may hold a line break: each problem stays on its line.
  const line = (p: CorpusProblem) => `${p.source}: ${p.reason}`.replace(/\s+/g, ' ');
  if (problems.length === 1) return new CorpusError(`Cannot read ${line(problems[0]!)}. ${outcome}: ${advice}.`);
  const list = problems.map((p) => `  ${line(p)}`).join('\n');
  // Lines of a .jsonl file are articles of one file ("feed.jsonl:2", "feed.jsonl:4").
  const files = new Set(problems.map((p) => p.source.replace(/:\d+$/, ''))).size;
  const what = files === problems.length ? `${files} article files` : `${problems.length} articles in ${files === 1 ? 'one file' : `${files} files`}`;
  return new CorpusError(`Cannot read ${what}. ${outcome}: ${advice}.\n${list}`);
}

export interface ArticleFiles {
  files: string[];
  /** Symbolic links met in the folder: not followed, and reported. */
  links: string[];
}

function folderError(dir: string, error: unknown): CorpusError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'a part of that path is a regular file, not a folder' : (fsErrorMessage(error) ?? code ?? String(error));
  return new CorpusError(`Cannot read the corpus folder ${dir}: ${reason}. Set CORPUS_DIR to a folder of articles.`, { cause: error });
}

/**
 * Lists the article files under a folder (or the one file given), sorted, skipping hidden files and READMEs.
 * Symbolic links are not followed (a link could lead outside the corpus, or loop); they are listed apart.
 */
export async function listArticleFiles(dir: string): Promise<ArticleFiles> {
  let entries;
  try {
    if ((await fs.stat(dir)).isFile()) return { files: [dir], links: [] };
    entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw folderError(dir, error);
  }
  const wanted = (name: string) =>
    !name.startsWith('.') && !/^readme/i.test(name) && (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
  const files: string[] = [];
  const links: string[] = [];
  // Nothing inside a hidden folder either (.git, .obsidian, .Trash-1000): an editor's or a tool's, not articles.
  const inHiddenFolder = (entry: { parentPath: string }) => path.relative(dir, entry.parentPath).split(path.sep).some((part) => part.startsWith('.'));
  for (const entry of entries) {
    if (inHiddenFolder(entry)) continue;
    if (entry.isFile() && wanted(entry.name)) files.push(path.join(entry.parentPath, entry.name));
    else if (entry.isSymbolicLink() && !entry.name.startsWith('.')) links.push(path.join(entry.parentPath, entry.name));
  }
  return { files: files.sort(), links: links.sort() };
}

/** Decodes a file's bytes, or says in plain words why it is not an article file. */
export function decodeArticleFile(bytes: Uint8Array): { text: string } | { reason: string } {
  if (bytes.length === 0) return { reason: 'the file is empty' };
  if (bytes.includes(0)) return { reason: 'the file is binary, not text' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    // Past the longest string JavaScript holds, the text cannot be read at once, valid or not.
    if (bytes.length > constants.MAX_STRING_LENGTH) {
      const mib = (n: number) => Math.ceil(n / 2 ** 20);
      return { reason: `the file is ${mib(bytes.length)} MiB, more text than one file can be read with (${mib(constants.MAX_STRING_LENGTH)} MiB): split it into smaller files (a .jsonl file's lines into several)` };
    }
    return { reason: 'the file is not valid UTF-8 text (re-save it as UTF-8)' };
  }
  text = text.replace(/^\uFEFF/, '');
  if (!text.trim()) return { reason: 'the file holds only white space' };
  return { text };
}

function parseByExtension(text: string, source: string, maxArticleBytes: number): ParseResult {
  switch (path.extname(source).toLowerCase()) {
    case '.jsonl':
      return parseJsonLines(text, source, maxArticleBytes);
    case '.md':
    case '.markdown':
      return parseMarkdown(text, source);
    case '.html':
    case '.htm':
      return parseHtml(text, source);
    default:
      return parsePlainText(text, source);
  }
}

export interface CorpusOptions {
  /** Largest article accepted, in bytes (a .txt or .md file, or one line of a .jsonl file). */
  maxArticleBytes?: number;
  /** The live version's articles: where files give the same id, the one that held it keeps it (ids.ts). */
  known?: readonly KnownArticle[];
}

/** Default of MAX_ARTICLE_BYTES: well above the longest real news article (a few hundred KB at most). */
export const DEFAULT_MAX_ARTICLE_BYTES = 2 * 1024 * 1024;
/** Files read at once: enough to keep the disk busy, far below any descriptor limit. */
const READ_CONCURRENCY = 16;

interface FileResult {
  drafts: ArticleDraft[];
  problems: CorpusProblem[];
  warnings?: CorpusWarning[];
}

/** A draft's text fields made plain (plain-text.ts): whatever the format, and whatever its escapes decoded to. */
function plainDraft(draft: ArticleDraft): ArticleDraft {
  const plain: ArticleDraft = { ...draft, title: plainText(draft.title), text: plainText(draft.text), captions: draft.captions.map(plainText) };
  for (const field of ['standfirst', 'author', 'outlet', 'url', 'published', 'modified', 'id'] as const) {
    const value = draft[field];
    if (value !== undefined) plain[field] = plainText(value);
  }
  return plain;
}

/** Parses one file's bytes into drafts and problems. */
function parseFile(source: string, bytes: Uint8Array, maxArticleBytes: number): FileResult {
  const decoded = decodeArticleFile(bytes);
  if ('reason' in decoded) return { drafts: [], problems: [{ source, reason: decoded.reason }] };
  // Made plain before it is split (paragraphs, title, standfirst): a paragraph of nothing but invisible or control
  // characters is none, not a title that turns out empty; a JSON string's escapes are made plain once decoded (plainDraft).
  const parsed = parseByExtension(plainText(decoded.text), source, maxArticleBytes);
  const problems = parsed.problems;
  // A title or text of nothing but escape sequences and control characters is no article.
  const plain = parsed.articles.map(plainDraft);
  const result = { ...parsed, articles: plain.filter((a) => a.title.trim() && a.text.trim()) };
  if (result.articles.length < plain.length) problems.push({ source, reason: 'an article in it has no title or text once its control characters are taken out' });
  if (result.articles.length === 0 && problems.length === 0) problems.push({ source, reason: 'no article could be found in it (no title and text)' });
  return { drafts: result.articles, problems, warnings: result.warnings };
}

/** Joins per-file results in file order (loops, not push(...spread), so no size overflows the stack). */
function joinResults(results: Iterable<FileResult>, warnings: CorpusWarning[], known?: readonly KnownArticle[]): Corpus {
  const drafts: ArticleDraft[] = [];
  const problems: CorpusProblem[] = [];
  for (const result of results) {
    for (const draft of result.drafts) drafts.push(draft);
    for (const problem of result.problems) problems.push(problem);
    for (const warning of result.warnings ?? []) warnings.push(warning);
  }
  return { articles: assignIds(drafts, warnings, known), problems, warnings };
}

const isJsonLines = (file: string) => path.extname(file).toLowerCase() === '.jsonl';

/** A .txt or .md file is one article (or a few): over the limit, it is refused whole. A .jsonl file's limit is per line. */
function oversized(source: string, bytes: number, max: number): FileResult | undefined {
  if (isJsonLines(source) || bytes <= max) return undefined;
  return { drafts: [], problems: [{ source, reason: tooLarge('the file', bytes, max) }] };
}

/** Parses one set of in-memory files; exported so formats can be tested without a folder. */
export function parseFiles(files: { source: string; bytes: Uint8Array }[], options: CorpusOptions = {}): Corpus {
  const max = options.maxArticleBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
  return joinResults(
    files.map(({ source, bytes }) => oversized(source, bytes.length, max) ?? parseFile(source, bytes, max)),
    [],
    options.known,
  );
}

/** Reads and parses one file; a file that cannot be read, or is too large, becomes a problem. */
async function readArticleFile(file: string, source: string, maxArticleBytes: number): Promise<FileResult> {
  try {
    // Checked before reading, so a huge file is never loaded.
    const refused = oversized(source, (await fs.stat(file)).size, maxArticleBytes);
    if (refused) return refused;
    return parseFile(source, new Uint8Array(await fs.readFile(file)), maxArticleBytes);
  } catch (error) {
    return { drafts: [], problems: [{ source, reason: `it cannot be read (${fsErrorMessage(error) ?? (error as NodeJS.ErrnoException).code ?? String(error)})` }] };
  }
}

/**
 * Reads a corpus folder: a few files at a time (p-limit), each parsed as soon as it is read and its bytes
 * dropped, so neither open descriptors nor memory grow with the number of files.
 */
export async function loadCorpus(dir: string, options: CorpusOptions = {}): Promise<Corpus> {
  const maxArticleBytes = options.maxArticleBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
  const readAt = Date.now();
  const { files, links } = await listArticleFiles(dir);
  const limit = pLimit(READ_CONCURRENCY);
  const results = await Promise.all(files.map((file) => limit(() => readArticleFile(file, path.relative(dir, file) || path.basename(file), maxArticleBytes))));
  const warnings: CorpusWarning[] = links.map((link) => ({
    source: path.relative(dir, link),
    message: `${path.relative(dir, link)} is a symbolic link; links are not followed, so it was skipped (copy the file into the corpus folder to index it)`,
  }));
  const corpus = { ...joinResults(results, warnings, options.known), readAt };
  if (corpus.articles.length === 0 && corpus.problems.length === 0) {
    throw new CorpusError(`The corpus folder ${dir} holds no articles (.txt, .md, .jsonl or .html files).`);
  }
  return corpus;
}
