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
import { endOnClosedOutput, terminalJson } from '../terminal.js';
import { byTitle, formatArticle, formatList, pickArticle } from './article-text.js';
import { parseCommandLine } from './args.js';

const USAGE = `Usage: npm run source -- [--json] "title or id"     (an article: its title, source, link and text)
       npm run source -- [--json]                  (every article: id, title, outlet, date, author)`;

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
        const articles = byTitle(coverage.articles.values());
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
