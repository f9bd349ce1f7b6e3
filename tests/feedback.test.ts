/** The feedback log's pseudonyms: keyed with a secret salt, from FEEDBACK_SALT or a private file beside the log. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeedbackLog, hashUserId, loadSalt, saltFileFor, type FeedbackEntry } from '../src/bot/feedback.js';
import { configFromEnv } from '../src/config.js';
import { JsonLinesFile } from '../src/files.js';
import { runScript, tempDir } from './helpers.js';

const entry = (overrides: Partial<FeedbackEntry>): FeedbackEntry => ({
  timestamp: new Date().toISOString(),
  vote: 'up',
  question: 'Who voted?',
  found: true,
  answer: 'Someone [1].',
  citations: [],
  articleIds: [],
  settings: { passages: 3, retrievalMode: 'hybrid', indexVersion: 'v-1', model: 'm', private: false },
  userHash: 'x',
  ...overrides,
});

describe('logs and the salt on a disk that fills up (ulimit -f)', () => {
  const limited = (blocks: number, ...args: string[]) =>
    runScript('tests/fixtures/file-limit.ts', args, {}, { prefix: ['bash', '-c', `ulimit -f ${blocks} && exec "$@"`, 'bash'] }).then((r) => JSON.parse(r.stdout.trim()) as { code: string | null });

  it('starts the next line on a line of its own after an append cut short, so only the cut one is lost', async () => {
    const file = path.join(tempDir(), 'questions.jsonl');
    // 1 KB: a line of about 125 bytes is cut half-way.
    expect(await limited(1, 'append', file, '20')).toEqual({ code: 'EFBIG' });
    expect((await fs.stat(file)).size).toBe(1024);
    expect(await limited(100, 'append', file, '2')).toEqual({ code: null });
    const { values, damaged } = await new JsonLinesFile<{ n: number }>(file).readAll();
    expect(damaged).toBe(1);
    const whole = Math.floor(1024 / ((await fs.readFile(file, 'utf8')).indexOf('\n') + 1));
    expect(values.map((v) => v.n)).toEqual([...Array.from({ length: whole }, (_, n) => n), 0, 1]);
  }, 60_000);

  it('leaves no empty salt behind when it cannot be written, and makes one when it can', async () => {
    const log = path.join(tempDir(), 'feedback.jsonl');
    expect(await limited(0, 'salt', log)).toEqual({ code: 'EFBIG' });
    expect(await fs.readdir(path.dirname(log))).toEqual([]);
    expect(await limited(100, 'salt', log)).toEqual({ code: null });
    expect((await fs.readFile(saltFileFor(log), 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);
});

describe('feedback pseudonyms', () => {
  it('generates one salt beside the log, readable by its owner only, and keeps it', async () => {
    const log = path.join(tempDir(), 'data', 'feedback.jsonl');
    const [a, b] = await Promise.all([loadSalt(log), loadSalt(log)]);
    expect(a).toBe(b);
    expect((await fs.stat(saltFileFor(log))).mode & 0o777).toBe(0o600);
    const first = await new FeedbackLog(log).hashUser('123456789012345678');
    expect(await new FeedbackLog(log).hashUser('123456789012345678')).toBe(first);
    expect(first).toBe(hashUserId('123456789012345678', a));
  });

  it('uses FEEDBACK_SALT when set, and different salts give unlinkable pseudonyms', async () => {
    const salt = 'a-long-secret-salt-for-tests';
    expect(configFromEnv({ FEEDBACK_SALT: salt }).discord.feedbackSalt).toBe(salt);
    expect(() => configFromEnv({ FEEDBACK_SALT: 'short' })).toThrow(/FEEDBACK_SALT must be at least 16 characters/);
    const log = path.join(tempDir(), 'feedback.jsonl');
    const hash = await new FeedbackLog(log, salt).hashUser('42');
    expect(hash).toBe(hashUserId('42', salt));
    expect(hash).not.toBe(hashUserId('42', `${salt}!`));
    await expect(fs.stat(saltFileFor(log))).rejects.toThrow(); // no file when the salt is configured
  });

  it('drops the question and answer of a private answer, whoever wrote the entry', async () => {
    const log = path.join(tempDir(), 'feedback.jsonl');
    const sink = new FeedbackLog(log, 'a-long-secret-salt-for-tests');
    await sink.append(entry({ settings: { passages: 3, retrievalMode: 'hybrid', indexVersion: 'v-1', model: 'm', private: true } }));
    await sink.append(entry({}));
    const [secret, open] = (await fs.readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(secret).not.toHaveProperty('question');
    expect(secret).not.toHaveProperty('answer');
    expect(open).toMatchObject({ question: 'Who voted?', answer: 'Someone [1].' });
  });
});
