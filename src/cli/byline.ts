/**
 * Who published an article and when, as the CLI prints it under a quote and in an article's header:
 * "The Guardian, 13 Sep 2023, Pjotr Sauer" (what is known of outlet, day and author), made safe for one terminal line.
 */
import type { Article } from '../corpus/types.js';
import { formatDate, updatedDay } from '../dates.js';
import { terminalLine } from '../terminal.js';

/** "Updated 6 Mar 2024": when the outlet changed the article after publishing it (a correction), if it says so. */
export const updatedLine = (article: Pick<Article, 'published' | 'modified'>): string | undefined => {
  const updated = updatedDay(article);
  return updated && `Updated ${terminalLine(updated)}`;
};

export const byline = (article: Pick<Article, 'outlet' | 'published' | 'author'>): string =>
  [article.outlet, formatDate(article.published), article.author].filter(Boolean).map((part) => terminalLine(part!)).join(', ');
