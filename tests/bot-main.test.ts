/** `npm start` fails clearly (no stack trace, no token echoed) when it cannot run. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { scriptCommand } from './helpers.js';

const run = promisify(execFile);
const dirs: string[] = [];

async function start(env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const [file, ...args] = scriptCommand('commands/start.ts');
    const { stdout, stderr } = await run(file!, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('npm start', () => {
  it('refuses to start without a token', async () => {
    const { code, output } = await start({ DISCORD_TOKEN: '' });
    expect(code).toBe(1);
    expect(output).toMatch(/DISCORD_TOKEN is not set/);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses a malformed token without printing it', async () => {
    const { code, output } = await start({ DISCORD_TOKEN: 'my-client-secret-pasted-by-mistake' });
    expect(code).toBe(1);
    expect(output).toMatch(/does not look like a bot token/);
    expect(output).not.toContain('my-client-secret-pasted-by-mistake');
  });

  it('asks for `npm run embed` when there is no index', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'coverage-bot-noindex-'));
    dirs.push(dir);
    const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.FAKE00.not-a-real-token-0123456789';
    const { code, output } = await start({ DISCORD_TOKEN: token, EMBEDDINGS_DIR: dir });
    expect(code).toBe(1);
    expect(output).toMatch(/Run `npm run embed` first/);
    expect(output).not.toContain(token);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
