/**
 * A fetched article → a Markdown file with front matter in `<CORPUS_DIR>/web/<host>/<slug>.md`, the format
 * the corpus loader already reads, so the coverage stays inspectable and versionable. Written atomically
 * (files.ts), and only when its content changed. The front matter gives the article's id, which an update
 * keeps: an outlet editing its headline must not change the id that citations and votes point at.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { slugForTitle } from '../corpus/ids.js';
import { parseMarkdown } from '../corpus/formats.js';
import type { HtmlArticle } from '../corpus/html.js';
import { writeFileAtomic } from '../files.js';
import { WEB_FOLDER } from './state.js';
import { withoutTracking } from './tracking.js';

const FRONT_MATTER_FIELDS = ['id', 'title', 'url', 'published', 'modified', 'author', 'outlet'] as const;

/** The Markdown file of an article: front matter (JSON strings are valid YAML, so any text is safe), then its paragraphs. */
export function articleMarkdown(article: HtmlArticle): string {
  const lines = ['---'];
  for (const field of FRONT_MATTER_FIELDS) {
    const value = article[field];
    if (value) lines.push(`${field}: ${JSON.stringify(value)}`);
  }
  // The body is the page's text as extracted, not Markdown: loading it must not strip `*` or `[...](...)`.
  lines.push('body: plain', '---', '', article.text, '');
  return lines.join('\n');
}

/** A path segment's text; one that is not UTF-8 percent-encoding (`caf%E9`, Latin-1) is taken as written. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The file for a URL, relative to the corpus folder: the host, then the slug of the URL's last path segment (or of the title). */
export function webFilePath(url: string, title: string): string {
  const parsed = new URL(url);
  const segment = parsed.pathname
    .split('/')
    .filter(Boolean)
    .at(-1)
    ?.replace(/\.(s?html?|php|aspx?)$/i, '');
  const slug = slugForTitle(segment && /[a-z]/i.test(segment) ? decodeSegment(segment) : title);
  // A host of dots only ("..", which URL accepts) would name web/ itself or the corpus folder above it.
  const host = parsed.hostname.replace(/[^\w.-]/g, '_').replace(/^\.+$/, (dots) => '_'.repeat(dots.length));
  // Addresses that differ only in their query string get files of their own.
  const suffix = parsed.search ? `-${createHash('sha256').update(parsed.search).digest('hex').slice(0, 6)}` : '';
  return path.join(WEB_FOLDER, host, `${slug}${suffix}.md`);
}

/** A saved file's content, or undefined when it is gone or cannot be read. */
export function readSaved(corpusDir: string, file: string): Promise<string | undefined> {
  return fs.readFile(path.join(corpusDir, file), 'utf8').catch(() => undefined);
}

/** Whether a saved file is gone from the corpus folder (deleted by hand: not merely unreadable). */
export async function savedFileGone(corpusDir: string, file: string): Promise<boolean> {
  try {
    await fs.stat(path.join(corpusDir, file));
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Removes a saved file (gone already: nothing to do). */
export function removeSaved(corpusDir: string, file: string): Promise<void> {
  return fs.rm(path.join(corpusDir, file), { force: true });
}

/**
 * The id a saved file gives its article, as the corpus loader reads it: its front matter `id`, else (a file
 * saved before ids were written) the slug of its title. Undefined when the file does not read as one article.
 */
function savedId(content: string, file: string): string | undefined {
  const { articles } = parseMarkdown(content, file);
  return articles.length === 1 ? (articles[0]!.id ?? slugForTitle(articles[0]!.title)) : undefined;
}

/**
 * Saves an article to its file unless the file already holds exactly this content: `new`, `updated` or
 * `unchanged`. The article keeps the id its file gave it; a new file gets the slug of the title.
 */
export async function saveArticle(corpusDir: string, file: string, article: HtmlArticle): Promise<'new' | 'updated' | 'unchanged'> {
  const current = await readSaved(corpusDir, file);
  const id = (current === undefined ? undefined : savedId(current, file)) ?? slugForTitle(article.title);
  const content = articleMarkdown({ ...article, id });
  if (current === content) return 'unchanged';
  await writeFileAtomic(path.join(corpusDir, file), content);
  return current === undefined ? 'new' : 'updated';
}

/**
 * The address each saved file gives its article (its front matter `url`) → the file, relative to the corpus folder:
 * what a lost state is rebuilt from, so an article saved from its feed's text is found again when its page, had at
 * last, gives another canonical URL.
 */
export async function savedUrls(corpusDir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const folder = path.join(corpusDir, WEB_FOLDER);
  const names = await fs.readdir(folder, { recursive: true }).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.md')).sort()) {
    const file = path.join(WEB_FOLDER, name);
    const content = await readSaved(corpusDir, file);
    const { articles } = content === undefined ? { articles: [] } : parseMarkdown(content, file);
    const given = articles.length === 1 ? articles[0]!.url : undefined;
    // As the state knows articles: a file saved before tracking parameters were set aside gives them.
    const url = given && withoutTracking(given);
    if (url && !found.has(url)) found.set(url, file);
  }
  return found;
}
