/**
 * Article texts read when they are asked for. A served local version keeps its articles' metadata in memory
 * (ids, titles, outlets, dates: autocomplete, dates and fusion use them) and reads a text from the version's
 * SQLite file the first time a quote, the reader or /source asks for it, keeping the texts read last up to
 * TEXT_CACHE_CHARS. The texts are the largest thing a served version held in memory otherwise: 27 million
 * characters at the bench's 100k chunks (docs/SCALING.md).
 */
import type { Article } from '../corpus/types.js';

/** Characters of text kept in memory (about 4 MB): the articles of the last few dozen questions. */
export const TEXT_CACHE_CHARS = 2_000_000;

export class ArticleTexts {
  /** Texts by article position, the oldest first. */
  private readonly kept = new Map<number, string>();
  private chars = 0;

  /** `read` gives the text of the article at a position (it throws when it cannot). */
  constructor(private readonly read: (position: number) => string) {}

  text(position: number): string {
    const known = this.kept.get(position);
    if (known !== undefined) return known;
    const text = this.read(position);
    this.kept.set(position, text);
    this.chars += text.length;
    for (const [oldest, dropped] of this.kept) {
      if (this.chars <= TEXT_CACHE_CHARS || oldest === position) break;
      this.kept.delete(oldest);
      this.chars -= dropped.length;
    }
    return text;
  }

  /**
   * The article with its text read when asked for: `text` is an own enumerable property, so JSON.stringify,
   * spreads and Object.keys see it as they see a plain article's.
   */
  article(metadata: Omit<Article, 'text'>, position: number): Article {
    return Object.defineProperty(metadata, 'text', { get: () => this.text(position), enumerable: true }) as Article;
  }
}
