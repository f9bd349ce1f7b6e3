/**
 * The launcher (src/launch.mjs): entry points run from an esbuild build of the sources, made again when a
 * source changes, shared safely by processes launched together. Real esbuild, real child processes, a
 * small project of its own in a temporary folder (the project's node_modules linked in).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
// @ts-expect-error: plain JavaScript (it runs before anything is compiled), typed by its JSDoc only
import { buildSignature, ensureBuild, sourceFiles } from '../src/launch.mjs';
import { LAUNCH, scriptCommand, tempDir } from './helpers.js';

const exec = promisify(execFile);
const ESBUILD = JSON.parse(await fs.readFile(path.join(PROJECT_ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version as string;

/** A project with an entry point that imports a module and reads a copied asset, and prints its argv. */
async function smallProject(): Promise<string> {
  const root = tempDir('coverage-bot-launch-');
  await fs.chmod(root, 0o755);
  await fs.mkdir(path.join(root, 'src', 'cli'), { recursive: true });
  await fs.mkdir(path.join(root, 'src', 'db', 'migrations'), { recursive: true });
  await fs.copyFile(LAUNCH, path.join(root, 'src', 'launch.mjs'));
  await fs.symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  await fs.writeFile(path.join(root, 'package.json'), '{"type": "module"}');
  await fs.writeFile(path.join(root, 'src', 'greeting.ts'), "export const greeting = (name: string): string => `hello ${name}`;\n");
  await fs.writeFile(path.join(root, 'src', 'db', 'migrations', '001.sql'), 'select 1;\n');
  await fs.writeFile(
    path.join(root, 'src', 'cli', 'hello.ts'),
    [
      "import { readFileSync } from 'node:fs';",
      "import { greeting } from '../greeting.js';",
      "const sql: string = readFileSync(new URL('../db/migrations/001.sql', import.meta.url), 'utf8').trim();",
      'console.log(JSON.stringify({ text: greeting(process.argv[2] ?? "nobody"), sql, entry: process.argv[1] }));',
    ].join('\n'),
  );
  return root;
}

const builds = (root: string) => readdirSync(path.join(root, 'dist')).sort();

describe('the launcher', () => {
  it('runs an entry point from its build, with the arguments it was given and its assets beside it', async () => {
    const root = await smallProject();
    const { stdout } = await exec(process.execPath, [path.join(root, 'src', 'launch.mjs'), 'src/cli/hello.ts', 'Kim'], { cwd: root });
    const printed = JSON.parse(stdout) as { text: string; sql: string; entry: string };
    expect(printed.text).toBe('hello Kim');
    expect(printed.sql).toBe('select 1;');
    const [build] = builds(root);
    // The program sees its compiled file as argv[1] (the bot starts its shards from it), not the launcher.
    expect(printed.entry).toBe(path.join(root, 'dist', build!, 'src', 'cli', 'hello.js'));
    expect(existsSync(path.join(root, 'dist', build!, 'src', 'greeting.js.map'))).toBe(true);
  });

  it('builds again when a source changes, not when nothing does; keeps three builds, and any launched within a day', async () => {
    const root = await smallProject();
    const greet = (word: string) => fs.writeFile(path.join(root, 'src', 'greeting.ts'), `export const greeting = (name: string): string => \`${word} \${name}\`;\n`);
    const daysAgo = (dir: string, days: number) => fs.utimes(dir, new Date(Date.now() - days * 86_400_000), new Date(Date.now() - days * 86_400_000));
    const first = await ensureBuild(root);
    // Launched again unchanged: the same build, marked as used now.
    await daysAgo(first, 2);
    expect(await ensureBuild(root)).toBe(first);
    expect(Date.now() - (await fs.stat(first)).mtimeMs).toBeLessThan(60_000);

    await daysAgo(first, 2); // not launched for two days
    const made: string[] = [];
    for (const word of ['hi', 'hey', 'howdy']) {
      await greet(word);
      made.push(await ensureBuild(root));
    }
    const { stdout } = await exec(process.execPath, [path.join(root, 'src', 'launch.mjs'), 'src/cli/hello.ts', 'Putin'], { cwd: root });
    expect(JSON.parse(stdout).text).toBe('howdy Putin');
    expect(builds(root)).toEqual(made.map((dir) => path.basename(dir)).sort()); // the first, unused for two days, went

    // A fourth newer build leaves the others: each was launched within the day (a running bot's may be among them).
    await greet('hello again');
    made.push(await ensureBuild(root));
    expect(builds(root)).toEqual(made.map((dir) => path.basename(dir)).sort());

    // A file added or removed is another build too.
    const files = sourceFiles(root) as string[];
    await fs.writeFile(path.join(root, 'src', 'extra.ts'), 'export {};\n');
    expect(buildSignature(root, sourceFiles(root), ESBUILD)).not.toBe(buildSignature(root, files, ESBUILD));
    expect(sourceFiles(root)).toEqual([...files, path.join('src', 'extra.ts')].sort());
  });

  it('lets processes launched together share one build', async () => {
    const root = await smallProject();
    const runs = await Promise.all(
      Array.from({ length: 4 }, (_, i) => exec(process.execPath, [path.join(root, 'src', 'launch.mjs'), 'src/cli/hello.ts', `n${i}`], { cwd: root })),
    );
    expect(runs.map((r) => JSON.parse(r.stdout).text)).toEqual(['hello n0', 'hello n1', 'hello n2', 'hello n3']);
    expect(builds(root)).toHaveLength(1); // and no scratch folder left
  });

  it('runs through a symbolic link to the launcher', async () => {
    const root = await smallProject();
    const link = path.join(tempDir('coverage-bot-launch-link-'), 'launch.mjs');
    await fs.symlink(path.join(root, 'src', 'launch.mjs'), link);
    const { stdout } = await exec(process.execPath, [link, 'src/cli/hello.ts', 'Shoigu'], { cwd: root });
    expect(JSON.parse(stdout).text).toBe('hello Shoigu');
  });

  it('refuses an entry point outside the sources with one line', async () => {
    const root = await smallProject();
    const result = spawnSync(process.execPath, [path.join(root, 'src', 'launch.mjs'), 'package.json'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Error: No entry point package\.json: give a \.ts file of src\/ or commands\/\.\n$/);
  });

  // Root can become an unprivileged user who can still read the project's packages (not so in a clone inside a 0700 folder).
  const canDropPrivileges =
    process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', path.join(PROJECT_ROOT, 'node_modules', 'esbuild', 'package.json')]).status === 0;
  it.runIf(canDropPrivileges)('says in one line what to run when the sources changed and the build folder cannot be written', async () => {
    const root = await smallProject();
    const [node, ...args] = scriptCommand('src/cli/ask.ts'); // only to check it is the launcher the npm scripts use
    expect([node, args[0]]).toEqual([process.execPath, LAUNCH]);
    const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(root, 'src', 'launch.mjs'), 'src/cli/hello.ts'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Error: There is no build of the current sources yet, and .*\/dist cannot be written \(EACCES\): run `npm run build` as a user who can write it\.\n$/);
  });
});
