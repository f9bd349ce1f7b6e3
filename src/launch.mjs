// @ts-check
/**
 * `node src/launch.mjs <entry.ts> [args…]`: what `npm run ask`, `embed`, `report`, `db:dev`, `start` and
 * `deploy-commands` run. It runs the entry point's JavaScript, compiled by esbuild from the TypeScript in
 * src/ and commands/ (type-stripping only, one file for each: `npm test` runs the type check), instead of
 * compiling it while it loads with tsx: tsx turns on Node's source maps, and Node then decodes the large inline
 * maps of the packages transformers.js loads; a cold `ask` peaks 6-17 MB lower and ends 0.2-0.7 s sooner
 * (docs/SCALING.md). The tools for maintainers (eval, bench, train-reader) and the tests run the
 * TypeScript itself.
 *
 * A build is kept in `dist/<signature>/`, the signature a hash of every source file's path, size and change
 * time (and esbuild's version): a source changed, added or removed makes the next launch build again (about
 * 0.7 s), and a build, once renamed into place whole, is never written again, so processes launched side by
 * side share one safely. `npm ci` builds once (`npm run build`, the `prepare` script), so a checkout its users cannot
 * write runs as installed. A launch marks its build used (its folder's time); a build is removed only when
 * three newer ones exist and it was not launched for a day, so a running bot can still import lazily from
 * its own and restart its shards from it. Each build has `.map` files beside its JavaScript;
 * `NODE_OPTIONS=--enable-source-maps` makes a bug's stack name the TypeScript lines (not the default: see above).
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The folders compiled, relative to the project. */
export const SOURCE_FOLDERS = ['src', 'commands'];
/** This file, relative to the project: run from the checkout, never built. */
const LAUNCHER = path.join('src', 'launch.mjs');
/** Where builds go, relative to the project. */
export const BUILD_FOLDER = 'dist';
const KEEP_BUILDS = 3;
/** A build launched this recently is kept whatever its age among the others. */
const IN_USE_MS = 24 * 3_600_000;
/** Marks a build written whole. */
const COMPLETE = '.complete';
/** Raised when how a build is made changes, so that older builds are not used. */
const BUILD_FORMAT = 1;

/**
 * Every file of the source folders, relative to `root`, sorted: TypeScript to compile (not declarations),
 * anything else (the SQL migrations, a worker thread's plain JavaScript) to copy beside it; not this launcher.
 * @param {string} root
 * @returns {string[]}
 */
export function sourceFiles(root) {
  /** @type {string[]} */
  const files = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && !rel.endsWith('.d.ts') && rel !== LAUNCHER) files.push(rel);
    }
  };
  for (const folder of SOURCE_FOLDERS) if (existsSync(path.join(root, folder))) walk(folder);
  return files.sort();
}

/**
 * The build's name: a hash of the sources' paths, sizes and change times (as make decides what to build
 * again; hashing their contents instead cost the process about 5 MB more), esbuild's version and the build
 * format. About 2 ms for this project's sources.
 * @param {string} root
 * @param {string[]} files
 * @param {string} esbuildVersion
 */
export function buildSignature(root, files, esbuildVersion) {
  const hash = createHash('sha256').update(`${BUILD_FORMAT} ${esbuildVersion}\n`);
  for (const file of files) {
    // A file removed since the folder was listed (an editor's temporary file) is left out.
    const stat = statSync(path.join(root, file), { throwIfNoEntry: false });
    if (stat) hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The folder of the sources' current build under `root`, built first when there is none.
 * @param {string} root
 * @returns {Promise<string>}
 */
export async function ensureBuild(root) {
  const esbuildVersion = await fs.readFile(path.join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8').then(
    (text) => JSON.parse(text).version,
    () => {
      throw new LaunchError('esbuild is not installed: run `npm ci`.');
    },
  );
  const files = sourceFiles(root);
  const builds = path.join(root, BUILD_FOLDER);
  const dir = path.join(builds, buildSignature(root, files, esbuildVersion));
  if (existsSync(path.join(dir, COMPLETE))) {
    const now = new Date();
    await fs.utimes(dir, now, now).catch(() => {}); // used now (a folder this user cannot write stays as it was)
    return dir;
  }

  const { build } = await import('esbuild');
  const scratch = `${dir}.${process.pid}.tmp`;
  try {
    await fs.mkdir(builds, { recursive: true });
    await fs.rm(scratch, { recursive: true, force: true });
    await fs.mkdir(scratch);
  } catch (error) {
    const code = /** @type {NodeJS.ErrnoException} */ (error).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw error;
    throw new LaunchError(`There is no build of the current sources yet, and ${builds} cannot be written (${code}): run \`npm run build\` as a user who can write it.`);
  }
  try {
    await build({
      absWorkingDir: root,
      entryPoints: files.filter((file) => file.endsWith('.ts')),
      outdir: scratch,
      outbase: '.',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'silent',
    });
    for (const file of files.filter((f) => !f.endsWith('.ts'))) {
      await fs.mkdir(path.dirname(path.join(scratch, file)), { recursive: true });
      await fs.copyFile(path.join(root, file), path.join(scratch, file));
    }
    await fs.writeFile(path.join(scratch, COMPLETE), '');
    await fs.rename(scratch, dir);
  } catch (error) {
    await fs.rm(scratch, { recursive: true, force: true });
    // Another process launched at the same time put the same build in place first: use it.
    if (!existsSync(path.join(dir, COMPLETE))) throw error;
  }
  await pruneBuilds(builds, dir);
  return dir;
}

/**
 * Removes the builds past the KEEP_BUILDS last used that no launch used for IN_USE_MS, never `current`, and
 * scratch folders of launches that died an hour ago.
 * @param {string} builds
 * @param {string} current
 */
async function pruneBuilds(builds, current) {
  const entries = await Promise.all(
    (await fs.readdir(builds)).map(async (name) => ({ name, mtime: (await fs.stat(path.join(builds, name)).catch(() => null))?.mtimeMs ?? 0 })),
  );
  const now = Date.now();
  const done = entries.filter((e) => !e.name.endsWith('.tmp') && path.join(builds, e.name) !== current).sort((a, b) => b.mtime - a.mtime);
  const unused = done.slice(KEEP_BUILDS - 1).filter((e) => e.mtime < now - IN_USE_MS);
  const stale = entries.filter((e) => e.name.endsWith('.tmp') && e.mtime < now - 3_600_000);
  for (const { name } of [...unused, ...stale]) await fs.rm(path.join(builds, name), { recursive: true, force: true });
}

/** A launch that cannot go on for a reason the user can fix: one line, no stack. */
export class LaunchError extends Error {
  name = 'LaunchError';
}

/**
 * Runs `entry` (a .ts file of the source folders) from the current build, as if node had been given its
 * JavaScript: process.argv[1] names the compiled file (the bot's shards are started from it).
 * @param {string} root
 * @param {string} entry
 */
export async function launch(root, entry) {
  const relative = path.relative(root, path.resolve(root, entry));
  if (!relative.endsWith('.ts') || !SOURCE_FOLDERS.some((folder) => relative.startsWith(folder + path.sep)) || !existsSync(path.join(root, relative))) {
    throw new LaunchError(`No entry point ${entry}: give a .ts file of ${SOURCE_FOLDERS.join('/ or ')}/.`);
  }
  const compiled = path.join(await ensureBuild(root), relative.replace(/\.ts$/, '.js'));
  process.argv.splice(1, 2, compiled);
  await import(pathToFileURL(compiled).href);
}

/** Whether this file is the program node was given (`node src/launch.mjs …`, through a symbolic link too), not an import. */
function isProgram() {
  try {
    return process.argv[1] !== undefined && realpathSync(path.resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false; // node's argument names no file (`node -e`, a REPL)
  }
}

if (isProgram()) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  // `--build` (npm run build): only make sure the current build is there.
  const run = process.argv[2] === '--build' ? ensureBuild(root).then((dir) => console.log(`Built ${path.relative(root, dir)}`)) : launch(root, process.argv[2] ?? '');
  run.catch((error) => {
    if (error instanceof LaunchError) console.error(`Error: ${error.message}`);
    else {
      console.error('This is a bug in coverage-bot (the launcher could not start the program):');
      console.error(error instanceof Error ? error.stack : error);
    }
    process.exit(1);
  });
}
