/**
 * Reads a corpus folder into articles. Every file is checked first (empty, binary, not UTF-8), and each
 * article gets a stable id: the slug of its title (or the id its source gives), made unique corpus-wide.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import slugify from '@sindresorhus/slugify';
import { UserFacingError } from '../errors.js';
import { parseJsonLines, parseMarkdown, parsePlainText, SUPPORTED_EXTENSIONS, type ParseResult } from './formats.js';
import type { Article, ArticleDraft, Corpus, CorpusProblem } from './types.js';

const MAX_SLUG_LENGTH = 80;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export class CorpusError extends UserFacingError {
  override name = 'CorpusError';
}

/** Lists the article files under a folder (or the one file given), sorted, skipping hidden files and READMEs. */
export async function listArticleFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    if ((await fs.stat(dir)).isFile()) return [dir];
    entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw new CorpusError(`Cannot read the corpus folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? error}. Set CORPUS_DIR to a folder of articles.`);
  }
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && !/^readme/i.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase()))
    .sort();
}

/** Decodes a file's bytes, or says in plain words why it is not an article file. */
export function decodeArticleFile(bytes: Uint8Array): { text: string } | { reason: string } {
  if (bytes.length === 0) return { reason: 'the file is empty' };
  if (bytes.includes(0)) return { reason: 'the file is binary, not text' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { reason: 'the file is not valid UTF-8 text (re-save it as UTF-8)' };
  }
  text = text.replace(/^\uFEFF/, '');
  if (!text.trim()) return { reason: 'the file holds only white space' };
  return { text };
}

function parseByExtension(text: string, source: string): ParseResult {
  switch (path.extname(source).toLowerCase()) {
    case '.jsonl':
      return parseJsonLines(text, source);
    case '.md':
    case '.markdown':
      return parseMarkdown(text, source);
    default:
      return parsePlainText(text, source);
  }
}

export function slugForTitle(title: string): string {
  const slug = slugify(title, { customReplacements: [['’', ''], ["'", ''], ['&', ' and ']] }) || 'article';
  if (slug.length <= MAX_SLUG_LENGTH) return slug;
  const cut = slug.slice(0, MAX_SLUG_LENGTH + 1);
  return cut.slice(0, cut.lastIndexOf('-') > 20 ? cut.lastIndexOf('-') : MAX_SLUG_LENGTH);
}

/** Gives every draft an id, unique across the corpus, in the (sorted) order the drafts come. */
export function assignIds(drafts: ArticleDraft[]): Article[] {
  const used = new Set<string>();
  return drafts.map((draft) => {
    const base = draft.id ?? slugForTitle(draft.title);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return { ...draft, id };
  });
}

/** Parses one set of in-memory files; exported so formats can be tested without a folder. */
export function parseFiles(files: { source: string; bytes: Uint8Array }[]): Corpus {
  const drafts: ArticleDraft[] = [];
  const problems: CorpusProblem[] = [];
  for (const { source, bytes } of files) {
    const decoded = decodeArticleFile(bytes);
    if ('reason' in decoded) {
      problems.push({ source, reason: decoded.reason });
      continue;
    }
    const result = parseByExtension(decoded.text, source);
    if (result.articles.length === 0 && result.problems.length === 0) {
      problems.push({ source, reason: 'no article could be found in it (no title and text)' });
    }
    drafts.push(...result.articles);
    problems.push(...result.problems);
  }
  return { articles: assignIds(drafts), problems };
}

export async function loadCorpus(dir: string): Promise<Corpus> {
  const files = await listArticleFiles(dir);
  const contents = await Promise.all(
    files.map(async (file) => ({ source: path.relative(dir, file) || path.basename(file), bytes: new Uint8Array(await fs.readFile(file)) })),
  );
  const corpus = parseFiles(contents);
  if (corpus.articles.length === 0 && corpus.problems.length === 0) {
    throw new CorpusError(`The corpus folder ${dir} holds no articles (.txt, .md or .jsonl files).`);
  }
  return corpus;
}
