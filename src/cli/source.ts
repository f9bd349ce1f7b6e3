/**
 * `npm run source -- "title or id"`: an article of the coverage, as /source shows it in Discord: its title, who
 * published it and when, its link and id, then its text. With no article named, lists every article (id, title,
 * outlet, date), A–Z by title. `--json` prints the article object (or the list) instead. An article is named by its
 * id, its whole title, or enough of its title or id to match one article only (the autocomplete's title search).
 */
import type { Article } from '../corpus/types.js';
import { loadConfig } from '../config.js';
import { openCoverageStore } from '../coverage-store.js';
import { formatDate } from '../dates.js';
import { exitWithError, UserFacingError } from '../errors.js';
import { findArticle, fold, titleSearchFor } from '../bot/title-search.js';
import type { Coverage } from '../index/coverage.js';
import { endOnClosedOutput, sanitizeForTerminal, terminalJson } from '../terminal.js';
import { parseCommandLine } from './args.js';

const USAGE = `Usage: npm run source -- [--json] "title or id"     (an article: its title, source, link and text)
       npm run source -- [--json]                  (every article: id, title, outlet, date)`;

/** How many articles a name that matches several lists. */
const SHOWN_MATCHES = 5;

const line = (text: string) => sanitizeForTerminal(text, { keepNewlines: false });

/** "The Guardian, 13 Sep 2023, by Pjotr Sauer": what is known of who published an article, and when. */
const byline = (article: Article) => [article.outlet, formatDate(article.published), article.author ? `by ${article.author}` : undefined].filter(Boolean).map((part) => line(part!)).join(', ');

/** The article a name picks: its id or whole title, else the one article the title search finds for it. */
export function pickArticle(coverage: Coverage, name: string): Article {
  const exact = findArticle(coverage, name);
  if (exact) return exact;
  const matches = titleSearchFor(coverage).matches(name, SHOWN_MATCHES + 1);
  if (matches.length === 1) return matches[0]!;
  // The search takes any of the words, and words nearly written: one title holding the words as typed is the one meant.
  const words = fold(name);
  const holding = matches.filter((a) => fold(a.title).includes(words));
  if (holding.length === 1) return holding[0]!;
  const named = `“${line(name.trim()).slice(0, 200)}”`;
  if (matches.length === 0) throw new UserFacingError(`No article of the coverage is called ${named}: \`npm run source\` lists them all.`);
  const listed = matches.slice(0, SHOWN_MATCHES).map((a) => `${line(a.title)} [${a.id}]`).join('; ');
  throw new UserFacingError(`${matches.length > SHOWN_MATCHES ? 'More than five' : matches.length} articles match ${named}; name one by its id: ${listed}.`);
}

export function formatArticle(article: Article): string {
  const lines = [line(article.title) || 'Untitled'];
  const by = byline(article);
  if (by) lines.push(by);
  if (article.url) lines.push(`<${line(article.url)}>`);
  lines.push(`[${line(article.id)}]`, '', sanitizeForTerminal(article.text.trim()));
  return lines.join('\n');
}

export function formatList(articles: Iterable<Article>): string {
  const sorted = [...articles].sort((a, b) => a.title.localeCompare(b.title) || (a.id < b.id ? -1 : 1));
  return sorted.map((a) => `${line(a.id)}  ${line(a.title) || 'Untitled'}${byline(a) ? ` (${byline(a)})` : ''}`).join('\n');
}

/** An article as JSON: what is known of it, with its text or without (a listing; texts are read from the index when asked for). */
const articleRecord = (a: Article) => ({ id: a.id, title: a.title, outlet: a.outlet, author: a.author, url: a.url, published: a.published });
const articleObject = (a: Article) => ({ ...articleRecord(a), text: a.text });

async function main(): Promise<void> {
  endOnClosedOutput();
  const { values, positionals } = parseCommandLine({ allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }, 'npm run source');
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const name = positionals.join(' ');
  if (positionals.length > 0 && !name.trim()) throw new UserFacingError('Please name an article: the name was empty. `npm run source` lists them all.');
  const store = await openCoverageStore(await loadConfig());
  try {
    const coverage = await store.open();
    try {
      if (positionals.length === 0) {
        const articles = [...coverage.articles.values()];
        console.log(values.json ? terminalJson(articles.map(articleRecord), 2) : formatList(articles));
        return;
      }
      const article = pickArticle(coverage, name);
      console.log(values.json ? terminalJson(articleObject(article), 2) : formatArticle(article));
    } finally {
      await coverage.close?.();
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => exitWithError(error));
