/**
 * The maintainers' report (src/report/report.ts) as one embed: the counts and the unanswered topics in the
 * description, one field per 👎 answer with its quotes, all within Discord's limits (fitEmbed is the last word).
 */
import type { APIEmbed } from 'discord.js';
import { latestOf, reportSummary, type Report } from '../../report/report.js';
import { fitEmbed, fitText } from './budget.js';
import { COLORS, LIMITS } from './limits.js';
import { blockQuote, escapeText, trimText } from './text.js';

/** Fields of 👎 answers shown at most, and the least room one gets; the rest are counted in the footer. */
const MAX_DOWNVOTED = 8;
const MIN_FIELD_CHARS = 300;
const FOOTER_ROOM = 120;

/** Each quote on one block-quoted line, sharing the field's 1,024 characters. */
function quotesValue(quotes: string[], max: number): string {
  if (quotes.length === 0) return '(the quoted articles are no longer in the index)';
  const shown = quotes.slice(0, 3);
  const each = Math.floor(max / shown.length) - 3; // "> " and the line break
  return fitText(shown.map((q) => blockQuote(fitText(q.replace(/\s+/g, ' '), each, escapeText))).join('\n'), max);
}

export function reportEmbed(report: Report): APIEmbed {
  const topics = report.unanswered.map(
    (t, i) => `${i + 1}. **${escapeText(t.label)}**: ${t.count} question${t.count === 1 ? '' : 's'}, e.g. “${escapeText(trimText(t.examples[0] ?? '', 150))}”`,
  );
  const description = [
    ...reportSummary(report),
    '',
    `**Most common unanswered topics**${latestOf(report)}`,
    ...(topics.length ? topics : ['None: every public question was answered (or none was asked).']),
  ].join('\n');
  const title = `Coverage report: the last ${report.days} day${report.days === 1 ? '' : 's'}`;
  const fitted = fitText(description, LIMITS.description);
  // The fields share what the title, description and footer leave of the embed's 6,000 characters.
  const room = LIMITS.embedTotal - title.length - fitted.length - FOOTER_ROOM;
  let count = Math.min(MAX_DOWNVOTED, report.downvoted.length);
  while (count > 0 && room / count < MIN_FIELD_CHARS) count--;
  const per = count > 0 ? Math.floor(room / count) : 0;
  const nameMax = Math.min(LIMITS.fieldName, Math.floor(per / 4));
  const shown = report.downvoted.slice(0, count);
  const fields = shown.map((d) => ({
    name: fitText(`👎 ${d.question}`, nameMax, escapeText),
    value: quotesValue(d.quotes, Math.min(LIMITS.fieldValue, per - nameMax)),
  }));
  const more = report.downvoted.length - shown.length;
  return fitEmbed({
    title,
    description: fitted,
    fields,
    color: COLORS.answer,
    footer: { text: `${report.since.slice(0, 10)} to ${report.until.slice(0, 10)}${more > 0 ? ` · ${more} more 👎 answers not shown` : ''}` },
  });
}
