/**
 * `npm run source -- "title or id"`: an article of the coverage, as /source shows it in Discord: its title, who
 * published it and when, its link and id, then its text. With no article named, lists every article (id, title,
 * outlet, date, author), A–Z by title. `--json` prints the article object (or the list) instead. An article is named by its
 * id, its whole title, or enough of its title or id to match one article only (the autocomplete's title search).
 */
import type { Article } from '../corpus/types.js';
import { loadConfig } from '../config.js';
import { openCoverageStore } from '../coverage-store.js';
import { exitWithError, UserFacingError } from '../errors.js';
import { findArticle, fold, titleSearchFor } from '../bot/title-search.js';
import type { Coverage } from '../index/coverage.js';
import { endOnClosedOutput, sanitizeForTerminal, terminalJson, terminalLine as line } from '../terminal.js';
import { parseCommandLine } from './args.js';
import { byline, updatedLine } from './byline.js';

const USAGE = `Usage: npm run source -- [--json] "title or id"     (an article: its title, source, link and text)
       npm run source -- [--json]                  (every article: id, title, outlet, date, author)`;

/** How many articles a name that matches several lists. */
const SHOWN_MATCHES = 5;

/**
 * The article a name picks: its id or whole title; else the one title that holds the words as typed; else, when no
 * title does, the one article the title search finds (it takes any of the words, and words nearly written).
 */
export function pickArticle(coverage: Coverage, name: string): Article {
  const exact = findArticle(coverage, name);
  if (exact) return exact;
  const words = fold(name);
  // A whole title several articles share names them all; else the titles holding the words, else the search's matches.
  const same = titleSearchFor(coverage).titled(name);
  const holding = [...coverage.articles.values()].filter((a) => fold(a.title).includes(words)).sort((a, b) => a.title.localeCompare(b.title) || (a.id < b.id ? -1 : 1));
  const matches = same.length > 1 ? [...same].sort((a, b) => (a.id < b.id ? -1 : 1)) : holding.length > 0 ? holding : titleSearchFor(coverage).matches(name, SHOWN_MATCHES + 1);
  if (matches.length === 1) return matches[0]!;
  const named = `“${line(name.trim()).slice(0, 200)}”`;
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
  if (article.url) lines.push(`<${line(article.url)}>`);
  lines.push(`[${line(article.id)}]`, '', sanitizeForTerminal(article.text.trim()));
  return lines.join('\n');
}

export function formatList(articles: Iterable<Article>): string {
  const sorted = [...articles].sort((a, b) => a.title.localeCompare(b.title) || (a.id < b.id ? -1 : 1));
  return sorted.map((a) => `${line(a.id)}  ${line(a.title) || 'Untitled'}${byline(a) ? ` (${byline(a)})` : ''}`).join('\n');
}

/** An article as JSON: what is known of it, with its text or without (a listing; texts are read from the index when asked for). */
const articleRecord = (a: Article) => ({ id: a.id, title: a.title, outlet: a.outlet, author: a.author, url: a.url, published: a.published, modified: a.modified });
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
