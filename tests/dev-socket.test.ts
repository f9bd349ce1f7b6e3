/**
 * `npm run db:dev`'s wire-protocol server (src/db/dev-socket.ts) facing clients that misbehave: it runs in
 * its own process here, so a server that hangs fails the test instead of hanging it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { scriptCommand, tempDir } from './helpers.js';
import { TABLES_FOLDER, warmDataFolder, WARMED } from '../src/db/warm-folder.js';

let child: ChildProcess;
let url: string;
let port: number;
/** What the server printed on stderr so far. */
let errors = '';

beforeAll(async () => {
  // One process, as `npm run db:dev` runs it, so that killing it ends the server even when it is stuck.
  const [file, ...args] = scriptCommand('src/cli/db-dev.ts');
  child = spawn(file!, [...args, '--port', '0', '--dir', tempDir('coverage-bot-pgdev-')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const found = /^DATABASE_URL=(\S+)$/m.exec(out);
      if (found) resolve(found[1]!);
    });
    child.on('exit', (code) => reject(new Error(`db:dev exited with ${code}`)));
  });
  port = Number(new URL(url).port);
}, 60_000);

afterAll(() => {
  child?.kill('SIGKILL');
});

/** A startup packet for user postgres, database postgres. */
function startup(code = 196608): Buffer {
  const body = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(code, 4);
  return Buffer.concat([head, body]);
}

/** Opens a raw connection, sends `bytes`, and collects what comes back until the server closes it or `ms` pass. */
function exchange(bytes: Buffer[], ms = 3_000): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed });
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => done(true));
    socket.on('error', () => {});
    socket.on('connect', async () => {
      for (const b of bytes) {
        socket.write(b);
        await new Promise((r) => setTimeout(r, 100));
      }
    });
  });
}

async function stillServes(): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
  await client.connect();
  try {
    expect((await client.query('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
  } finally {
    await client.end();
  }
}

describe('the db:dev server', () => {
  it("reads its tables' files into the file cache once it serves, and says so", async () => {
    const said = new RegExp(`^${WARMED} \\((\\d+) MB\\) into the system's file cache in \\d+\\.\\d s\\.$`, 'm');
    for (let waited = 0; !said.test(errors) && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    // A new data folder's tables are Postgres's own catalogs: some megabytes.
    expect(Number(said.exec(errors)?.[1])).toBeGreaterThan(1);
    await stillServes();
  }, 30_000);

  it('a message with an impossible length: that connection gets an error and is closed, the others go on', async () => {
    const bad = Buffer.from([0x51, 0xff, 0xff, 0xff, 0xff]); // 'Q', length -1
    const { data, closed } = await exchange([startup(), bad]);
    await stillServes();
    expect(closed).toBe(true);
    expect(data.includes(Buffer.from('E'))).toBe(true);
  }, 30_000);

  it('answers a GSSAPI encryption request with N (as to SSL) and an unknown protocol with an error', async () => {
    const gssenc = Buffer.alloc(8);
    gssenc.writeInt32BE(8, 0);
    gssenc.writeInt32BE(80877104, 4);
    const negotiated = await exchange([gssenc, startup()], 1_500);
    expect(negotiated.data.subarray(0, 2).toString()).toBe('NR'); // no encryption, then AuthenticationOk
    const old = await exchange([startup(0x20000)]);
    expect(old.closed).toBe(true);
    expect(old.data.toString()).toMatch(/^E.*unsupported frontend protocol 2\.0/s);
    await stillServes();
  }, 30_000);

  it('a client gone inside a transaction: its work is undone and the others go on', async () => {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query('CREATE TABLE IF NOT EXISTS gone (n int)');
    const leaver = new pg.Client({ connectionString: url });
    leaver.on('error', () => {});
    await leaver.connect();
    await leaver.query('BEGIN');
    await leaver.query('INSERT INTO gone VALUES (1)');
    (leaver as unknown as { connection: { stream: net.Socket } }).connection.stream.destroy();
    const other = new pg.Client({ connectionString: url, query_timeout: 5_000 });
    await other.connect();
    try {
      expect((await other.query('SELECT count(*)::int AS n FROM gone')).rows).toEqual([{ n: 0 }]);
    } finally {
      await other.end();
      await setup.end();
    }
  }, 30_000);

  it('sends a result larger than the socket takes at once intact (the bytes copied out of PGlite before they are queued)', async () => {
    // PGlite hands out its result in views of its own memory, which it then reuses; queued uncopied, a large
    // result reached the client overwritten and the client waited for ever (the bench's 27k-chunk articles).
    const client = new pg.Client({ connectionString: url, query_timeout: 30_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ i: number; payload: string }>("SELECT i, md5(i::text) || repeat('x', 2000) AS payload FROM generate_series(1, 10000) i");
      expect(rows).toHaveLength(10_000);
      const wrong = rows.filter((row, n) => row.i !== n + 1 || row.payload.length !== 2032 || !row.payload.endsWith('x'.repeat(2000)));
      expect(wrong).toEqual([]);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('reads a query that arrives a byte at a time', async () => {
    const sql = Buffer.from('SELECT 7 AS seven\0');
    const query = Buffer.concat([Buffer.from('Q'), Buffer.alloc(4), sql]);
    query.writeInt32BE(4 + sql.length, 1);
    const bytes = [...Buffer.concat([startup(), query])].map((b) => Buffer.from([b]));
    const { data } = await new Promise<{ data: Buffer }>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => {
        chunks.push(chunk);
        if (Buffer.concat(chunks).includes(Buffer.from('SELECT 1\0'))) {
          socket.destroy();
          resolve({ data: Buffer.concat(chunks) });
        }
      });
      socket.on('connect', async () => {
        for (const b of bytes) {
          socket.write(b);
          await new Promise((r) => setImmediate(r));
        }
      });
    });
    expect(data.includes(Buffer.from('seven'))).toBe(true);
  }, 30_000);
});

describe("reading a data folder's tables ahead", () => {
  it('reads every file under base/ once, and not the write-ahead log', async () => {
    const dir = tempDir('coverage-bot-warm-');
    const tables = path.join(dir, TABLES_FOLDER, '5');
    mkdirSync(tables, { recursive: true });
    mkdirSync(path.join(dir, 'pg_wal'));
    writeFileSync(path.join(tables, '16384'), Buffer.alloc(3 * (1 << 20) + 17, 1));
    writeFileSync(path.join(tables, '16384_fsm'), Buffer.alloc(24_576, 2));
    writeFileSync(path.join(tables, 'empty'), '');
    writeFileSync(path.join(dir, 'pg_wal', '000000010000000000000001'), Buffer.alloc(1 << 20));
    // A link is not followed: it may lead out of the folder, or to a pipe that a read would wait on forever.
    symlinkSync(path.join(dir, 'pg_wal', '000000010000000000000001'), path.join(tables, 'link'));
    expect(await warmDataFolder(dir)).toMatchObject({ files: 3, bytes: 3 * (1 << 20) + 17 + 24_576 });
    // Stopped before it starts, it reads nothing; a folder without tables has nothing to read.
    const stopped = new AbortController();
    stopped.abort();
    expect(await warmDataFolder(dir, stopped.signal)).toMatchObject({ files: 0, bytes: 0 });
    expect(await warmDataFolder(tempDir('coverage-bot-warm-'))).toMatchObject({ files: 0, bytes: 0 });
  });
});
