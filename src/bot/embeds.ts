/**
 * Pure formatting for Discord: answers and articles → embed payloads that respect every Discord limit.
 * Long text is cut at a sentence end when one is close, else at a word boundary, never inside a word.
 * Nothing here talks to Discord or the pipeline, so it is tested with plain objects.
 */
import { type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Answer, Passage, Source } from '../answer.js';
import type { Article } from '../corpus/types.js';
import { formatDate, periodWords } from '../dates.js';

/** Discord's documented limits (characters unless said otherwise). */
export const LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  customId: 100,
  selectOptions: 25,
  selectLabel: 100,
  selectValue: 100,
  selectDescription: 100,
  buttonLabel: 80,
  url: 2048,
} as const;

export const COLORS = { answer: 0x2f6fb0, notFound: 0x99aab5, article: 0x4f7942, error: 0xc0392b } as const;

const ELLIPSIS = '…';
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
  return `${text.slice(0, max - 1)}${ELLIPSIS}`;
}

/**
 * Escapes Discord markdown so that quoted text shows exactly as written: emphasis, code, strike and spoiler
 * characters anywhere, masked links, mentions, channel and command links, custom emoji and timestamps
 * (`<@id>`, `<#id>`, `</cmd:id>`, `<:e:id>`, `<t:…>`), and quote / heading / subtext / list markers at the
 * start of a line. Linear in the text length (discord.js's escapeMarkdown is quadratic on long lines).
 */
export function escapeText(text: string): string {
  return text
    .replace(/[\\*_~`|]/g, '\\$&')
    .replace(/\]\(/g, ']\\(') // "[text](url)" would become a link
    .replace(/<(?=[@#/:]|a:|t:)/g, '\\<') // "<@id>" would show as a member, "<t:…>" as a date
    .replace(/^([ \t]*)(>|#{1,3}(?=\s)|-#(?=\s)|-(?=\s))/gm, '$1\\$2')
    .replace(/^([ \t]*\d+)\.(?=\s)/gm, '$1\\.');
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

/** Only http(s) links short enough for Discord are shown; anything else is left out. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.href.length <= 512 ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** The characters Discord counts toward an embed's 6000 total. */
export function embedTotal(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

/** Every limit of one embed that the payload breaks (empty when it is valid). */
export function embedProblems(embed: APIEmbed): string[] {
  const problems: string[] = [];
  const check = (what: string, length: number | undefined, max: number) => {
    if (length !== undefined && length > max) problems.push(`${what} is ${length} > ${max}`);
  };
  check('title', embed.title?.length, LIMITS.title);
  check('description', embed.description?.length, LIMITS.description);
  check('footer', embed.footer?.text.length, LIMITS.footer);
  check('author', embed.author?.name.length, LIMITS.authorName);
  check('fields', embed.fields?.length, LIMITS.fields);
  for (const [i, field] of (embed.fields ?? []).entries()) {
    check(`field ${i} name`, field.name.length, LIMITS.fieldName);
    check(`field ${i} value`, field.value.length, LIMITS.fieldValue);
    if (!field.name || !field.value) problems.push(`field ${i} is empty`);
  }
  check('total', embedTotal(embed), LIMITS.embedTotal);
  return problems;
}

/** Trims `raw`, renders it, and shrinks the budget until the rendering fits in `max`. */
function fitRendered(raw: string, max: number, render: (text: string) => string): string {
  let budget = max;
  for (;;) {
    const out = render(trimText(raw, budget));
    if (out.length <= max || budget <= 1) return out.length <= max ? out : out.slice(0, max);
    budget -= Math.max(1, out.length - max);
  }
}

// ── /ask ────────────────────────────────────────────────────────────────────────────────────────────

export const NOT_FOUND_MESSAGE =
  "I couldn't find that in the coverage: none of the articles answers it. Try rephrasing, or browse the articles with `/source`.";

function sourceLine(source: Source | undefined, passage: Passage): string {
  const parts = [`— *${escapeText(trimText(source?.title ?? passage.title, 120))}*`];
  // "RIA Novosti, 13 Sep 2023": who published the quote, and when.
  const from = [source?.outlet && trimText(source.outlet, 80), formatDate(source?.published ?? passage.published)].filter(Boolean).join(', ');
  if (from) parts.push(escapeText(from));
  const url = safeUrl(source?.url);
  if (url) parts.push(`[read the article](${url})`);
  return parts.join(' · ');
}

const MIN_QUOTE_CHARS = 80;
const MIN_ANSWER_CHARS = 200;
/** Longest short answer shown in bold above the quotes (a short answer is a name, a number, a phrase). */
const SHORT_ANSWER_CHARS = 200;

/** Shortest share of a cited sentence kept when the answer must shrink. */
const MIN_CITED_CHARS = 60;

const MARKER = /\[\d+\][.!?…,;:]?["”’)]*(?=\s|$)/g;

/**
 * Where the citation markers of an answer are: right after each quoted passage, found by locating the quote
 * in the answer text, so that a "[2]" inside a quote is text, not a marker. When the quotes cannot be found
 * (an answer worded otherwise), every "[n]" naming a passage counts.
 */
export function markerPositions(answer: Pick<Answer, 'answer' | 'passages'>): { index: number; text: string }[] {
  const text = answer.answer;
  const ranks = new Set(answer.passages.map((p) => p.rank));
  const all = [...text.matchAll(MARKER)].filter((m) => ranks.has(Number(/\d+/.exec(m[0])![0])));
  const found: { index: number; text: string }[] = [];
  let cursor = 0;
  for (const passage of answer.passages) {
    const body = passage.quote.replace(/[.!?…]["”’)]*$/, '');
    const at = body ? text.indexOf(body, cursor) : -1;
    if (at < 0) continue;
    const marker = all.find((m) => m.index >= at + body.length && m[0].startsWith(`[${passage.rank}]`));
    if (!marker) continue;
    found.push({ index: marker.index, text: marker[0] });
    cursor = marker.index + marker[0].length;
  }
  return found.length > 0 ? found : all.map((m) => ({ index: m.index, text: m[0] }));
}

/**
 * Fits the short answer ("quote [1]. quote [2]. …") in `max` characters, markdown-escaped, with the
 * markers in bold. Each cited piece is shortened on its own so that every [n] marker stays; pieces are
 * dropped from the end only when even short ones cannot all fit. `markers` (from markerPositions) says
 * which "[n]" are citations; by default every "[n]" is.
 */
export function fitAnswer(text: string, max: number, markers: { index: number; text: string }[] = [...text.matchAll(MARKER)].map((m) => ({ index: m.index, text: m[0] }))): string {
  const pieces: { body: string; marker: string }[] = [];
  let from = 0;
  for (const m of markers) {
    pieces.push({ body: text.slice(from, m.index).trim(), marker: ` ${renderMarker(m.text)}` });
    from = m.index + m.text.length;
  }
  const tail = text.slice(from).trim();
  if (pieces.length === 0) return fitRendered(text, max, escapeText);
  if (tail) pieces[pieces.length - 1]!.marker += ` ${escapeText(tail)}`;
  const whole = pieces.map((p) => escapeText(p.body) + p.marker).join(' ');
  if (whole.length <= max) return whole;
  const needs = pieces.map((p) => escapeText(p.body).length + p.marker.length);
  for (let count = pieces.length; count > 0; count--) {
    const share = Math.floor((max - (count - 1)) / count);
    if (share < MIN_CITED_CHARS && count > 1) continue;
    const kept = pieces.slice(0, count);
    // Short pieces give their unused share to the long ones.
    let spare = 0;
    const budgets = kept.map((_, i) => {
      const need = needs[i]!;
      if (need <= share) {
        spare += share - need;
        return need;
      }
      return share;
    });
    const long = budgets.filter((b, i) => b === share && needs[i]! > share).length;
    const bonus = long > 0 ? Math.floor(spare / long) : 0;
    const out = kept
      .map((p, i) => {
        const need = needs[i]!;
        const budget = need <= budgets[i]! ? need : budgets[i]! + bonus;
        return fitRendered(p.body, Math.max(1, budget - p.marker.length), escapeText) + p.marker;
      })
      .join(' ');
    if (out.length <= max) return out;
  }
  return fitRendered(text, max, escapeText);
}

interface QuoteField {
  name: string;
  quote: string;
  /** The source line under the quote. */
  line: string;
}

/**
 * The answer as one embed: the question as title, the short answer in bold over the quotes with [n]
 * markers as description, one
 * field per passage (its quote as a block quote and its source). When the whole is over Discord's 6000
 * characters, the longest text (answer or a quote) is shortened first, and passages are dropped from the
 * end only if that is not enough (the footer then says so).
 */
export function answerEmbed(answer: Answer): APIEmbed {
  const title = trimText(answer.question, LIMITS.title);
  if (!answer.found) {
    const period = answer.period && periodWords(answer.period);
    const searched = period ? `\n\nOnly articles published ${period} were searched.` : '';
    return { title, description: NOT_FOUND_MESSAGE + searched, color: COLORS.notFound };
  }
  const fields: QuoteField[] = answer.passages.slice(0, LIMITS.fields).map((passage) => ({
    name: `[${passage.rank}] ${fitRendered(passage.title, 200 - `[${passage.rank}] `.length, escapeText)}`,
    quote: passage.quote,
    line: sourceLine(
      answer.sources.find((s) => s.articleId === passage.articleId),
      passage,
    ),
  }));
  const markers = markerPositions(answer);
  // The short answer, in bold, opens the description.
  const lead = answer.shortAnswer ? `**${escapeText(trimText(answer.shortAnswer.text, SHORT_ANSWER_CHARS))}**\n\n` : '';
  const describe = (max: number) => lead + fitAnswer(answer.answer, max - lead.length, markers);
  const answerNeed = Math.min(lead.length + fitAnswer(answer.answer, Infinity, markers).length, LIMITS.description);
  const quoteRender = (q: string) => blockQuote(escapeText(q));
  const quoteNeeds = fields.map((f) => quoteRender(trimText(f.quote, 2 * LIMITS.fieldValue)).length);
  const footer = (dropped: number) =>
    dropped > 0
      ? `${dropped} more passage${dropped === 1 ? '' : 's'} left out to fit Discord's limits; ask for fewer passages to see them all.`
      : 'Quotes are exact text from the articles. Open one below, or browse with /source.';

  // Passages are dropped from the end only when even short quotes cannot all fit.
  for (let dropped = 0; dropped <= fields.length; dropped++) {
    const live = fields.slice(0, fields.length - dropped);
    const fixed = title.length + footer(dropped).length + live.reduce((sum, f) => sum + f.name.length + f.line.length + 1, 0);
    const available = LIMITS.embedTotal - fixed;
    const caps = [answerNeed, ...live.map((f, i) => Math.min(quoteNeeds[i]!, LIMITS.fieldValue - f.line.length - 1))];
    const floors = caps.map((cap, i) => Math.min(cap, i === 0 ? MIN_ANSWER_CHARS : MIN_QUOTE_CHARS));
    if (floors.reduce((a, b) => a + b, 0) > available) continue;
    // Water-filling: the largest common ceiling under which answer and quotes together fit.
    const used = (level: number) => caps.reduce((sum, cap, i) => sum + Math.max(floors[i]!, Math.min(cap, level)), 0);
    let lo = 0;
    let hi = Math.max(...caps);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (used(mid) <= available) lo = mid;
      else hi = mid - 1;
    }
    const budget = (i: number) => Math.max(floors[i]!, Math.min(caps[i]!, lo));
    const embed: APIEmbed = {
      title,
      description: describe(budget(0)),
      color: COLORS.answer,
      fields: live.map((f, i) => ({ name: f.name, value: `${fitRendered(f.quote, budget(i + 1), quoteRender)}\n${f.line}` })),
      footer: { text: footer(dropped) },
    };
    if (embedTotal(embed) <= LIMITS.embedTotal) return embed;
  }
  return {
    title,
    description: describe(Math.min(LIMITS.description, LIMITS.embedTotal - title.length - footer(fields.length).length)),
    color: COLORS.answer,
    footer: { text: footer(fields.length) },
  };
}

// ── articles (/source and "open a cited article") ────────────────────────────────────────────────────

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
        if (!piece || !rest.startsWith(piece)) piece = rest.slice(0, room);
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

function articleFields(article: Article): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  if (article.outlet) fields.push({ name: 'Outlet', value: escapeText(trimText(article.outlet, 200)), inline: true });
  if (article.author) fields.push({ name: 'Author', value: escapeText(trimText(article.author, 200)), inline: true });
  if (article.published) fields.push({ name: 'Published', value: escapeText(trimText(formatDate(article.published) ?? article.published, 100)), inline: true });
  return fields;
}

function articleFooter(article: Article, page: number, pageCount: number): string {
  const id = trimText(article.id, 120);
  return pageCount > 1 ? `Page ${page + 1} of ${pageCount} · ${id}` : id;
}

/** The article text split into the pages one embed shows, markdown-escaped. */
export function articlePages(article: Article): string[] {
  const overhead =
    trimText(article.title, LIMITS.title).length +
    articleFields(article).reduce((sum, f) => sum + f.name.length + f.value.length, 0) +
    articleFooter(article, 998, 999).length;
  const size = Math.min(LIMITS.description, LIMITS.embedTotal - overhead);
  return splitPages(escapeText(article.text), size);
}

/** One page of an article as an embed: title (linked when the article has a url), outlet, author, date. */
export function articleEmbed(article: Article, pages: string[], page: number): APIEmbed {
  const url = safeUrl(article.url);
  return {
    title: trimText(article.title, LIMITS.title),
    ...(url ? { url } : {}),
    description: pages[page] || '*(this article has no text)*',
    color: COLORS.article,
    fields: articleFields(article),
    footer: { text: articleFooter(article, page, pages.length) },
  };
}

/** Autocomplete / select-menu label for an article: its title, with the outlet when it fits. */
export function articleLabel(article: Pick<Article, 'title' | 'outlet'>, max: number = LIMITS.choiceName): string {
  const title = article.title.replace(/\s+/g, ' ').trim() || 'Untitled';
  const withOutlet = article.outlet ? `${title} · ${article.outlet.replace(/\s+/g, ' ').trim()}` : title;
  return withOutlet.length <= max ? withOutlet : trimText(title, max);
}

export function errorEmbed(message: string): APIEmbed {
  return { description: trimText(message, LIMITS.description), color: COLORS.error };
}
