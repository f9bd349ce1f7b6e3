/**
 * Article ids: the slug of the title (or the id the source gives), made unique corpus-wide. When files give
 * the same id, the article that held it in the live version keeps it, so that a citation, a link or a vote
 * keeps pointing at the same article whatever a new file is called; the others are numbered (`id-2`, …).
 */
import { createHash } from 'node:crypto';
import slugify from '@sindresorhus/slugify';
import type { Article, ArticleDraft, CorpusWarning, KnownArticle } from './types.js';

/** Longest id a title gives (and so a saved web article's, whose id is its first title's). */
export const MAX_SLUG_LENGTH = 80;

/**
 * A title's slug: transliterated to Latin letters (slugify), or, for a script it does not transliterate (Korean,
 * Chinese, Japanese…), its own letters and digits in lower case, joined by hyphens ("김정은-러시아-도착"): every such
 * title was "article", "article-2"…, with a warning each.
 */
export function slugForTitle(title: string): string {
  const words = title.normalize('NFC').toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u).filter(Boolean);
  const slug = slugify(title, { customReplacements: [['’', ''], ["'", ''], ['&', ' and ']] }) || words.join('-') || 'article';
  if (slug.length <= MAX_SLUG_LENGTH) return slug;
  const cut = slug.slice(0, MAX_SLUG_LENGTH + 1);
  return cut.slice(0, cut.lastIndexOf('-') > 20 ? cut.lastIndexOf('-') : MAX_SLUG_LENGTH);
}

/** What an article's index records depend on: a build embeds an article again when it changes. */
export function articleHash(article: Pick<Article, 'title' | 'text'>): string {
  return createHash('sha256').update(JSON.stringify([article.title, article.text])).digest('hex').slice(0, 16);
}

/** A numbered id's base (`kim-visit-2` → `kim-visit`), or undefined. */
const NUMBERED = /^(.+)-(?:[2-9]\d*|1\d+)$/;
/**
 * Gives every draft an id, unique across the corpus; a clash is reported in `warnings`. Where drafts share
 * an id, those that held one of its ids in the live version (`known`) keep theirs first: the same text from
 * the same file, then the same text moved to another file, then the same file with its text changed. The
 * rest take the base id or the next free number in the (sorted) order the drafts come.
 */
export function assignIds(drafts: ArticleDraft[], warnings: CorpusWarning[] = [], known: readonly KnownArticle[] = []): Article[] {
  const bases = drafts.map((draft) => draft.id ?? slugForTitle(draft.title));
  const shared = new Map<string, number>();
  for (const base of bases) shared.set(base, (shared.get(base) ?? 0) + 1);
  const ids: (string | undefined)[] = bases.map((base) => (shared.get(base) === 1 ? base : undefined));
  const hashes = new Map<number, string>();
  const hashOf = (i: number) => hashes.get(i) ?? hashes.set(i, articleHash(drafts[i]!)).get(i)!;
  const held = (k: KnownArticle, i: number) => k.source === drafts[i]!.source || k.hash === hashOf(i);
  // A base no other draft gives, that the live version numbered for another article ("live-updates-2", the second
  // "Live updates"), stays that article's while a draft of its family holds it: the new draft is numbered instead.
  const knownIds = new Map(known.map((k) => [k.id, k]));
  ids.forEach((id, i) => {
    const k = id === undefined ? undefined : knownIds.get(id);
    const family = k && NUMBERED.exec(k.id)?.[1];
    if (!k || family === undefined || held(k, i)) return;
    if (bases.some((base, j) => j !== i && base === family && held(k, j))) ids[i] = undefined;
  });
  const owner = new Map<string, number>(ids.flatMap((id, i) => (id === undefined ? [] : [[id, i] as const])));

  // The drafts of each shared base, and the known articles that held one of its ids.
  const family = new Map<string, number[]>();
  ids.forEach((id, i) => id === undefined && family.set(bases[i]!, [...(family.get(bases[i]!) ?? []), i]));
  const heldBefore = known.filter((k) => family.has(k.id) || family.has(NUMBERED.exec(k.id)?.[1] ?? ''));
  if (heldBefore.length > 0) {
    const claims: ((k: KnownArticle, i: number) => boolean)[] = [
      (k, i) => k.source === drafts[i]!.source && k.hash === hashOf(i),
      (k, i) => k.hash === hashOf(i),
      (k, i) => k.source === drafts[i]!.source,
    ];
    for (const claim of claims) {
      for (const k of heldBefore) {
        if (owner.has(k.id)) continue;
        const members = [...(family.get(k.id) ?? []), ...(family.get(NUMBERED.exec(k.id)?.[1] ?? '') ?? [])];
        const i = members.find((j) => ids[j] === undefined && claim(k, j));
        if (i === undefined) continue;
        ids[i] = k.id;
        owner.set(k.id, i);
      }
    }
  }
  ids.forEach((id, i) => {
    if (id !== undefined) return;
    const base = bases[i]!;
    let next = base;
    for (let n = 2; owner.has(next); n++) next = `${base}-${n}`;
    ids[i] = next;
    owner.set(next, i);
  });
  drafts.forEach((draft, i) => {
    const base = bases[i]!;
    if (ids[i] === base) return;
    const holder = owner.get(base) ?? bases.findIndex((b, j) => b === base && j !== i);
    // The holder may hold it as its numbered id ("live-updates-2" of a second "Live updates"), not as its title's.
    const message =
      bases[holder] === base
        ? `${drafts[holder]!.source} and ${draft.source} give the same article id "${base}"`
        : `${draft.source} gives the article id "${base}", which the article of ${drafts[holder]!.source} holds`;
    warnings.push({ source: draft.source, message: `${message}; the article of ${draft.source} is indexed as "${ids[i]}"` });
  });
  return drafts.map((draft, i) => ({ ...draft, id: ids[i]! }));
}
