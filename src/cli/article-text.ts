/**
 * `npm run source`'s text (src/cli/source.ts, the command, runs when loaded; this module does not): the article a
 * name picks, an article's header lines and text, and the list of every article.
 */
import type { Article } from '../corpus/types.js';
import { UserFacingError } from '../errors.js';
import { findArticle, fold, titleSearchFor } from '../bot/title-search.js';
import type { Coverage } from '../index/coverage.js';
import { sanitizeForTerminal, terminalLine as line } from '../terminal.js';
import { byline, updatedLine } from './byline.js';

/** How many articles a name that matches several lists. */
const SHOWN_MATCHES = 5;

/**
 * The article a name picks: its id or whole title; else the one title that holds the words as typed; else, when no
 * title does, the articles whose titles hold every word that says something, as typed, as a prefix or nearly written.
 */
export function pickArticle(coverage: Coverage, name: string): Article {
  const exact = findArticle(coverage, name);
  if (exact) return exact;
  const words = fold(name);
  const named = `“${line(name.trim()).slice(0, 200)}”`;
  // Nothing to search by ("!!!", an emoji): every title holds the empty string.
  if (!words) throw new UserFacingError(`No article of the coverage is called ${named}: \`npm run source\` lists them all.`);
  // A whole title several articles share names them all; else the titles holding the words, else the search's matches.
  const same = titleSearchFor(coverage).titled(name);
  const holding = [...coverage.articles.values()].filter((a) => fold(a.title).includes(words)).sort((a, b) => a.title.localeCompare(b.title) || (a.id < b.id ? -1 : 1));
  const matches = same.length > 1 ? [...same].sort((a, b) => (a.id < b.id ? -1 : 1)) : holding.length > 0 ? holding : titleSearchFor(coverage).matchesAll(name, SHOWN_MATCHES + 1);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UserFacingError(`No article of the coverage is called ${named}: \`npm run source\` lists them all.`);
  const listed = matches.slice(0, SHOWN_MATCHES).map((a) => `${line(a.title)} [${a.id}]`).join('; ');
  const count = matches.length > SHOWN_MATCHES ? `More than ${SHOWN_MATCHES}` : `${matches.length}`;
  throw new UserFacingError(`${count} articles match ${named}; name one by its id: ${listed}.`);
}

export function formatArticle(article: Article): string {
  const lines = [line(article.title) || 'Untitled'];
  const by = byline(article);
  if (by) lines.push(by);
  const updated = updatedLine(article);
  if (updated) lines.push(updated);
  // Only a web link, as /source shows: "javascript:" and the like are left out.
  if (article.url && /^https?:\/\//i.test(article.url)) lines.push(`<${line(article.url)}>`);
  lines.push(`[${line(article.id)}]`, '', sanitizeForTerminal(article.text.trim()));
  return lines.join('\n');
}

/** Articles A–Z by title (then id), as the list shows them, in text or JSON. */
export const byTitle = (articles: Iterable<Article>): Article[] => [...articles].sort((a, b) => a.title.localeCompare(b.title) || (a.id < b.id ? -1 : 1));

export function formatList(articles: Iterable<Article>): string {
  return byTitle(articles).map((a) => `${line(a.id)}  ${line(a.title) || 'Untitled'}${byline(a) ? ` (${byline(a)})` : ''}`).join('\n');
}

