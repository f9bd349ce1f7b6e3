/**
 * Imports point one way: commands/ (the command modules and the entry files) imports src/, never back.
 * Scans every TypeScript file under src/ for an import, export-from or dynamic import that reaches commands/.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';

const SRC = path.join(PROJECT_ROOT, 'src');
const COMMANDS = path.join(PROJECT_ROOT, 'commands');

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(full)));
    else if (/\.[cm]?[jt]s$/.test(entry.name)) files.push(full);
  }
  return files;
}

/** Every module specifier of a file: `from '…'`, `import '…'`, `import('…')`, `require('…')`. */
function specifiers(code: string): string[] {
  const found: string[] = [];
  const pattern = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of code.matchAll(pattern)) found.push((m[1] ?? m[2] ?? m[3])!);
  return found;
}

describe('structure', () => {
  it('finds every kind of import', () => {
    expect(specifiers(`import { a } from '../x.js';\nimport type { B } from "./y.js";\nexport * from '../../z.js';\nimport './side.js';\nconst m = await import('../dyn.js');`)).toEqual([
      '../x.js',
      './y.js',
      '../../z.js',
      './side.js',
      '../dyn.js',
    ]);
  });

  it('no file under src/ imports from commands/', async () => {
    const files = await sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(20);
    const offending: string[] = [];
    for (const file of files) {
      for (const spec of specifiers(await readFile(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (target === COMMANDS || target.startsWith(COMMANDS + path.sep)) offending.push(`${path.relative(PROJECT_ROOT, file)} → ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("no test imports an entry point that runs when loaded (a command's main(), which may end the test process)", async () => {
    // An entry point calls its main() at the top level; in a test worker that ends the worker once it fails or is done.
    const entries = new Set<string>();
    for (const file of await sourceFiles(SRC)) if (/^(?:void |await )?main\(\)/m.test(await readFile(file, 'utf8'))) entries.add(file.replace(/\.ts$/, ''));
    expect(entries.has(path.join(SRC, 'cli', 'source'))).toBe(true);
    const offending: string[] = [];
    for (const file of await sourceFiles(path.join(PROJECT_ROOT, 'tests'))) {
      for (const spec of specifiers(await readFile(file, 'utf8'))) {
        if (spec.startsWith('.') && entries.has(path.resolve(path.dirname(file), spec).replace(/\.js$/, ''))) offending.push(`${path.relative(PROJECT_ROOT, file)} → ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('settings are read in src/config.ts only (errors.ts masks the DATABASE_URL password), each documented in .env.example', async () => {
    const readers: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const relative = path.relative(PROJECT_ROOT, file);
      if (relative !== path.join('src', 'config.ts') && relative !== path.join('src', 'errors.ts') && /process\.env\b/.test(await readFile(file, 'utf8'))) readers.push(relative);
    }
    expect(readers).toEqual([]);
    const example = await readFile(path.join(PROJECT_ROOT, '.env.example'), 'utf8');
    const db = ['DATABASE_URL', 'PGDEV_DIR'];
    const config = await readFile(path.join(SRC, 'config.ts'), 'utf8');
    expect(db.filter((name) => !config.includes(`'${name}'`) || !new RegExp(`^#? ?${name}=`, 'm').test(example))).toEqual([]);
  });
});
