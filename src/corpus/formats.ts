/**
 * One parser per file format, all producing ArticleDrafts:
 * - `.txt`: a scraped news page (see news-text.ts), with the front matter Markdown takes if it opens with one;
 * - `.md`/`.markdown`: front matter (title, url, published, author, outlet, standfirst, id) over a Markdown body
 *   (or, with `body: plain`, a body of plain text taken as written);
 * - `.jsonl`: one article per line, taken as given (no furniture removal), e.g. BEIR corpora;
 * - `.html`/`.htm`: a saved web page, read by html.ts (Readability).
 */
import type matter from 'gray-matter';
import { normalizeDate } from './declared-date.js';
import { readFrontMatter } from './front-matter.js';
import { PageRefused, parseHtmlArticle } from './html.js';
import { parseNewsParagraphs } from './news-text.js';
import { collapseWhitespace, joinArticleText, plainTextParagraphs, splitParagraphs } from './paragraphs.js';
import type { ArticleDraft, CorpusProblem, CorpusWarning } from './types.js';

export interface ParseResult {
  articles: ArticleDraft[];
  problems: CorpusProblem[];
  /** What was read with a part left out (a date that cannot be read). */
  warnings?: CorpusWarning[];
}

/** "2.0 MB", "35 MB"; under a megabyte in kB ("9.8 kB"), so that a small limit does not read as 0.0 MB. */
const megabytes = (bytes: number) => (bytes < 1_048_576 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1_048_576).toFixed(bytes < 10_485_760 ? 1 : 0)} MB`);

/** The reason given for an article over the MAX_ARTICLE_BYTES limit. */
export function tooLarge(what: string, bytes: number, max: number): string {
  return `${what} is ${megabytes(bytes)}, over the limit of ${megabytes(max)} per article (MAX_ARTICLE_BYTES=${max}); split it, or raise MAX_ARTICLE_BYTES`;
}

export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.jsonl', '.html', '.htm'] as const;

/**
 * A scraped page as plain text. It may open with the front matter a Markdown file takes (to give what the page's
 * text does not say: its outlet, address or dates); its text is then read as written, as `body: plain` reads it.
 */
export function parsePlainText(content: string, source: string): ParseResult {
  if (opensWithFrontMatter(content)) return parseMarkdown(content, source, { plainBody: true });
  return { articles: parseNewsParagraphs(plainTextParagraphs(content), source), problems: [] };
}

/** The front matter fields the loader reads (parseMarkdown, and `body: plain`). */
const FRONT_MATTER_FIELDS = new Set(['title', 'headline', 'standfirst', 'description', 'summary', 'author', 'byline', 'outlet', 'publication', 'source', 'url', 'link', 'published', 'date', 'modified', 'updated', 'id', 'slug', 'body']);

/**
 * Whether a text opens with front matter: a `---` line, a block of `key: value` lines one of which is a field the
 * loader reads (`outlet: …`), and a closing `---` line. A page that merely starts with a rule ("---", a headline, "---") is
 * plain text, as it always was, a headline with a colon too ("Ukraine: missiles hit Kyiv"); front matter that is
 * not valid YAML is refused with the reason, as in a Markdown file.
 */
function opensWithFrontMatter(content: string): boolean {
  const block = /^---[ \t]*\r?\n([ \t]*[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|\r?\n)[\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(content);
  // Any of its keys (a site generator's export opens with `layout:` or `tags:`).
  return block !== null && [...block[1]!.matchAll(/^([A-Za-z_][\w-]*)[ \t]*:/gm)].some((key) => FRONT_MATTER_FIELDS.has(key[1]!));
}

function stringField(data: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = data[name];
    if (typeof value === 'string' && value.trim()) return collapseWhitespace(value);
    if (typeof value === 'number') return String(value);
    // A list of names ("author: [Alice Smith, Bob Jones]"), joined as JSON-LD's are.
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim())) return collapseWhitespace(value.join(', '));
  }
  return undefined;
}

/**
 * A date field, normalised (dates.ts): `YYYY-MM-DD` or an ISO date-time, as the answer object promises. One that
 * cannot be read is left out (the article is undated, as it was read before) with a warning naming it.
 */
function dateField(data: Record<string, unknown>, where: string, warnings: CorpusWarning[], ...names: string[]): string | undefined {
  const raw = stringField(data, ...names);
  const date = normalizeDate(raw);
  if (raw !== undefined && date === undefined) warnings.push({ source: where, message: `${where}: its ${names[0]} date "${raw}" cannot be read (write it as 2023-09-13 or 2023-09-13T10:00:00Z), so the article is indexed without it` });
  return date;
}

/** A link's destination, parentheses in it balanced one deep (a Wikipedia address: "…/Wagner_Group_(company)"). */
const DESTINATION = String.raw`\((?:<[^<>]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?\s*\)`;
const IMAGE = new RegExp(String.raw`!\[([^\]]*)\]${DESTINATION}`, 'g');
const LINK = new RegExp(String.raw`\[([^\]]+)\]${DESTINATION}`, 'g');

/**
 * A Markdown body's paragraphs, block by block: a heading is a paragraph of its own though no blank line follows it,
 * each list item one (a bullet's marker taken off, an ordered item's number kept: "2014. Russia annexes Crimea." in a
 * timeline), a quote's lines one (their `>` taken off each line); a rule (`* * *`) is none; a fenced code block's
 * lines are read as they are; other lines run on into their paragraph. An ordered item breaks into a paragraph only
 * from "1." (CommonMark's rule: "2023. The year…" wrapped is prose).
 */
function markdownParagraphs(content: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let kind: 'text' | 'item' | 'quote' = 'text';
  const flush = () => {
    if (current.length > 0) blocks.push(current.join(' '));
    current = [];
    kind = 'text';
  };
  let fence: string | undefined;
  for (const line of content.replace(/\r\n?/g, '\n').split('\n')) {
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined || opening) {
      if (fence === undefined) {
        flush();
        fence = opening![1]!;
      } else if (line.trim().startsWith(fence)) {
        flush();
        fence = undefined;
      } else current.push(line);
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    if (/^ {0,3}#{1,6}\s/.test(line)) {
      flush();
      // Its optional closing sequence ("## What he saw ##") is no part of it.
      blocks.push(line.trim().replace(/(^|\s)#+$/, '').trim());
      continue;
    }
    // A line of = or - under a paragraph's lines makes them a heading (setext): of level 1 or 2.
    const underline = kind === 'text' && current.length > 0 ? /^ {0,3}(=+|-+)[ \t]*$/.exec(line) : null;
    if (underline) {
      const heading = `${underline[1]![0] === '=' ? '#' : '##'} ${current.join(' ')}`;
      current = [];
      blocks.push(heading);
      continue;
    }
    if (/^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/.test(line)) {
      flush();
      continue;
    }
    const item = /^ {0,3}(?:[-*+]|(\d{1,9})[.)])\s+/.exec(line);
    if (item && (item[1] === undefined || kind !== 'text' || current.length === 0 || item[1] === '1')) {
      flush();
      current = [item[1] === undefined ? line.slice(item[0].length) : line.trim()];
      kind = 'item';
      continue;
    }
    const quote = /^ {0,3}>\s?/.exec(line);
    if (quote) {
      if (kind !== 'quote') flush();
      kind = 'quote';
      current.push(line.slice(quote[0].length));
      continue;
    }
    current.push(line);
  }
  flush();
  return blocks.map(collapseWhitespace).filter((block) => block.length > 0);
}

/** Markdown inline syntax reduced to its readable text, so quotes read as prose. */
function markdownToText(paragraph: string): string {
  return paragraph
    .replace(/^#{1,6}\s+/, '')
    .replace(/^>\s?/, '')
    .replace(IMAGE, '$1')
    .replace(LINK, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_](\S(?:.*?\S)?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .trim();
}

/** Whether two titles read the same: letters and digits alike, whatever the case, spacing and punctuation. */
function sameWords(a: string, b: string): boolean {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu)?.join(' ') ?? '';
  return words(a) === words(b);
}

export function parseMarkdown(content: string, source: string, { plainBody = false } = {}): ParseResult {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = readFrontMatter(content);
  } catch (error) {
    return { articles: [], problems: [{ source, reason: `its front matter is not valid YAML (${(error as Error).message.split('\n')[0]})` }] };
  }
  const data = parsed.data as Record<string, unknown>;
  const warnings: CorpusWarning[] = [];
  // `body: plain` (web pages saved by src/ingest): the body is text as it was published, not Markdown.
  const markdown = !plainBody && data.body !== 'plain';
  const rawParagraphs = markdown ? markdownParagraphs(parsed.content) : plainTextParagraphs(parsed.content);
  let title = stringField(data, 'title', 'headline');
  // A leading "# Heading" is the title when the front matter has none (in Markdown), and the title repeated when it has one.
  const heading = !plainBody && rawParagraphs[0]?.startsWith('# ') ? markdownToText(rawParagraphs[0]) : undefined;
  if (heading !== undefined && (!title || sameWords(heading, title))) {
    rawParagraphs.shift();
    title ||= heading;
  }
  const paragraphs = markdown ? rawParagraphs.map(markdownToText).filter(Boolean) : rawParagraphs;
  const articles = parseNewsParagraphs(paragraphs, source, {
    title,
    standfirst: stringField(data, 'standfirst', 'description', 'summary'),
    author: stringField(data, 'author', 'byline'),
    outlet: stringField(data, 'outlet', 'publication', 'source'),
    url: stringField(data, 'url', 'link'),
    published: dateField(data, source, warnings, 'published', 'date'),
    modified: dateField(data, source, warnings, 'modified', 'updated'),
  });
  const id = stringField(data, 'id', 'slug');
  if (id && articles.length === 1) articles[0]!.id = id;
  return { articles, problems: [], warnings };
}

/** `maxLineBytes`: a longer line (one article) is refused with a problem instead of being parsed. */
/**
 * An id written as a JSON number too large to be read exactly (`"id": 1701234567890123456`, a database's): its digits
 * as written, where JSON.parse rounds it (…123500) and two such ids could become one.
 */
function exactNumberId(line: string, data: Record<string, unknown>): string | undefined {
  for (const key of ['id', '_id']) {
    const value = data[key];
    if (typeof value !== 'number' || Number.isSafeInteger(value)) continue;
    for (const match of line.matchAll(new RegExp(`"${key}"\\s*:\\s*(-?\\d+)(?=\\s*[,}])`, 'g'))) if (Number(match[1]) === value) return match[1];
  }
  return undefined;
}

export function parseJsonLines(content: string, source: string, maxLineBytes = Infinity): ParseResult {
  const articles: ArticleDraft[] = [];
  const problems: CorpusProblem[] = [];
  const warnings: CorpusWarning[] = [];
  content.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const where = `${source}:${index + 1}`;
    // UTF-8 takes at most 3 bytes per UTF-16 unit, so most lines need no byte count.
    const bytes = line.length * 3 > maxLineBytes ? Buffer.byteLength(line) : 0;
    if (bytes > maxLineBytes) {
      problems.push({ source: where, reason: tooLarge('this line', bytes, maxLineBytes) });
      return;
    }
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      problems.push({ source: where, reason: 'this line is not valid JSON' });
      return;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      problems.push({ source: where, reason: 'this line is not a JSON object' });
      return;
    }
    const data = record as Record<string, unknown>;
    const rawText = data.text ?? data.body ?? data.content;
    const body = typeof rawText === 'string' ? splitParagraphs(rawText) : [];
    const standfirst = stringField(data, 'standfirst', 'description', 'summary');
    if (body.length === 0 && !standfirst) {
      problems.push({ source: where, reason: 'the article has no text (expected a "text" field)' });
      return;
    }
    const firstWords = [...collapseWhitespace((standfirst ?? body[0]!).split(/(?<=[.!?])\s/)[0]!)].slice(0, 100).join('');
    articles.push({
      id: exactNumberId(line, data) ?? stringField(data, 'id', '_id'),
      title: stringField(data, 'title', 'headline') ?? firstWords,
      standfirst,
      author: stringField(data, 'author', 'byline'),
      outlet: stringField(data, 'outlet', 'publication', 'source'),
      url: stringField(data, 'url', 'link') ?? stringField((data.metadata ?? {}) as Record<string, unknown>, 'url'),
      published: dateField(data, where, warnings, 'published', 'date'),
      text: joinArticleText(standfirst, body),
      captions: [],
      source: where,
    });
  });
  return { articles, problems, warnings };
}

/** A saved web page: one article, or a problem when the page holds no article text. */
export function parseHtml(content: string, source: string): ParseResult {
  let article;
  try {
    article = parseHtmlArticle(content, source);
  } catch (error) {
    if (!(error instanceof PageRefused)) throw error;
    return { articles: [], problems: [{ source, reason: error.message }] };
  }
  if (!article) return { articles: [], problems: [{ source, reason: 'no article text could be found in the page' }] };
  return { articles: [article], problems: [] };
}
