/**
 * An answer as one embed: the question as title, the short answer (when shown) and the answer with its [n]
 * markers as description, one field per quoted passage with its source. The 6,000 characters are shared out
 * with `shareBudget` and each piece fitted with `fitText` (budget.ts).
 */
import type { APIEmbed } from 'discord.js';
import { shownShortAnswer, type Answer, type Passage, type Source } from '../../answer.js';
import { formatDate, periodWords } from '../../dates.js';
import { fitEmbed, fitText, shareBudget } from './budget.js';
import { COLORS, embedTotal, LIMITS } from './limits.js';
import { blockQuote, escapeText, renderMarker, safeUrl, trimText } from './text.js';

/** The bot's refusal, in the words of NOT_FOUND_ANSWER (src/answer.ts): of the passages found, not of every article. */
export const NOT_FOUND_MESSAGE =
  "I couldn't find that in the coverage: no passage I found in it answers that. Try rephrasing, or browse the articles with `/source`.";

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
  if (pieces.length === 0) return fitText(text, max, escapeText);
  if (tail) pieces[pieces.length - 1]!.marker += ` ${escapeText(tail)}`;
  const whole = pieces.map((p) => escapeText(p.body) + p.marker).join(' ');
  if (whole.length <= max) return whole;
  if (max <= 0) return '';
  const needs = pieces.map((p) => escapeText(p.body).length + p.marker.length);
  for (let count = pieces.length; count > 0; count--) {
    const share = Math.floor((max - (count - 1)) / count);
    if (share < MIN_CITED_CHARS && count > 1) continue;
    const kept = pieces.slice(0, count);
    // Short pieces keep all they need; the long ones share the rest under one ceiling.
    const budgets = shareBudget(
      kept.map((_, i) => ({ cap: needs[i]!, floor: 0 })),
      max - (count - 1),
    );
    if (!budgets) continue;
    const out = kept.map((p, i) => fitText(p.body, Math.max(1, budgets[i]! - p.marker.length), escapeText) + p.marker).join(' ');
    if (out.length <= max) return out;
  }
  return fitText(text, max, escapeText);
}

interface QuoteField {
  rank: number;
  name: string;
  quote: string;
  /** The source line under the quote. */
  line: string;
}

/**
 * The answer as one embed: the question as title, the short answer in bold (`shownShortAnswer`) over the quotes
 * with [n] markers as description, one field per passage (its quote as a block quote and its source); amber
 * when the reader is not sure of the answer. When the whole is over Discord's 6000 characters, the longest
 * text (answer or a quote) is shortened first, and passages are dropped from the end only if that is not
 * enough (the footer then says so).
 */
export function answerEmbed(answer: Answer): APIEmbed {
  return fitEmbed(renderAnswer(answer));
}

function renderAnswer(answer: Answer): APIEmbed {
  // Discord renders emphasis and strike in embed titles: the question shows as asked, escaped, then fitted.
  const title = fitText(answer.question, LIMITS.title, escapeText);
  if (!answer.found) {
    const period = answer.period && periodWords(answer.period);
    if (answer.period?.empty) return { title, description: `No article of the coverage was published ${period}: there was nothing to search. Ask without the period, or with a wider one.`, color: COLORS.notFound };
    const searched = !period ? '' : answer.period!.undated ? `\n\nNo article is dated ${period}: only undated articles were searched.` : `\n\nOnly articles published ${period} were searched.`;
    return { title, description: NOT_FOUND_MESSAGE + searched, color: COLORS.notFound };
  }
  // An embed holds 25 fields: passages beyond them are counted as left out.
  const beyond = Math.max(0, answer.passages.length - LIMITS.fields);
  const fields: QuoteField[] = answer.passages.slice(0, LIMITS.fields).map((passage) => ({
    rank: passage.rank,
    name: `[${passage.rank}] ${fitText(passage.title, 200 - `[${passage.rank}] `.length, escapeText)}`,
    quote: passage.quote,
    line: sourceLine(
      answer.sources.find((s) => s.articleId === passage.articleId),
      passage,
    ),
  }));
  const markers = markerPositions(answer);
  // The short answer, in bold, opens the description when it is shown (a sure answer, a span the reader is sure
  // of); an answer the reader is not sure of opens with its doubt (the answer's UNSURE_LEAD), in amber.
  const short = shownShortAnswer(answer);
  const lead = short ? `**${escapeText(trimText(short.text, SHORT_ANSWER_CHARS))}**\n\n` : '';
  const color = answer.sure ? COLORS.answer : COLORS.unsure;
  const describe = (max: number) => lead + fitAnswer(answer.answer, max - lead.length, markers);
  const answerNeed = Math.min(lead.length + fitAnswer(answer.answer, Infinity, markers).length, LIMITS.description);
  const quoteRender = (q: string) => blockQuote(escapeText(q));
  const quoteNeeds = fields.map((f) => quoteRender(trimText(f.quote, 2 * LIMITS.fieldValue)).length);
  // The period searched, as the CLI says it: an answer quotes only what was published then (or undated articles).
  const period = answer.period && periodWords(answer.period);
  const searched = !period ? '' : answer.period!.undated ? `No article is dated ${period}: undated articles were searched. ` : `Articles published ${period}. `;
  const footer = (dropped: number) =>
    searched +
    (dropped > 0
      ? `${dropped} more passage${dropped === 1 ? '' : 's'} left out to fit Discord's limits; ask for fewer passages to see them all.`
      : 'Quotes are exact text from the articles. Open one below, or browse with /source.');

  // Passages are dropped from the end only when even short quotes cannot all fit.
  for (let dropped = 0; dropped <= fields.length; dropped++) {
    const live = fields.slice(0, fields.length - dropped);
    const fixed = title.length + footer(dropped + beyond).length + live.reduce((sum, f) => sum + f.name.length + f.line.length + 1, 0);
    const budgets = shareBudget(
      [
        // The bold short answer comes on top of the answer's own share, never out of it.
        // Room for a short piece of each passage's sentence and its marker (fitAnswer keeps every marker it can).
        { cap: answerNeed, floor: lead.length + Math.max(MIN_ANSWER_CHARS, live.length * (MIN_CITED_CHARS + ` ${renderMarker(`[${LIMITS.fields}]`)}.`.length + 1)) },
        ...live.map((f, i) => ({ cap: Math.min(quoteNeeds[i]!, LIMITS.fieldValue - f.line.length - 1), floor: MIN_QUOTE_CHARS })),
      ],
      LIMITS.embedTotal - fixed,
    );
    if (!budgets) continue;
    const budget = (i: number) => budgets[i]!;
    const description = describe(budget(0));
    // A passage shown whose marker the answer lost is dropped instead: the text cites every passage it shows.
    if (markers.length > 0 && live.some((f) => !description.includes(renderMarker(`[${f.rank}]`)))) continue;
    const embed: APIEmbed = {
      title,
      description,
      color,
      fields: live.map((f, i) => ({ name: f.name, value: `${fitText(f.quote, budget(i + 1), quoteRender)}\n${f.line}` })),
      footer: { text: footer(dropped + beyond) },
    };
    if (embedTotal(embed) <= LIMITS.embedTotal) return embed;
  }
  return {
    title,
    description: describe(Math.min(LIMITS.description, LIMITS.embedTotal - title.length - footer(fields.length + beyond).length)),
    color,
    footer: { text: footer(fields.length + beyond) },
  };
}
