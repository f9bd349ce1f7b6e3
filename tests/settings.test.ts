/**
 * The settings' names: one list (src/settings.ts) that the configuration reads through and .env.example documents,
 * and a warning for each name in a real `.env` file that the project does not read.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { readEnvFile } from '../src/env-file.js';
import { SETTING_NAMES } from '../src/settings.js';
import { tempDir } from './helpers.js';

/**
 * The names .env.example documents, set or commented out (`# NAME=`); not MALLOC_ARENA_MAX, which it names as
 * one that no .env can set (node reads it before it starts).
 */
async function documented(): Promise<string[]> {
  const example = await fs.readFile(path.join(PROJECT_ROOT, '.env.example'), 'utf8');
  return [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!).filter((name) => name !== 'MALLOC_ARENA_MAX');
}

describe('settings', () => {
  it('every name the configuration reads is documented in .env.example, and every documented one is read', async () => {
    expect([...(await documented())].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('warns, one line per name and never with its value, about names in a .env file the project does not read', async () => {
    const file = path.join(tempDir(), '.env');
    await fs.writeFile(
      file,
      ['CORPUS_DIRECTORY=/srv/secret-corpus', 'ANSWER_PASAGES=3', 'corpus_dir=x', 'DISCORD_BOT_TOKEN=hunter2-token', 'COLOUR_SCHEME=dark', 'EMBEDDINGS_DIR=/tmp/index', ''].join('\n'),
    );
    const env: Record<string, string | undefined> = { ANSWER_PASAGES: 'from the environment' };
    const warnings = readEnvFile(file, env);
    expect(warnings).toEqual([
      'Unknown setting CORPUS_DIRECTORY in .env (did you mean CORPUS_DIR?)',
      'Unknown setting ANSWER_PASAGES in .env (did you mean ANSWER_PASSAGES?)',
      'Unknown setting corpus_dir in .env (did you mean CORPUS_DIR?)',
      'Unknown setting DISCORD_BOT_TOKEN in .env (did you mean DISCORD_TOKEN?)',
      'Unknown setting COLOUR_SCHEME in .env (.env.example lists the settings coverage-bot reads)',
    ]);
    expect(warnings.join('\n')).not.toMatch(/secret|hunter2|dark|from the environment|\/tmp/);
    // The file is still read as before: the environment wins over it.
    expect(env).toMatchObject({ EMBEDDINGS_DIR: '/tmp/index', ANSWER_PASAGES: 'from the environment' });
  });

  it("passes libraries' own variables through without a warning, and says a variable read before Node starts has no effect there", async () => {
    const file = path.join(tempDir(), '.env');
    await fs.writeFile(file, ['PGPASSWORD=s3cret', 'PGSSLMODE=require', 'PGCONNECT_TIMEOUT=5', 'HF_TOKEN=hf_x', 'TZ=Europe/Berlin', 'NODE_ENV=production', 'MALLOC_ARENA_MAX=2', 'PGDEV_DIRECTORY=x', ''].join('\n'));
    const warnings = readEnvFile(file, {});
    expect(warnings).toEqual([
      'MALLOC_ARENA_MAX in .env has no effect: it is read before Node starts, so set it in the environment (.env.example says how)',
      'Unknown setting PGDEV_DIRECTORY in .env (did you mean PGDEV_DIR?)',
    ]);
    expect(warnings.join('\n')).not.toMatch(/s3cret|hf_x/);
  });

  it('does not warn about .env.example copied as .env, nor about a missing .env', async () => {
    const dir = tempDir();
    await fs.copyFile(path.join(PROJECT_ROOT, '.env.example'), path.join(dir, '.env'));
    expect(readEnvFile(path.join(dir, '.env'), {})).toEqual([]);
    expect(readEnvFile(path.join(dir, 'none', '.env'), {})).toEqual([]);
  });
});
