/** How `npm run eval` prints: markdown tables, percentages, scores, and the reader thresholds swept. */
import { SHORT_ANSWER_SHOWN, type Answer } from '../../src/answer.js';
export const THRESHOLDS = [0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7];
/** The threshold of questions asking for an account, swept at the reader's threshold for facts (question-sets.ts). */
export const OPEN_THRESHOLDS = [0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05];
export const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
export const num = (x: number) => x.toFixed(3);
/** The mean length of the answers' first quotes, in characters (answers without a quote left out). */
export function firstQuoteChars(answers: Answer[]): string {
  const lengths = answers.flatMap((a) => (a.passages[0] ? [a.passages[0].quote.length] : []));
  return lengths.length === 0 ? '-' : (lengths.reduce((x, y) => x + y, 0) / lengths.length).toFixed(0);
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

/** The line under a reading table: the short answers a user is shown, and how right they are. */
export function shownShortAnswersLine(shown: { share: number; exact: number; f1: number }, sureThreshold: number, of: string): string {
  return `Short answers shown in front of the quotes (answers sure from ${num(sureThreshold)}, spans from ${SHORT_ANSWER_SHOWN}): ${shown.share.toFixed(1)} % of ${of}, EM ${shown.exact.toFixed(1)} / F1 ${shown.f1.toFixed(1)} of those shown.`;
}
