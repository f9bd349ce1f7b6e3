/**
 * Text for Discord: shortening at a sentence end or word boundary (never inside a word), markdown escaping,
 * block quotes, safe links. Pure functions.
 */

export const ELLIPSIS = '…';
/** A sentence end counts only when it keeps at least this share of the allowed length. */
const SENTENCE_CUT_MIN_SHARE = 0.5;

/**
 * Shortens text to at most `max` characters. Prefers the last sentence end that keeps at least half the
 * room, then the last word boundary; marks the cut with "…". Only a single word longer than `max` is cut
 * inside, as nothing else fits.
 */
export function trimText(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return ELLIPSIS;
  const room = max - 2; // leaves space for " …"
  // The character right after `room` tells whether the cut lands on a boundary.
  const head = text.slice(0, room + 1);
  let sentenceCut = -1;
  const sentenceEnd = /[.!?…]["”’)\]]*(?=\s)/g;
  for (let m = sentenceEnd.exec(head); m; m = sentenceEnd.exec(head)) {
    const end = m.index + m[0].length;
    if (end <= room) sentenceCut = end;
  }
  if (sentenceCut >= room * SENTENCE_CUT_MIN_SHARE) return `${text.slice(0, sentenceCut)} ${ELLIPSIS}`;
  let wordCut = -1;
  for (let i = room; i > 0; i--) {
    if (/\s/.test(head[i]!)) {
      wordCut = i;
      break;
    }
  }
  const kept = wordCut > 0 ? text.slice(0, wordCut).trimEnd() : '';
  if (kept) return `${kept}${ELLIPSIS}`;
  // Never between the two halves of an emoji or another character outside the BMP (a lone surrogate).
  const end = /[\uD800-\uDBFF]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

/**
 * Escapes Discord markdown so that quoted text shows exactly as written: emphasis, code, strike and spoiler
 * characters anywhere, masked links, mentions, channel and command links, custom emoji and timestamps
 * (`<@id>`, `<#id>`, `</cmd:id>`, `<:e:id>`, `<t:…>`, `<id:customize>`), and quote / heading / subtext / list markers at the
 * start of a line. Linear in the text length (discord.js's escapeMarkdown is quadratic on long lines).
 */
export function escapeText(text: string): string {
  return text
    .replace(/[\\*_~`|]/g, '\\$&')
    .replace(/\]\(/g, ']\\(') // "[text](url)" would become a link
    .replace(/<(?=[@#/:]|a:|t:|id:)/g, '\\<') // "<@id>" would show as a member, "<t:…>" as a date, "<id:browse>" as a link
    .replace(/^([ \t]*)(>|#{1,3}(?=\s)|-#(?=\s)|-(?=\s))/gm, '$1\\$2')
    .replace(/^([ \t]*\d+)\.(?=\s)/gm, '$1\\.');
}

/**
 * Escapes a quote, heading, subtext or list marker at the very start of already escaped text that was cut
 * out of a longer line (a page of an article): there it starts a line, where escapeText did not look.
 * Adds at most one character.
 */
export function escapeLineStart(text: string): string {
  return text.replace(/^([ \t]*)(>|#{1,3}(?=\s)|-#(?=\s)|-(?=\s))/, '$1\\$2').replace(/^([ \t]*\d+)\.(?=\s)/, '$1\\.');
}

/** How the answer shows a citation marker: bold, so that a "[2]" inside quoted article text cannot pass for one. */
export const renderMarker = (marker: string) => marker.replace(/\[(\d+)\]/, '**[$1]**');

/** Prefixes every line with "> " so a multi-paragraph quote stays one block quote. */
export function blockQuote(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() ? `> ${line}` : '>'))
    .join('\n');
}

/**
 * Only http(s) links short enough for Discord are shown; anything else is left out. Brackets and parentheses
 * in the path, query and fragment are percent-encoded: a link is written into markdown as
 * `[read the article](url)`, where an article's `)` would end it and let the rest of the address make a link
 * of its own (`…/story)_[Official statement](https://phish…`). Credentials in the address are dropped.
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`.replace(/[()[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const href = `${parsed.origin}${rest}`;
    return href.length <= 512 ? href : undefined;
  } catch {
    return undefined;
  }
}
