/**
 * Who published an article and when, as the CLI prints it under a quote and in an article's header:
 * "The Guardian, 13 Sep 2023, Pjotr Sauer" (what is known of outlet, day and author), made safe for one terminal line.
 */
import type { Article } from '../corpus/types.js';
import { formatDate } from '../dates.js';
import { terminalLine } from '../terminal.js';

export const byline = (article: Pick<Article, 'outlet' | 'published' | 'author'>): string =>
  [article.outlet, formatDate(article.published), article.author].filter(Boolean).map((part) => terminalLine(part!)).join(', ');
