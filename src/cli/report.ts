/**
 * `npm run report [-- --days N] [--json]`: the maintainers' view of the last N days (default 7), from the
 * question log (QUESTION_LOG) and the votes (FEEDBACK_LOG, or the database with DATABASE_URL): questions answered and refused, 👎 answers
 * with their quotes (read from the current index, when there is one), and the most common unanswered topics.
 */
import { existsSync } from 'node:fs';
import { FeedbackLog, FeedbackTable, type FeedbackCitation } from '../bot/feedback.js';
import { loadConfig } from '../config.js';
import { loadEmbedder } from '../embedder.js';
import { exitWithError } from '../errors.js';
import { openCoverageStore } from '../coverage-store.js';
import type { CoverageStore } from '../index/coverage.js';
import { IndexMissingError } from '../index/store.js';
import { latestOf, parseDays, quotesFrom, reportFromLogs, reportSummary, type Report } from '../report/report.js';
import { endOnClosedOutput, sanitizeForTerminal, terminalJson } from '../terminal.js';
import { parseCommandLine } from './args.js';

const USAGE = `Usage: npm run report -- [--days N] [--json]

Options:
  --days N   the last N days (1-365, default 7)
  --json     print the report as JSON`;

const clean = (text: string) => sanitizeForTerminal(text, { keepNewlines: false });

export function formatReport(report: Report): string {
  const lines = [`Coverage report: ${report.since.slice(0, 10)} to ${report.until.slice(0, 10)} (${report.days} days)`, '', ...reportSummary(report), ''];
  lines.push(`Most common unanswered topics${latestOf(report)}:`);
  if (report.unanswered.length === 0) lines.push('  none: every public question was answered (or none was asked)');
  for (const [i, topic] of report.unanswered.entries()) {
    lines.push(`  ${i + 1}. ${clean(topic.label)} (${topic.count})`, ...topic.examples.map((e) => `       - ${clean(e)}`));
  }
  lines.push('', `Answers voted 👎 (${report.downvoted.length} public):`);
  for (const answer of report.downvoted) {
    lines.push(`  ${answer.timestamp.slice(0, 16).replace('T', ' ')}  ${clean(answer.question)}`);
    lines.push(...(answer.quotes.length ? answer.quotes.map((q) => `       “${clean(q)}”`) : ['       (the quoted articles are no longer in the index)']));
  }
  return lines.join('\n');
}

/** The quotes of the current coverage, or none when nothing was embedded yet. */
async function quoteSource(store: CoverageStore): Promise<((c: FeedbackCitation) => string | undefined) | undefined> {
  try {
    return quotesFrom((await store.open()).articles);
  } catch (error) {
    if (error instanceof IndexMissingError) return undefined;
    throw error;
  }
}

async function main(): Promise<void> {
  endOnClosedOutput();
  const { values } = parseCommandLine({ options: { days: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }, 'npm run report');
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const days = parseDays(values.days);
  const config = await loadConfig();
  const embedder = await loadEmbedder(config.embedding);
  // Votes are where the bot writes them: the database's table with DATABASE_URL, else the feedback log.
  const store = await openCoverageStore(config);
  try {
    const feedback = store.sql ? new FeedbackTable(store.sql, config.discord.feedbackSalt) : new FeedbackLog(config.discord.feedbackLog, config.discord.feedbackSalt);
    const report = await reportFromLogs(
      { questionLog: config.discord.questionLog, feedback },
      { days, now: new Date(), embed: (text) => embedder.embedQuery(text), quoteOf: await quoteSource(store) },
    );
    console.log(values.json ? terminalJson(report, 2) : formatReport(report));
    if (report.damagedLines) {
      const lines = report.damagedLines === 1 ? '1 line' : `${report.damagedLines} lines`;
      console.error(sanitizeForTerminal(`Note: ${lines} of the question log ${config.discord.questionLog} could not be read (not JSON: a write cut short, or an edit) and ${report.damagedLines === 1 ? 'was' : 'were'} skipped.`, { keepNewlines: false }));
    }
    // All zeros, with nothing to say why: the log is the bot's (npm run ask logs nothing).
    if (!existsSync(config.discord.questionLog)) {
      console.error(sanitizeForTerminal(`Note: there is no question log at ${config.discord.questionLog} yet. The bot (npm start) logs the questions it is asked; npm run ask does not.`, { keepNewlines: false }));
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => exitWithError(error));
