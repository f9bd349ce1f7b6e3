/**
 * Finds articles by title for /source autocomplete: whole-title prefix, word prefix and fuzzy word
 * matches (MiniSearch), plus article-id matches. One search index per index snapshot, built on first use.
 */
import MiniSearch from 'minisearch';
import type { Article } from '../corpus/types.js';
import type { IndexSnapshot } from '../index/store.js';
import { articleLabel, LIMITS } from './embeds.js';

export interface ArticleChoice {
  name: string;
  value: string;
}

/** Lower case, no accents, no punctuation: "Erdoğan’s" and "erdogans" compare equal. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export class TitleSearch {
  private readonly search: MiniSearch<{ id: string; title: string; idWords: string }>;
  private readonly articles: Article[];

  constructor(articles: Iterable<Article>) {
    // Only ids Discord can carry as a choice value can be offered.
    this.articles = [...articles]
      .filter((a) => a.id.length <= LIMITS.choiceValue)
      .sort((a, b) => a.title.localeCompare(b.title));
    this.search = new MiniSearch({
      fields: ['title', 'idWords'],
      processTerm: (term) => fold(term) || null,
      tokenize: (text) => fold(text).split(' '),
      searchOptions: { prefix: true, fuzzy: 0.25, boost: { title: 2 }, combineWith: 'OR' },
    });
    this.search.addAll(this.articles.map((a) => ({ id: a.id, title: a.title, idWords: a.id.replace(/[-_]+/g, ' ') })));
  }

  /** Up to `limit` (≤ 25) choices for what the user typed so far; all titles A–Z when nothing is typed. */
  choices(query: string, limit: number = LIMITS.choices): ArticleChoice[] {
    const max = Math.min(limit, LIMITS.choices);
    const folded = fold(query);
    const byId = new Map(this.articles.map((a) => [a.id, a]));
    const ranked: Article[] = [];
    const add = (article: Article | undefined) => {
      if (article && !ranked.includes(article)) ranked.push(article);
    };
    if (!folded) {
      this.articles.slice(0, max).forEach(add);
    } else {
      const raw = query.trim();
      add(byId.get(raw));
      // Whole-title prefix matches first, then id prefix matches, then ranked word matches.
      for (const a of this.articles) if (fold(a.title).startsWith(folded)) add(a);
      for (const a of this.articles) if (a.id.startsWith(raw.toLowerCase())) add(a);
      for (const hit of this.search.search(folded)) add(byId.get(hit.id as string));
    }
    return ranked.slice(0, max).map((a) => ({ name: articleLabel(a, LIMITS.choiceName), value: a.id }));
  }
}

const cache = new WeakMap<IndexSnapshot, TitleSearch>();

/** The title search for a snapshot, built once and dropped with the snapshot. */
export function titleSearchFor(snapshot: IndexSnapshot): TitleSearch {
  let search = cache.get(snapshot);
  if (!search) {
    search = new TitleSearch(snapshot.articles.values());
    cache.set(snapshot, search);
  }
  return search;
}

/** Resolves what the user submitted (normally an id picked from autocomplete; else an exact title). */
export function findArticle(snapshot: IndexSnapshot, input: string): Article | undefined {
  const raw = input.trim();
  const exact = snapshot.articles.get(raw);
  if (exact) return exact;
  const folded = fold(raw);
  if (!folded) return undefined;
  for (const article of snapshot.articles.values()) if (fold(article.title) === folded) return article;
  return undefined;
}
