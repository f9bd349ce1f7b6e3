/** Every entry point fails the same way: one `Error:` line for what a user can fix, a bug notice and the stack otherwise. */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError, parseCommandLine } from '../src/cli/args.js';
import { ConfigError } from '../src/config.js';
import { CorpusError } from '../src/corpus/load.js';
import { ModelError } from '../src/embedder.js';
import { describeFailure, fsErrorMessage, UserFacingError } from '../src/errors.js';
import { IndexError } from '../src/index/store.js';
import { QuestionError } from '../src/answer-question.js';
import { runScript, tempDir, TSX } from './helpers.js';

const STACK = /\n\s+at /;

/** A small corpus, so that runs reaching the index write stay short. */
async function smallCorpus(): Promise<string> {
  const dir = tempDir('coverage-bot-corpus-');
  await fs.writeFile(path.join(dir, 'one.md'), '---\ntitle: Grain talks resume\n---\n\nTurkey said talks on the grain deal would resume next week.\n');
  return dir;
}

function expectOneLineError(result: { code: number | null; stderr: string }, message: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK);
  expect(result.stderr.trim().split('\n').filter((line) => line.startsWith('Error:'))).toHaveLength(1);
}

// Root can become an unprivileged user who can still run the project (a clone inside a 0700 folder, such as
// one made by mktemp -d, is out of that user's reach: the test then cannot run, rather than fail).
const canDropPrivileges =
  process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-x', TSX]).status === 0;
const canMountReadOnly = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind -o ro /tmp /tmp']).status === 0;

describe('one kind of expected error', () => {
  it('is the base of every error a user can act on', () => {
    for (const kind of [ConfigError, CorpusError, ModelError, IndexError, QuestionError]) expect(new kind('x')).toBeInstanceOf(UserFacingError);
  });

  it('prints expected errors as one line, and anything else as a bug with its stack', () => {
    expect(describeFailure(new QuestionError('Please ask a question: it was empty.'))).toBe('Error: Please ask a question: it was empty.');
    const bug = describeFailure(new TypeError('undefined is not a function'));
    expect(bug).toMatch(/^Unexpected error: this is a bug in coverage-bot; please report it/);
    expect(bug).toMatch(/TypeError: undefined is not a function/);
    expect(bug).toMatch(STACK);
  });

  it('turns real file-system errors into messages with the path, and leaves others alone', async () => {
    const full = await fs.writeFile('/dev/full', 'x').catch((error: unknown) => error);
    expect(fsErrorMessage(full)).toMatch(/^No space left on the disk while trying to write a file\. Free some space/);
    expect(describeFailure(full)).toMatch(/^Error: No space left/);
    const file = path.join(tempDir(), 'file');
    await fs.writeFile(file, 'x');
    const notDir = await fs.mkdir(path.join(file, 'sub'), { recursive: true }).catch((error: unknown) => error);
    expect(fsErrorMessage(notDir)).toMatch(/is a regular file, not a folder/);
    const readOnly = Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS', syscall: 'mkdir', path: '/mnt/ro/embeddings' });
    expect(fsErrorMessage(readOnly)).toBe('Cannot create the folder /mnt/ro/embeddings: the file system is read-only. Point the setting (e.g. EMBEDDINGS_DIR) at a writable folder.');
    const missing = await fs.readFile(path.join(tempDir(), 'nothing')).catch((error: unknown) => error);
    expect(fsErrorMessage(missing)).toBeUndefined(); // not something the user caused: still reported as a bug
  });

  it('strips terminal escapes from the message it prints', () => {
    expect(describeFailure(new CorpusError('Cannot read \u001b[2J\u001b]0;pwned\u0007evil.txt'))).toBe('Error: Cannot read evil.txt');
  });
});

describe('argument errors', () => {
  it('turns every parseArgs complaint into one ArgumentError line', () => {
    const options = { k: { type: 'string' }, json: { type: 'boolean' } } as const;
    expect(() => parseCommandLine({ args: ['--k'], options }, 'npm run ask')).toThrow(
      new ArgumentError("Option '--k <value>' argument missing. Run `npm run ask -- --help` for the options."),
    );
    expect(() => parseCommandLine({ args: ['stray'], options }, 'npm run embed')).toThrow(/^Unexpected argument 'stray'\. Run `npm run embed -- --help`/);
    expect(() => parseCommandLine({ args: ['--json=yes'], options }, 'npm run ask')).toThrow(ArgumentError);
    expect(parseCommandLine({ args: ['--k', '3'], options }, 'npm run ask').values).toEqual({ k: '3' });
    expect(() => parseCommandLine({ args: ['--k', '-1'], options }, 'npm run ask')).toThrow(
      new ArgumentError('--k needs its value; one that starts with "-" is written --k=-1. Run `npm run ask -- --help` for the options.'),
    );
    // The value as typed: "--since -1d" is written --since=-1d (it said --since=-1, itself wrong).
    expect(() => parseCommandLine({ args: ['--since', '-1d'], options: { since: { type: 'string' } } }, 'npm run ask')).toThrow(
      new ArgumentError('--since needs its value; one that starts with "-" is written --since=-1d. Run `npm run ask -- --help` for the options.'),
    );
    expect(() => parseCommandLine({ args: ['--since', '2023', '--since', '-1d'], options: { since: { type: 'string' } } }, 'npm run ask')).toThrow(/written --since=-1d\./);
    // A question that starts with a dash is told where it goes; after a lone -- it is a question.
    const asking = { options, allowPositionals: true } as const;
    expect(() => parseCommandLine({ ...asking, args: ['-1 degrees in Moscow?'] }, 'npm run ask')).toThrow(
      new ArgumentError('Unknown option \'-1\': text that starts with "-" goes after a lone --, as in `npm run ask -- -- "-1 …"`.'),
    );
    expect(parseCommandLine({ ...asking, args: ['--', '-1 degrees in Moscow?'] }, 'npm run ask').positionals).toEqual(['-1 degrees in Moscow?']);
  });

  it.each([
    ['src/cli/ask.ts', ['--bogus', 'Where?'], /^Error: Unknown option '--bogus'\. Run `npm run ask -- --help` for the options\.$/m],
    ['src/cli/embed.ts', ['--no-such-flag'], /^Error: Unknown option '--no-such-flag'\. Run `npm run embed -- --help`/m],
    ['scripts/eval.ts', ['--modes', 'magic'], /^Error: --modes takes a comma-separated list of hybrid, dense, lexical \(got "magic"\)/m],
    ['scripts/bench.ts', ['--fast'], /^Error: Unknown option '--fast'/m],
  ])('%s %j is one line and exit code 1', async (script, args, message) => {
    expectOneLineError(await runScript(script, args, { EMBEDDINGS_DIR: tempDir() }), message);
  });
});

describe('file-system failures while embedding', () => {
  it('says so when EMBEDDINGS_DIR lies below a regular file (ENOTDIR)', async () => {
    const file = path.join(tempDir(), 'file');
    await fs.writeFile(file, 'x');
    const result = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: await smallCorpus(), EMBEDDINGS_DIR: path.join(file, 'embeddings') });
    expectOneLineError(result, /^Error: Cannot create the folder .*\/file\/embeddings: a part of that path is a regular file, not a folder/m);
  });

  it('npm run db:dev refuses a file as --dir, and an empty --port, in one line', async () => {
    const file = path.join(tempDir(), 'file');
    await fs.writeFile(file, 'x');
    expectOneLineError(await runScript('src/cli/db-dev.ts', ['--dir', file]), /^Error: --dir must be a folder, and .*\/file is not one; set --dir to a folder\.$/m);
    expectOneLineError(await runScript('src/cli/db-dev.ts', ['--port', '', '--dir', tempDir()]), /^Error: --port must be a port number from 0 to 65535 \(got ""\)\.$/m);
    expectOneLineError(await runScript('src/cli/db-dev.ts', ['--dir', '']), /^Error: --dir is empty; give the folder to keep the data in, or leave it out\.$/m);
  });

  it('names the file when a log setting names a folder (QUESTION_LOG=/tmp)', async () => {
    const folder = tempDir();
    const result = await runScript('src/cli/report.ts', [], { QUESTION_LOG: folder, FEEDBACK_LOG: path.join(tempDir(), 'feedback.jsonl'), EMBEDDINGS_DIR: tempDir() });
    expectOneLineError(result, new RegExp(`^Error: Cannot read ${folder}: it is a folder, and a file was expected there`, 'm'));
    const embeddings = tempDir();
    await fs.mkdir(path.join(embeddings, 'CURRENT'));
    const pointer = await runScript('src/cli/ask.ts', ['Who is Prigozhin?'], { EMBEDDINGS_DIR: embeddings });
    expectOneLineError(pointer, new RegExp(`^Error: Cannot read ${embeddings}/CURRENT: it is a folder`, 'm'));
  });

  it('says so when CORPUS_DIR lies below a regular file', async () => {
    const file = path.join(tempDir(), 'file');
    await fs.writeFile(file, 'x');
    const result = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: path.join(file, 'articles'), EMBEDDINGS_DIR: tempDir() });
    expectOneLineError(result, /^Error: Cannot read the corpus folder .*: a part of that path is a regular file/m);
  });

  it.runIf(canDropPrivileges)('says so when EMBEDDINGS_DIR cannot be written (EACCES)', async () => {
    const parent = tempDir();
    await fs.chmod(parent, 0o555);
    const corpus = await smallCorpus();
    await fs.chmod(corpus, 0o755);
    const scratch = tempDir(); // tsx's own temporary files, writable by the unprivileged user
    await fs.chmod(scratch, 0o777);
    const result = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: path.join(parent, 'embeddings'), HOME: scratch, TMPDIR: scratch }, {
      prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
    });
    expectOneLineError(result, /^Error: Permission denied: cannot create the folder .*\/embeddings/m);
  });

  it.runIf(canMountReadOnly)('says so when EMBEDDINGS_DIR is on a read-only file system (EROFS)', async () => {
    const readOnly = tempDir();
    // `unshare -m` gives the child its own mount table, so the read-only mount never leaks out.
    const result = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: await smallCorpus(), EMBEDDINGS_DIR: path.join(readOnly, 'embeddings') }, {
      prefix: ['unshare', '-m', 'sh', '-c', `mount --bind -o ro '${readOnly}' '${readOnly}' && exec "$@"`, 'sh'],
    });
    expectOneLineError(result, /^Error: Cannot create the folder .*\/embeddings: the file system is read-only/m);
  });


  it.runIf(canMountReadOnly)('says so when the disk fills up while the index is written (ENOSPC)', async () => {
    const small = tempDir();
    // A 12 KB file system in the child's own mount table: the manifest fits, the vectors do not.
    const result = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: await smallCorpus(), EMBEDDINGS_DIR: path.join(small, 'embeddings') }, {
      prefix: ['unshare', '-m', 'sh', '-c', `mount -t tmpfs -o size=12k tmpfs '${small}' && exec "$@"`, 'sh'],
    });
    expectOneLineError(result, /^Error: No space left on the disk while trying to write .*\/embeddings\/\.staging-[^/]+\/\S+\. Free some space/m);
  });
});

describe('the bot entry points', () => {
  it('deploy-commands without a token is one line and exit code 1', async () => {
    expectOneLineError(await runScript('commands/deploy.ts', [], { DISCORD_TOKEN: '', DISCORD_CLIENT_ID: '' }), /^Error: DISCORD_TOKEN is not set/m);
  });
});

describe('npm run db:dev started again at once after one was killed', () => {
  it('says that the lock of a killed one frees itself within seconds, not only that another is serving', async () => {
    const dir = tempDir('coverage-bot-pgdev-');
    // A db:dev's lock on the folder, held by a process then killed (SIGKILL: nothing is released).
    const holder = spawnSync(process.execPath, ['-e', `require('proper-lockfile').lock(${JSON.stringify(dir)}, { lockfilePath: ${JSON.stringify(`${dir}.lock`)}, realpath: false }).then(() => process.kill(process.pid, 'SIGKILL'))`], {
      cwd: path.resolve(import.meta.dirname, '..'),
      timeout: 30_000,
    });
    expect(holder.signal).toBe('SIGKILL');
    expectOneLineError(await runScript('src/cli/db-dev.ts', ['--dir', dir, '--port', '0']), /^Error: Another `npm run db:dev` is serving .*; a db:dev that was stopped without a word \(killed\) leaves it locked for up to 10 s: run this again then\.$/m);
  }, 60_000);
});
