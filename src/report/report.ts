/**
 * The maintainers' view of the last N days (`npm run report`, /coverage-report): questions answered and
 * refused, the 👎 answers with their quotes, and the most common topics of the questions the coverage could
 * not answer, so maintainers know which coverage to add. Read from the question log (question-log.ts) and
 * the feedback log (feedback.ts). Private questions and private answers are counted; no text of theirs is
 * stored, so none is shown.
 */
import type { FeedbackCitation, FeedbackEntry, FeedbackSink } from '../bot/feedback.js';
import type { Article } from '../corpus/types.js';
import { JsonLinesFile } from '../files.js';
import type { AskedWhere, QuestionEntry } from '../bot/question-log.js';
import { wholeNumber } from '../config-values.js';
import { UserFacingError } from '../errors.js';
import { clusterTopics, TOPIC_QUESTIONS, type Topic } from './topics.js';

export const MAX_REPORT_DAYS = 365;
export const DEFAULT_REPORT_DAYS = 7;
const DAY_MS = 86_400_000;

export class ReportError extends UserFacingError {
  override name = 'ReportError';
}

/** A number of days from a command line or an option: a whole number from 1 to 365. */
export function parseDays(raw: string | number | undefined, what = '--days'): number {
  if (raw === undefined) return DEFAULT_REPORT_DAYS;
  const days = typeof raw === 'number' ? raw : wholeNumber(raw);
  if (!Number.isInteger(days) || days < 1 || days > MAX_REPORT_DAYS) {
    throw new ReportError(`${what} must be a whole number of days from 1 to ${MAX_REPORT_DAYS} (got "${String(raw).slice(0, 40)}").`);
  }
  return days;
}

export interface DownvotedAnswer {
  timestamp: string;
  question: string;
  /** The quoted sentences, when the articles are still in the index. */
  quotes: string[];
}

export interface Report {
  days: number;
  since: string;
  until: string;
  questions: {
    total: number;
    answered: number;
    /** Of the answered, those the reader was not sure of (`Answer.sure`; lines written before it was logged count as sure). */
    unsure: number;
    refused: number;
    private: number;
    silent: number;
  };
  votes: { up: number; down: number; privateDown: number };
  /** Public 👎 answers, most recent first. */
  downvoted: DownvotedAnswer[];
  /** Topics of the public questions the coverage could not answer, largest first. */
  unanswered: Topic[];
  /** How many refused public questions the topics are made of: the latest TOPIC_QUESTIONS of `topicsFrom`. */
  topicsOf: number;
  topicsFrom: number;
  /** Lines of the question log that are not JSON (a write cut short, an edit): skipped; present when there are any. */
  damagedLines?: number;
}

/** The counts of a report, one line each; shared by the CLI and /coverage-report. */
export function reportSummary(report: Report): string[] {
  const { questions: q, votes: v } = report;
  return [
    `Questions: ${q.total} (${q.answered} answered${q.unsure ? `, ${q.unsure} of them not sure` : ''}, ${q.refused} refused; ${q.private} private, counted without their text)`,
    ...(q.silent ? [`Messages in auto channels left unanswered (not confident): ${q.silent}`] : []),
    `Votes: ${v.up} 👍, ${v.down} 👎${v.privateDown ? ` (${v.privateDown} on private answers, without text)` : ''}`,
  ];
}

export interface ReportInput {
  questions: QuestionEntry[];
  feedback: FeedbackEntry[];
  days: number;
  now: Date;
  embed: (text: string) => Promise<Float32Array>;
  /**
   * Only this server's questions and votes (/coverage-report: a server's admins never see another server's
   * questions, nor direct messages); undefined: all of them (`npm run report`, for the bot's maintainers).
   */
  guildId?: string;
  /** The quoted sentence of a citation, from the current index; undefined when the article is gone. */
  quoteOf?: (citation: FeedbackCitation) => string | undefined;
  /**
   * Whether the reader of the report may see where something was asked (/coverage-report: the admin who asked): a
   * question's text from a channel or private thread they cannot view is counted but not shown. Entries written
   * before channels were kept are shown. Undefined: every text (`npm run report`).
   */
  canView?: (where: AskedWhere) => boolean;
}

/** The votes that count: of a member's votes on one answer, the last (entries in the order they were written). */
export function lastVotes<T extends Pick<FeedbackEntry, 'answerId' | 'userHash'>>(entries: readonly T[]): T[] {
  const key = (e: T) => `${e.answerId}\u0000${e.userHash}`;
  const last = new Map<string, number>();
  entries.forEach((e, i) => e.answerId !== undefined && last.set(key(e), i));
  return entries.filter((e, i) => e.answerId === undefined || last.get(key(e)) === i);
}

/** " (of the latest 400 of 1,234 refused questions)" when the topics are made of fewer than all of them. */
export function latestOf(report: Pick<Report, 'topicsOf' | 'topicsFrom'>): string {
  return report.topicsOf < report.topicsFrom ? ` (of the latest ${report.topicsOf.toLocaleString('en')} of ${report.topicsFrom.toLocaleString('en')} refused questions)` : '';
}

/** Whether a logged question or vote falls in a report's window: its last `days` days, and its server if it has one. */
function reportWindow({ days, now, guildId }: Pick<ReportInput, 'days' | 'now' | 'guildId'>) {
  const since = new Date(now.getTime() - days * DAY_MS);
  const within = (e: { timestamp: string; guildId?: string | null }) => {
    const t = Date.parse(e.timestamp);
    return t >= since.getTime() && t <= now.getTime() && (guildId === undefined || e.guildId === guildId);
  };
  return { since, within };
}

export async function buildReport({ questions, feedback, days, now, embed, guildId, quoteOf, canView }: ReportInput): Promise<Report> {
  const { since, within } = reportWindow({ days, now, guildId });
  const shown = (e: { channelId?: string; privateThreadId?: string }) =>
    e.channelId === undefined || canView === undefined || canView({ channelId: e.channelId, privateThreadId: e.privateThreadId });
  const asked = questions.filter(within);
  // A member who changed their mind is counted once, with their last vote.
  const votes = lastVotes(feedback).filter(within);
  const down = votes.filter((v) => v.vote === 'down');
  const refusedTexts = asked.filter((q) => q.outcome === 'refused' && !q.private && q.question && shown(q)).map((q) => q.question!);
  return {
    days,
    since: since.toISOString(),
    until: now.toISOString(),
    questions: {
      total: asked.filter((q) => q.outcome !== 'silent').length,
      answered: asked.filter((q) => q.outcome === 'answered').length,
      unsure: asked.filter((q) => q.outcome === 'answered' && q.sure === false).length,
      refused: asked.filter((q) => q.outcome === 'refused').length,
      private: asked.filter((q) => q.private).length,
      silent: asked.filter((q) => q.outcome === 'silent').length,
    },
    votes: { up: votes.length - down.length, down: down.length, privateDown: down.filter((v) => v.settings.private).length },
    downvoted: down
      .filter((v) => !v.settings.private && v.question && shown(v))
      .reverse()
      .map((v) => ({
        timestamp: v.timestamp,
        question: v.question!,
        quotes: v.citations.map((c) => quoteOf?.(c)).filter((q): q is string => q !== undefined),
      })),
    unanswered: await clusterTopics(refusedTexts, embed),
    topicsOf: Math.min(refusedTexts.length, TOPIC_QUESTIONS),
    topicsFrom: refusedTexts.length,
  };
}

/** The quote of a citation, read from the articles of an index. */
export function quotesFrom(articles: ReadonlyMap<string, Article>): (citation: FeedbackCitation) => string | undefined {
  return (c) => articles.get(c.articleId)?.text.slice(c.quoteStart, c.quoteEnd) || undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalText = (v: unknown) => v === undefined || typeof v === 'string';

/** A line of the question log that the report can read (a damaged line may hold any JSON). */
function isQuestionEntry(v: unknown): v is QuestionEntry {
  return isRecord(v) && typeof v.timestamp === 'string' && typeof v.outcome === 'string' && optionalText(v.question);
}

/** A line of the feedback log that the report can read. */
function isFeedbackEntry(v: unknown): v is FeedbackEntry {
  return (
    isRecord(v) &&
    typeof v.timestamp === 'string' &&
    (v.vote === 'up' || v.vote === 'down') &&
    optionalText(v.question) &&
    Array.isArray(v.citations) &&
    v.citations.every(isRecord) &&
    isRecord(v.settings)
  );
}

/**
 * The report of the last `days` days from the question log (a file that may not exist yet) and the votes,
 * wherever they are kept (the feedback log, or the database's table with DATABASE_URL); an entry that is not
 * one (damaged, or from another program) is skipped.
 */
export async function reportFromLogs(
  sources: { questionLog: string; feedback: Pick<FeedbackSink, 'readAll'> },
  input: Omit<ReportInput, 'questions' | 'feedback'>,
): Promise<Report> {
  // Only the window's questions and votes are held: the logs keep every one ever made. (A member's last vote on an
  // answer, the one that counts, is their last in the window too: votes are kept in the order they were cast.)
  const { within } = reportWindow(input);
  const [questions, feedback] = await Promise.all([
    new JsonLinesFile<QuestionEntry>(sources.questionLog).readAll((v) => isQuestionEntry(v) && within(v)),
    sources.feedback.readAll((v) => isFeedbackEntry(v) && within(v)),
  ]);
  const report = await buildReport({ ...input, questions: questions.values, feedback: feedback as FeedbackEntry[] });
  return questions.damaged > 0 ? { ...report, damagedLines: questions.damaged } : report;
}
