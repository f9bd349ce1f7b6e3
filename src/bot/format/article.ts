/**
 * Articles for /source and "open a cited article": the text split into pages one embed shows, each page as
 * an embed with title, link, outlet, author and date; and the label of an article in menus.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Article } from '../../corpus/types.js';
import { formatDate, updatedDay } from '../../dates.js';
import { fitEmbed, fitText } from './budget.js';
import { COLORS, LIMITS } from './limits.js';
import { escapeLineStart, escapeText, safeUrl, trimText } from './text.js';

/** Splits text into pages of at most `size` characters: at paragraphs, else sentences, else words. */
export function splitPages(text: string, size: number): string[] {
  const pages: string[] = [];
  let current = '';
  const push = (piece: string, separator: string) => {
    if (!current) current = piece;
    else if (current.length + separator.length + piece.length <= size) current += separator + piece;
    else {
      pages.push(current);
      current = piece;
    }
  };
  for (const paragraph of text.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean)) {
    if (paragraph.length <= size) {
      push(paragraph, '\n\n');
      continue;
    }
    // A paragraph longer than a page: carry on sentence by sentence, then word by word.
    let separator = '\n\n';
    let rest = paragraph;
    while (rest.length > 0) {
      const room = current ? size - current.length - separator.length : size;
      let piece: string;
      if (rest.length <= room) piece = rest;
      else if (room < Math.min(200, size / 4)) {
        if (current) pages.push(current);
        current = '';
        continue;
      } else {
        const cut = trimText(rest, room + 2); // the cut point, without keeping the ellipsis
        piece = cut.replace(/ ?…$/, '');
        // A word longer than the room left is cut inside it: at a grapheme's edge, within the room (trimText's
        // cut there is one character longer, and keeps only surrogate pairs whole).
        const insideWord = piece.length > 0 && piece.length < rest.length && !/\s/.test(rest[piece.length]!);
        if (!piece || !rest.startsWith(piece) || piece.length > room || insideWord) piece = forcedCut(rest, room);
      }
      if (current) current += separator + piece;
      else current = piece;
      rest = rest.slice(piece.length).trimStart();
      separator = ' ';
      if (rest.length > 0) {
        pages.push(current);
        current = '';
      }
    }
  }
  if (current) pages.push(current);
  return pages.length > 0 ? pages : [''];
}

/** Grapheme clusters: a flag, a family emoji, a skin tone or a letter with its accents is one, cut nowhere inside. */
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The longest start of escaped text that fits `max` characters and splits neither a grapheme cluster (🇺🇦, 👍🏽, an
 * emoji's two halves, a letter and its combining accent) nor a markdown escape ("\\_" ending one page would leave "_"
 * to start emphasis on the next).
 */
function forcedCut(text: string, max: number): string {
  let end = 0;
  for (const { index } of graphemes.segment(text.slice(0, max + 16))) {
    if (index > max) break;
    end = index;
  }
  if (max >= text.length) end = text.length;
  else if (end === 0) end = max; // one cluster longer than the room: cut inside it rather than not at all
  let backslashes = 0;
  while (end - 1 - backslashes >= 0 && text[end - 1 - backslashes] === '\\') backslashes++;
  if (backslashes % 2 === 1) end--;
  return text.slice(0, end);
}

function articleFields(article: Article): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  if (article.outlet) fields.push({ name: 'Outlet', value: escapeText(trimText(article.outlet, 200)), inline: true });
  if (article.author) fields.push({ name: 'Author', value: escapeText(trimText(article.author, 200)), inline: true });
  if (article.published) fields.push({ name: 'Published', value: escapeText(trimText(formatDate(article.published) ?? article.published, 100)), inline: true });
  // A correction or update the outlet dated: shown when it is not the day of publication.
  const updated = updatedDay(article);
  if (updated) fields.push({ name: 'Updated', value: escapeText(trimText(updated, 100)), inline: true });
  return fields;
}

/** Discord renders emphasis and strike in embed titles: a title shows as written, escaped, then fitted. */
const embedTitle = (article: Article) => fitText(article.title, LIMITS.title, escapeText);

function articleFooter(article: Article, page: number, pageCount: number): string {
  const id = trimText(article.id, 120);
  return pageCount > 1 ? `Page ${page + 1} of ${pageCount} · ${id}` : id;
}

/** The article text split into the pages one embed shows, markdown-escaped. */
export function articlePages(article: Article): string[] {
  const overhead =
    embedTitle(article).length +
    articleFields(article).reduce((sum, f) => sum + f.name.length + f.value.length, 0) +
    articleFooter(article, 998, 999).length;
  const size = Math.min(LIMITS.description, LIMITS.embedTotal - overhead);
  // A page that begins inside a paragraph begins a line of the embed: a "- ", "> ", "# " or "1. " there
  // would become markdown, so it is escaped too (one character, kept free in the page size).
  return splitPages(escapeText(article.text), size - 1).map(escapeLineStart);
}

/**
 * The page (of `articlePages`) that shows the text at `offset` in the article: found by the escaped words
 * that start there, so it survives the pages' trimmed whitespace, in the pages' words run together (a short
 * sentence at the end of a page is followed by the next page's words); the first page when they cannot be found.
 */
export function pageAt(article: Article, pages: string[], offset: number): number {
  const words = (text: string) => text.replace(/\s+/g, ' ').trim();
  const flat = pages.map(words);
  const all = flat.join(' ');
  // Where each page starts in `all`.
  const starts: number[] = [];
  for (let i = 0, at = 0; i < flat.length; at += flat[i]!.length + 1, i++) starts.push(at);
  for (const length of [80, 40, 20]) {
    const probe = words(escapeText(article.text.slice(offset, offset + length)));
    if (probe.length < 8) break;
    const at = all.indexOf(probe);
    if (at >= 0) return starts.findLastIndex((start) => start <= at);
  }
  return 0;
}

/** One page of an article as an embed: title (linked when the article has a url), outlet, author, date. */
export function articleEmbed(article: Article, pages: string[], page: number): APIEmbed {
  const url = safeUrl(article.url);
  return fitEmbed({
    title: embedTitle(article),
    ...(url ? { url } : {}),
    description: pages[page] || '*(this article has no text)*',
    color: COLORS.article,
    fields: articleFields(article),
    footer: { text: articleFooter(article, page, pages.length) },
  });
}

/** An outlet (or another tag) longer than this is left out of a label rather than cut the title short. */
const LABEL_TAG_MAX = 40;

/**
 * Autocomplete / select-menu label for an article: its title, with the outlet (a long title shortened to leave room
 * for it: two outlets' copies of one long headline are told apart). `extra`: more to tell it by (its date, its id),
 * after the outlet.
 */
export function articleLabel(article: Pick<Article, 'title' | 'outlet'>, max: number = LIMITS.choiceName, extra: string[] = []): string {
  const title = article.title.replace(/\s+/g, ' ').trim() || 'Untitled';
  const tags = [article.outlet, ...extra].map((t) => t?.replace(/\s+/g, ' ').trim()).filter((t): t is string => !!t && t.length <= LABEL_TAG_MAX);
  const suffix = tags.map((t) => ` · ${t}`).join('');
  if (`${title}${suffix}`.length <= max) return `${title}${suffix}`;
  return suffix.length <= max / 2 ? `${trimText(title, max - suffix.length)}${suffix}` : trimText(title, max);
}

/**
 * Labels for a list of articles, each told apart from the others: one whose label another shares gets its date, then
 * its id, after it ("Ferry terminal approved · 1 Mar 2024", "Ferry terminal approved · 8 Mar 2024").
 */
export function distinctLabels(articles: readonly Pick<Article, 'id' | 'title' | 'outlet' | 'published'>[], max: number = LIMITS.choiceName): string[] {
  const labels = articles.map((a) => articleLabel(a, max));
  for (const extra of [(a: Pick<Article, 'published'>) => [formatDate(a.published) ?? ''], (a: Pick<Article, 'id' | 'published'>) => [formatDate(a.published) ?? '', a.id]]) {
    const counts = new Map<string, number>();
    for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    articles.forEach((a, i) => {
      if (counts.get(labels[i]!)! > 1) labels[i] = articleLabel(a, max, extra(a));
    });
  }
  return labels;
}
