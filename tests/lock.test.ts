/** The embed lock: real processes racing for it, a lock left by a dead process, and the CLI's message. */
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { lockIndex, STALE_MS } from '../src/index/lock.js';
import { runScript, tempDir, TSX } from './helpers.js';

const FIXTURE = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'hold-lock.ts');

/** Starts a process that tries to take the lock; `result` is its first line, `done` its exit once `let go` closes its input. */
function contender(dir: string) {
  const child = spawn(TSX, [FIXTURE, dir], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const result = new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
  });
  const done = new Promise((resolve) => child.on('exit', resolve));
  return { result, done, letGo: () => child.stdin.end() };
}

/** The pid of a process that has exited (so it cannot be holding anything). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
}

describe('the embed lock', () => {
  it('lets exactly one of several processes started together take it', async () => {
    const dir = tempDir();
    // The winner holds the lock until every contender has had its answer, so no timing is involved.
    const contenders = [1, 2, 3, 4].map(() => contender(dir));
    const results = await Promise.all(contenders.map((c) => c.result));
    contenders.forEach((c) => c.letGo());
    await Promise.all(contenders.map((c) => c.done));
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    for (const lost of results.filter((r) => r !== 'won')) expect(lost).toMatch(/^lost: another embed is running \(pid \d+, started at \d{4}-\d\d-\d\dT/);
    // Released at the end: the next run takes it.
    const next = contender(dir);
    expect(await next.result).toBe('won');
    next.letGo();
    await next.done;
  }, 60_000);

  it('refuses a second lock in the same process, and gives it up on release', async () => {
    const dir = tempDir();
    const first = await lockIndex(dir);
    await expect(lockIndex(dir)).rejects.toThrow(`another embed is running (pid ${process.pid}, started at `);
    await first.release();
    await (await lockIndex(dir)).release();
  });

  it('takes over a lock left by a process that died', async () => {
    const dir = tempDir();
    const pid = deadPid();
    // What a killed embed leaves: the lock folder, no longer refreshed, and its owner record.
    await fs.mkdir(path.join(dir, '.embed.lock'));
    await fs.writeFile(path.join(dir, '.embed.lock.json'), JSON.stringify({ pid, host: 'here', startedAt: '2020-01-01T00:00:00.000Z' }));
    await fs.mkdir(path.join(dir, `.staging-${pid}-abc`));
    const old = new Date(Date.now() - 2 * STALE_MS);
    await fs.utimes(path.join(dir, '.embed.lock'), old, old);
    const lock = await lockIndex(dir);
    expect(lock.signal.aborted).toBe(false);
    expect(await fs.readdir(dir)).not.toContain(`.staging-${pid}-abc`);
    expect(JSON.parse(await fs.readFile(path.join(dir, '.embed.lock.json'), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over at once, saying so, a lock whose holder on this host was killed (SIGKILL)', async () => {
    const dir = tempDir();
    const holder = contender(dir);
    expect(await holder.result).toBe('won');
    // The process holding the lock (tsx runs the fixture in a child of its own): killed, no clean-up ran.
    const { pid, startedAt } = JSON.parse(await fs.readFile(path.join(dir, '.embed.lock.json'), 'utf8')) as { pid: number; startedAt: string };
    process.kill(pid, 'SIGKILL');
    await holder.done;
    const next = await runScript('tests/fixtures/hold-lock.ts', [dir]);
    expect(next.stdout.trim()).toBe('won');
    expect(next.stderr.trim().split('\n')).toEqual([`Taking over the embed lock on ${dir}: its holder (pid ${pid}, started at ${startedAt}) is no longer running.`]);
    // Released by the new holder when it was done.
    expect(await fs.readdir(dir)).not.toContain('.embed.lock');
  }, 60_000);

  it('does not take over at once a lock recorded on this host name with a dead pid of another pid namespace, boot, or no record of them', async () => {
    // This process's own (Linux), as the lock records them.
    const here = { bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), pidNamespace: readlinkSync('/proc/self/ns/pid') };
    // Containers sharing a host name have pids of their own: a pid gone here may be a live holder there.
    const records = [
      { ...here, pidNamespace: 'pid:[1]' },
      { ...here, bootId: '00000000-0000-0000-0000-000000000000' },
      {},
    ];
    for (const where of records) {
      const dir = tempDir();
      await fs.mkdir(path.join(dir, '.embed.lock'));
      await fs.writeFile(path.join(dir, '.embed.lock.json'), JSON.stringify({ pid: deadPid(), host: os.hostname(), startedAt: '2020-01-01T00:00:00.000Z', ...where }));
      await expect(lockIndex(dir), JSON.stringify(where)).rejects.toThrow(/another embed is running \(pid \d+, started at 2020-01-01T/);
      expect(await fs.readdir(dir)).toContain('.embed.lock');
    }
  });

  it('still refuses a fresh lock recorded for another host, whose pids this host cannot check', async () => {
    const dir = tempDir();
    await fs.mkdir(path.join(dir, '.embed.lock'));
    await fs.writeFile(path.join(dir, '.embed.lock.json'), JSON.stringify({ pid: deadPid(), host: `not-${os.hostname()}`, startedAt: '2020-01-01T00:00:00.000Z' }));
    await expect(lockIndex(dir)).rejects.toThrow(/another embed is running \(pid \d+ on not-/);
    expect(await fs.readdir(dir)).toContain('.embed.lock');
  });

  it("makes `npm run embed` say, in one line, when the holder is the bot's feed refresh, not another embed", async () => {
    const embeddings = tempDir();
    const corpus = tempDir();
    await fs.writeFile(path.join(corpus, 'a.md'), '---\ntitle: Grain talks\n---\n\nTalks resume next week.\n');
    // As the bot's refresh holds it (src/bot/refresh.ts): the whole fetch, every round.
    const lock = await lockIndex(embeddings, 'feed refresh');
    try {
      const { code, stderr } = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^Error: the bot's feed refresh \\(pid ${process.pid}, started at [\\d-]+T[\\d:.]+Z\\) is fetching the feeds into the corpus and updating the index in .*; try again in a minute\\.`)),
      ]);
      expect(stderr).not.toContain('another embed');
    } finally {
      await lock.release();
    }
  });

  it('makes `npm run embed` say who holds it, with exit code 1', async () => {
    const embeddings = tempDir();
    const corpus = tempDir();
    await fs.writeFile(path.join(corpus, 'a.md'), '---\ntitle: Grain talks\n---\n\nTalks resume next week.\n');
    const lock = await lockIndex(embeddings);
    try {
      const { code, stderr } = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings });
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`^Error: another embed is running \\(pid ${process.pid}, started at [\\d-]+T[\\d:.]+Z\\)`, 'm'));
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await lock.release();
    }
  });
});
