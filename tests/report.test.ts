/**
 * The maintainers' report: counts, 👎 answers with their quotes, unanswered topics clustered with the real
 * sentence encoder; private questions counted without their text; the CLI's output and its bad input.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeedbackLog, type FeedbackEntry } from '../src/bot/feedback.js';
import { embedProblems, reportEmbed } from '../src/bot/format/index.js';
import type { AskedWhere, QuestionEntry } from '../src/bot/question-log.js';
import { QuestionLog } from '../src/bot/question-log.js';
import type { Embedder } from '../src/embedder.js';
import { JsonLinesFile } from '../src/files.js';
import { buildReport, latestOf, parseDays, ReportError, reportFromLogs, reportSummary, type Report } from '../src/report/report.js';
import { averageLinkage, labelOf, TOPIC_QUESTIONS } from '../src/report/topics.js';
import { runScript, sharedEmbedder, tempDir } from './helpers.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const PRIVATE_TEXT = 'my secret question about the minister';
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

function asked(question: string, outcome: QuestionEntry['outcome'], options: Partial<QuestionEntry> = {}): QuestionEntry {
  return {
    timestamp: hoursAgo(5),
    via: 'ask',
    outcome,
    found: outcome === 'answered',
    confidence: outcome === 'answered' ? 0.3 : 0.01,
    articleIds: [],
    private: false,
    userHash: 'u1',
    question,
    ...options,
  };
}

const QUESTIONS: QuestionEntry[] = [
  asked('How do I bake banana bread?', 'refused'),
  asked('What is the recipe for banana bread?', 'refused'),
  asked('banana bread recipe with walnuts?', 'refused', { via: 'mention' }),
  asked('What will the weather be in Tokyo tomorrow?', 'refused'),
  asked('Is it going to rain in Tokyo this week?', 'refused'),
  asked('What did the Pope say at Easter?', 'refused'),
  asked('What will Kim discuss with Putin?', 'answered', { sure: true }),
  // Answered without the reader being sure (a line written before `sure` was recorded has none: counted sure).
  asked('Why might the shells not help Russia much?', 'answered', { sure: false }),
  asked(PRIVATE_TEXT, 'refused', { private: true }),
  asked('What is the banana bread recipe?', 'refused', { timestamp: hoursAgo(24 * 10) }), // outside 7 days
  asked('ignored chatter', 'silent', { via: 'auto' }),
];

function vote(vote: 'up' | 'down', options: { question?: string; private?: boolean; timestamp?: string } = {}): FeedbackEntry {
  return {
    timestamp: options.timestamp ?? hoursAgo(2),
    vote,
    ...(options.question ? { question: options.question, answer: 'an answer' } : {}),
    found: true,
    citations: [{ rank: 1, articleId: 'kim-article', chunk: 3, quoteStart: 0, quoteEnd: 20, score: 0.4 }],
    articleIds: ['kim-article'],
    settings: { passages: 3, retrievalMode: 'hybrid', indexVersion: 'v1', model: 'm', private: options.private ?? false },
    userHash: 'u2',
  };
}

const FEEDBACK: FeedbackEntry[] = [
  vote('up', { question: 'What will Kim discuss with Putin?' }),
  vote('down', { question: 'Where did Kim and Putin meet?' }),
  vote('down', { private: true }),
  vote('down', { question: 'An old one', timestamp: hoursAgo(24 * 30) }),
];

let embedder: Embedder;
let report: Report;

beforeAll(async () => {
  embedder = await sharedEmbedder();
  report = await buildReport({
    questions: QUESTIONS,
    feedback: FEEDBACK,
    days: 7,
    now: NOW,
    embed: (text) => embedder.embedQuery(text),
    quoteOf: (c) => (c.articleId === 'kim-article' ? 'Kim Jong-un will reportedly travel to Russia.' : undefined),
  });
}, 120_000);

describe('the report', () => {
  it('counts the last days questions, a private one without its text', () => {
    expect(report.questions).toEqual({ total: 9, answered: 2, refused: 7, private: 1, silent: 1, unsure: 1 });
    expect(reportSummary(report)[0]).toBe('Questions: 9 (2 answered, 1 of them not sure, 7 refused; 1 private, counted without their text)');
    expect(JSON.stringify(report)).not.toContain('secret question');
  });

  it('lists the public 👎 answers with their quotes, and counts the private one', () => {
    expect(report.votes).toEqual({ up: 1, down: 2, privateDown: 1 });
    expect(report.downvoted).toEqual([{ timestamp: hoursAgo(2), question: 'Where did Kim and Putin meet?', quotes: ['Kim Jong-un will reportedly travel to Russia.'] }]);
  });

  it('clusters the unanswered questions into topics labelled by their terms, largest first', () => {
    expect(report.unanswered.map((t) => [t.label, t.count])).toEqual([
      ['banana · bread · recipe', 3],
      [expect.stringContaining('tokyo'), 2],
      [expect.stringContaining('pope'), 1],
    ]);
    expect(report.unanswered[0]!.examples).toHaveLength(3);
  });

  it("shows an admin only the texts of channels and private threads they may view, counting the others (lines without a channel shown)", async () => {
    const inChannel = (entry: QuestionEntry, channelId: string, privateThreadId?: string) => ({ ...entry, channelId, privateThreadId });
    const seen: AskedWhere[] = [];
    const staff = await buildReport({
      questions: [
        inChannel(asked('Where is the staff party this year?', 'refused'), 'staff-room'),
        inChannel(asked('How do I bake banana bread?', 'refused'), 'general'),
        inChannel(asked('Which staff member leaked the memo?', 'refused'), 'general', 'private-thread'),
        asked('Is it going to rain in Tokyo this week?', 'refused'),
      ],
      feedback: [
        { ...vote('down', { question: 'Who got the staff bonus?' }), channelId: 'staff-room' },
        { ...vote('down', { question: 'Who wrote the staff rota?' }), channelId: 'general', privateThreadId: 'private-thread' },
        { ...vote('down', { question: 'Where did Kim and Putin meet?' }), channelId: 'general' },
      ],
      days: 7,
      now: NOW,
      embed: (text) => embedder.embedQuery(text),
      canView: (where) => {
        seen.push(where);
        return where.channelId !== 'staff-room' && where.privateThreadId === undefined;
      },
    });
    expect(seen).toContainEqual({ channelId: 'general', privateThreadId: 'private-thread' });
    expect(staff.questions).toMatchObject({ total: 4, refused: 4 });
    expect(staff.votes).toMatchObject({ down: 3 });
    expect(JSON.stringify(staff)).not.toMatch(/staff/);
    expect(staff.unanswered.flatMap((t) => t.examples)).toEqual(expect.arrayContaining(['How do I bake banana bread?', 'Is it going to rain in Tokyo this week?']));
    expect(staff.downvoted.map((d) => d.question)).toEqual(['Where did Kim and Putin meet?']);
  });

  it('fits one embed within Discord limits, however many and long the 👎 answers', () => {
    const long = 'A very long quoted sentence about the talks, the train and the cosmodrome. '.repeat(40);
    const big: Report = {
      ...report,
      downvoted: Array.from({ length: 30 }, (_, i) => ({ timestamp: hoursAgo(i), question: `Question ${i} ${'why '.repeat(100)}`, quotes: [long, long, `*${long}*`] })),
    };
    const embed = reportEmbed(big);
    expect(embedProblems(embed)).toEqual([]);
    expect(embed.fields!.length).toBe(8);
    expect(embed.footer!.text).toContain('22 more');
    expect(embed.description).toContain('**banana · bread · recipe**: 3 questions');
    expect(embed.description).toContain('**Most common unanswered topics**\n');
  });

  it('says the topics are of the latest refused questions when there were more than it clusters', () => {
    expect(report).toMatchObject({ topicsOf: 6, topicsFrom: 6 });
    const many: Report = { ...report, topicsOf: TOPIC_QUESTIONS, topicsFrom: 1234 };
    expect(reportEmbed(many).description).toContain('**Most common unanswered topics** (of the latest 400 of 1,234 refused questions)');
    // The command line's report says it with the same words (latestOf).
    expect(latestOf(many)).toBe(' (of the latest 400 of 1,234 refused questions)');
  });
});

describe('clustering', () => {
  it('merges by average linkage only while the average similarity reaches the threshold', () => {
    // 0 and 1 are close; 2 is close to 1 but far from 0: average linkage keeps it apart at 0.6.
    const sim = [
      [1, 0.9, 0.2],
      [0.9, 1, 0.7],
      [0.2, 0.7, 1],
    ];
    expect(averageLinkage(sim, [1, 1, 1], 0.6)).toEqual([[0, 1], [2]]);
    expect(averageLinkage(sim, [1, 1, 1], 0.4)).toEqual([[0, 1, 2]]);
  });

  it('labels by the terms most questions share, as written', () => {
    expect(labelOf(['Who is Prigozhin?', "What was Prigozhin's plan?", 'Where is Prigozhin now?'], 1)).toBe('prigozhin');
  });
});

describe('days', () => {
  it('accepts 1 to 365 and refuses anything else in one line', () => {
    expect(parseDays(undefined)).toBe(7);
    expect(parseDays('30')).toBe(30);
    for (const bad of ['0', '366', 'abc', '2.5']) expect(() => parseDays(bad)).toThrow(ReportError);
  });
});

describe('the question log', () => {
  it('never writes the text of a private question, nor of a message the bot stayed silent on', async () => {
    const file = path.join(tempDir(), 'questions.jsonl');
    const log = new QuestionLog(file);
    await log.append(asked(PRIVATE_TEXT, 'refused', { private: true }));
    await log.append(asked('chatter in an auto channel', 'silent', { via: 'auto' }));
    await log.append(asked('a public question', 'refused'));
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toContain('secret');
    expect(text).not.toContain('chatter');
    expect((await log.readAll()).map((e) => e.question)).toEqual([undefined, undefined, 'a public question']);
  });
});

describe('damaged log lines', () => {
  it('are skipped, whatever JSON they hold, and the rest is reported', async () => {
    const dir = tempDir();
    const good = asked('What will Kim discuss with Putin?', 'answered');
    const questionLines = ['null', '42', '"text"', '[]', JSON.stringify({ ...asked('x', 'refused'), question: 12 }), '{"timestamp": "', JSON.stringify(good)];
    const feedbackLines = ['null', JSON.stringify({ timestamp: hoursAgo(1), vote: 'down' }), JSON.stringify({ ...vote('down', { question: 'q' }), citations: null }), JSON.stringify(vote('down', { question: 'Where did Kim and Putin meet?' }))];
    await fs.writeFile(path.join(dir, 'q.jsonl'), questionLines.join('\n') + '\n');
    await fs.writeFile(path.join(dir, 'f.jsonl'), feedbackLines.join('\n') + '\n');
    const damaged = await reportFromLogs(
      { questionLog: path.join(dir, 'q.jsonl'), feedback: new FeedbackLog(path.join(dir, 'f.jsonl')) },
      { days: 7, now: NOW, embed: (text) => embedder.embedQuery(text) },
    );
    expect(damaged.questions).toEqual({ total: 1, answered: 1, refused: 0, private: 0, silent: 0, unsure: 0 });
    expect(damaged.votes).toEqual({ up: 0, down: 1, privateDown: 0 });
    expect(damaged.downvoted.map((d) => d.question)).toEqual(['Where did Kim and Putin meet?']);
  });
});

describe('a long question log', () => {
  it('holds only the questions of the window, however many the log keeps before them, a damaged line counted', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'q.jsonl');
    const old = JSON.stringify({ ...asked('An old question, asked long ago?', 'refused'), timestamp: new Date(NOW.getTime() - 400 * 86_400_000).toISOString() });
    // 60,000 lines outside the window (about 10 MB), one over 100 kB long, a damaged one, and two in the window.
    const lines = [...Array.from({ length: 60_000 }, () => old), JSON.stringify({ ...asked('x', 'refused'), padding: 'p'.repeat(100_000), timestamp: hoursAgo(999_999) }), '{"time', JSON.stringify(asked('What will Kim discuss with Putin?', 'answered')), JSON.stringify(asked('Who is the Wagner chief?', 'refused'))];
    await fs.writeFile(file, lines.join('\n') + '\n');
    const lastWeek = NOW.getTime() - 7 * 86_400_000;
    const { values, damaged } = await new JsonLinesFile<{ question: string }>(file).readAll((v) => Date.parse((v as { timestamp: string }).timestamp) >= lastWeek);
    expect(damaged).toBe(1);
    expect(values.map((v) => v.question)).toEqual(['What will Kim discuss with Putin?', 'Who is the Wagner chief?']);
    const report = await reportFromLogs({ questionLog: file, feedback: new FeedbackLog(path.join(dir, 'f.jsonl')) }, { days: 7, now: NOW, embed: (text) => embedder.embedQuery(text) });
    expect(report.questions).toMatchObject({ total: 2, answered: 1, refused: 1 });
    // Counted, for the maintainers' report to say (npm run report, below).
    expect(report.damagedLines).toBe(1);
  });
});

describe('npm run report', () => {
  it('prints the report of the logs', async () => {
    const dir = tempDir();
    const recent = (e: { timestamp: string }) => ({ ...e, timestamp: new Date(Date.now() - 3_600_000).toISOString() });
    await fs.writeFile(path.join(dir, 'q.jsonl'), QUESTIONS.map((q) => JSON.stringify(recent(q))).join('\n') + '\n');
    await fs.writeFile(path.join(dir, 'f.jsonl'), FEEDBACK.map((f) => JSON.stringify(recent(f))).join('\n') + '\n');
    const result = await runScript('src/cli/report.ts', ['--days', '3'], {
      QUESTION_LOG: path.join(dir, 'q.jsonl'),
      FEEDBACK_LOG: path.join(dir, 'f.jsonl'),
      EMBEDDINGS_DIR: path.join(dir, 'no-index'),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Questions: 10 (2 answered, 1 of them not sure, 8 refused; 1 private');
    expect(result.stdout).toMatch(/1\. banana · bread · recipe \(4\)/);
    expect(result.stdout).toContain('Where did Kim and Putin meet?');
    expect(result.stdout).toContain('(the quoted articles are no longer in the index)');
    expect(result.stdout).not.toContain('secret question');
  }, 120_000);

  it('says why it is all zeros when there is no question log yet: the bot writes it, npm run ask does not', async () => {
    const dir = tempDir();
    const result = await runScript('src/cli/report.ts', ['--json'], { QUESTION_LOG: path.join(dir, 'q.jsonl'), FEEDBACK_LOG: path.join(dir, 'f.jsonl'), EMBEDDINGS_DIR: path.join(dir, 'no-index') });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).questions.total).toBe(0);
    expect(result.stderr.trim()).toBe(`Note: there is no question log at ${path.join(dir, 'q.jsonl')} yet. The bot (npm start) logs the questions it is asked; npm run ask does not.`);
  }, 60_000);

  it('stops quietly when the reader of its standard error has stopped reading (2>&1 | head -1)', async () => {
    const dir = tempDir();
    // Its standard error goes to a pipe whose reader has already left (`true` reads nothing and exits): the note it
    // writes there (no question log yet) meets EPIPE every time, as in `npm run report 2>&1 | head -1` when head is done first.
    const prefix = ['bash', '-c', '"$@" 2> >(true)', 'bash'];
    const result = await runScript('src/cli/report.ts', [], { QUESTION_LOG: path.join(dir, 'q.jsonl'), FEEDBACK_LOG: path.join(dir, 'f.jsonl'), EMBEDDINGS_DIR: path.join(dir, 'no-index') }, { prefix });
    expect(result.stdout).toMatch(/^Coverage report: /);
    expect(result.code).toBe(0);
  }, 60_000);

  it('says how many lines of the question log it could not read, and reports the rest', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'q.jsonl');
    const recent = { ...asked('What will Kim discuss with Putin?', 'answered'), timestamp: new Date(Date.now() - 3_600_000).toISOString() };
    await fs.writeFile(log, `${JSON.stringify(recent)}\n{"timestamp": "2026-\nnot json at all\n`);
    const result = await runScript('src/cli/report.ts', ['--json'], { QUESTION_LOG: log, FEEDBACK_LOG: path.join(dir, 'f.jsonl'), EMBEDDINGS_DIR: path.join(dir, 'no-index') });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ questions: { total: 1, answered: 1 }, damagedLines: 2 });
    expect(result.stderr.trim()).toBe(`Note: 2 lines of the question log ${log} could not be read (not JSON: a write cut short, or an edit) and were skipped.`);
  }, 60_000);

  it('says what is wrong with --days in one line, exit 1', async () => {
    const result = await runScript('src/cli/report.ts', ['--days', 'lots']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Error: --days must be a whole number of days from 1 to 365 (got "lots").');
  }, 60_000);
});
