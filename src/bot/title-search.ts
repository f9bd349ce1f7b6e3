/**
 * Finds articles by title for /source autocomplete: whole-title prefix (binary search over the sorted
 * titles), article-id prefix, and word prefix and fuzzy word matches (MiniSearch). One search structure per
 * index snapshot, built on first use (the bot builds it when an index is loaded).
 */
import MiniSearch from 'minisearch';
import type { Article } from '../corpus/types.js';
import type { Coverage } from '../index/coverage.js';
import { distinctLabels, LIMITS } from './format/index.js';
import { lowerBound } from '../lower-bound.js';
import { hasTerm } from '../index/lexical-index.js';

export interface ArticleChoice {
  name: string;
  value: string;
}

/** Letters that carry their mark built in, which NFKD does not take apart: "Łukashenko" is "lukashenko". */
const FOLDED_LETTERS: Record<string, string> = { ł: 'l', Ł: 'L', ı: 'i', İ: 'I', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', þ: 'th', Þ: 'TH' };

/** Lower case, no accents, no punctuation: "Erdoğan’s" and "erdogans", "Łukashenko´s" and "lukashenkos" compare equal. */
export function fold(text: string): string {
  return text
    .replace(/[´ʼ]/g, "'")
    .replace(/[łŁıİøØđĐßæÆœŒþÞ]/g, (c) => FOLDED_LETTERS[c]!)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Built once per index snapshot; a keystroke then costs a few binary searches and one MiniSearch query,
 * never a pass over every title, so autocomplete stays fast on an archive of any size.
 */
export class TitleSearch {
  private readonly search: MiniSearch<{ id: string; title: string; idWords: string }>;
  /** A–Z by title, for the choices shown before anything is typed. */
  private readonly articles: Article[];
  private readonly byId: Map<string, Article>;
  /** Folded titles, sorted, for whole-title prefix matches. */
  private readonly byFoldedTitle: { key: string; article: Article }[];
  /** Ids, sorted, for id prefix matches. */
  private readonly ids: Article[];
  /** The articles of each folded title (two outlets may run a story under one title). */
  private readonly exactTitles = new Map<string, Article[]>();

  constructor(articles: Iterable<Article>) {
    const all = [...articles];
    for (const article of all) {
      const key = fold(article.title);
      if (!key) continue;
      const same = this.exactTitles.get(key);
      if (same) same.push(article);
      else this.exactTitles.set(key, [article]);
    }
    // Only ids Discord can carry as a choice value can be offered.
    this.articles = all.filter((a) => a.id.length <= LIMITS.choiceValue).sort((a, b) => a.title.localeCompare(b.title));
    this.byId = new Map(this.articles.map((a) => [a.id, a]));
    this.byFoldedTitle = this.articles.map((article) => ({ key: fold(article.title), article })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.ids = [...this.articles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.search = new MiniSearch({
      fields: ['title', 'idWords'],
      processTerm: (term) => fold(term) || null,
      tokenize: (text) => fold(text).split(' '),
      searchOptions: { prefix: true, fuzzy: 0.25, boost: { title: 2 }, combineWith: 'OR' },
    });
    this.search.addAll(this.articles.map((a) => ({ id: a.id, title: a.title, idWords: a.id.replace(/[-_]+/g, ' ') })));
  }

  /** Up to `limit` (≤ 25) choices for what the user typed so far; the first titles A–Z when nothing is typed. */
  choices(query: string, limit: number = LIMITS.choices): ArticleChoice[] {
    const matches = this.matches(query, Math.min(limit, LIMITS.choices));
    const names = distinctLabels(matches, LIMITS.choiceName);
    return matches.map((a, i) => ({ name: names[i]!, value: a.id }));
  }

  /** Up to `max` articles for what was typed, best first: whole-title prefix, id prefix, then word and fuzzy word matches. */
  matches(query: string, max: number): Article[] {
    const folded = fold(query);
    const ranked: Article[] = [];
    const seen = new Set<string>();
    const add = (article: Article | undefined) => {
      if (article && ranked.length < max && !seen.has(article.id)) {
        seen.add(article.id);
        ranked.push(article);
      }
    };
    if (!folded) {
      this.articles.slice(0, max).forEach(add);
    } else {
      const raw = query.trim();
      add(this.byId.get(raw));
      // Whole-title prefix matches first, then id prefix matches, then ranked word matches.
      for (let i = lowerBound(this.byFoldedTitle, folded, (e) => e.key); ranked.length < max && this.byFoldedTitle[i]?.key.startsWith(folded); i++) {
        add(this.byFoldedTitle[i]!.article);
      }
      const idPrefix = raw.toLowerCase();
      for (let i = lowerBound(this.ids, idPrefix, (a) => a.id); ranked.length < max && this.ids[i]?.id.startsWith(idPrefix); i++) add(this.ids[i]);
      if (ranked.length < max) for (const hit of this.search.search(folded)) add(this.byId.get(hit.id as string));
    }
    return ranked;
  }

  /**
   * Up to `max` articles whose titles (or ids) hold every word of the query that says something (stop words aside),
   * each as typed, as a prefix or nearly written: what a name typed whole at the command line picks. Unlike
   * `matches`, which takes any of the words (one word of a title half typed is a fair guess for autocomplete), a
   * name none of whose titles holds all its words matches nothing.
   */
  matchesAll(query: string, max: number): Article[] {
    const words = fold(query).split(' ').filter(Boolean);
    const telling = words.filter(hasTerm);
    const asked = (telling.length > 0 ? telling : words).join(' ');
    if (!asked) return [];
    return this.search
      .search(asked, { combineWith: 'AND' })
      .slice(0, max)
      .map((hit) => this.byId.get(hit.id as string)!)
      .filter(Boolean);
  }

  /** The article with this whole title (folded), when exactly one has it. */
  byTitle(input: string): Article | undefined {
    const same = this.titled(input);
    return same.length === 1 ? same[0] : undefined;
  }

  /** Every article with this whole title (folded), in the order they were given. */
  titled(input: string): readonly Article[] {
    const folded = fold(input);
    return (folded && this.exactTitles.get(folded)) || [];
  }
}

const cache = new WeakMap<Coverage, TitleSearch>();

/** The title search for a snapshot, built once and dropped with the snapshot. */
export function titleSearchFor(snapshot: Coverage): TitleSearch {
  let search = cache.get(snapshot);
  if (!search) {
    search = new TitleSearch(snapshot.articles.values());
    cache.set(snapshot, search);
  }
  return search;
}

/** Resolves what the user submitted (normally an id picked from autocomplete; else a title only one article has). */
export function findArticle(snapshot: Coverage, input: string): Article | undefined {
  const raw = input.trim();
  return snapshot.articles.get(raw) ?? titleSearchFor(snapshot).byTitle(raw);
}
