/**
 * The readable answer `npm run ask` prints: the question, the period read, the short answer or the doubt, the
 * answer, its quotes (each in one pair of quotation marks) with their articles, and the sources.
 */
import { shownShortAnswer, type Answer } from '../answer.js';
import { formatDate, periodWords } from '../dates.js';
import { terminalLine } from '../terminal.js';
import { byline } from './byline.js';

/**
 * Text from the question or the articles, safe to print: no escape sequences, no control characters, one line, its
 * runs of spaces one space (a quote over two paragraphs read "attending.  “The farewell"), and a paragraph that ends
 * like no sentence (a headline the first quote opens with) set off from the next by a dash, not run into it
 * ("… captives — Russia prepared …", not "… captives Russia prepared …").
 */
const clean = (text: string) =>
  terminalLine(text.replace(/([^.!?…"”’)\]\s])[ \t]*\n[ \t]*\n\s*/g, '$1 — '))
    .replace(/\s{2,}/g, ' ');

/** The readable answer. Everything in it that came from outside is cleaned for the terminal. */
export function formatAnswer(answer: Answer): string {
  const lines = [`Q: ${clean(answer.question)}`, ...(answer.readAs ? [`   (read as: ${clean(answer.readAs)})`] : [])];
  if (answer.period) {
    const read = answer.period.phrase ? `, read from "${clean(answer.period.phrase)}"` : '';
    const undated = answer.period.undated ? '; no article is dated then, so the undated ones were searched' : '';
    lines.push(`   (articles published ${periodWords(answer.period)}${read}${undated})`);
  }
  lines.push('');
  // The short answer first when it is shown (a sure answer, a span the reader is sure of); an answer the reader
  // is not sure of opens with its doubt instead (the answer's UNSURE_LEAD).
  const short = shownShortAnswer(answer);
  if (short) lines.push(`A: ${clean(short.text)}`, '');
  lines.push(clean(answer.answer));
  if (answer.found) {
    lines.push('', 'Quotes:');
    for (const passage of answer.passages) {
      const source = answer.sources.find((s) => s.articleId === passage.articleId)!;
      const by = byline(source);
      // In quotation marks, unless the quote opens with its own; one that ends on a closing mark (a sentence split
      // inside a quotation) gets no second one.
      const text = clean(passage.quote);
      const quote = /^["“‘']/.test(text) ? text : closesOpenQuotation(text) ? `“${text}` : `“${text}”`;
      lines.push(`[${passage.rank}] ${quote}`, `    — ${clean(passage.title)}${by ? ` (${by})` : ''}  [${clean(passage.articleId)}]`);
    }
    lines.push('', 'Sources:');
    for (const source of answer.sources) {
      const from = [source.outlet, formatDate(source.published)].filter(Boolean).map((part) => clean(part!)).join(', ');
      lines.push(`  - ${clean(source.title)}${from ? ` — ${from}` : ''}${source.url ? ` <${clean(source.url)}>` : ''}`);
    }
  }
  return lines.join('\n');
}

/**
 * Whether a quote ends on a closing quotation mark it has no opening one for (a sentence split inside a quotation:
 * "… repaid only with blood.”"): it then gets only the opening mark. One that closes its own quotation
 * ("… as “constructive.”") is wrapped whole.
 */
function closesOpenQuotation(text: string): boolean {
  if (text.endsWith('”')) return (text.match(/”/g) ?? []).length > (text.match(/“/g) ?? []).length;
  if (text.endsWith('"')) return (text.match(/"/g) ?? []).length % 2 === 1;
  return false;
}
