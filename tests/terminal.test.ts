/** Nothing from outside reaches the terminal as an escape sequence or a control character. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sanitizeForTerminal, terminalJson } from '../src/terminal.js';
import { runScript, tempDir } from './helpers.js';

const ESC = '\u001b';
// Clear screen, a colour, a window title (OSC 0), a hyperlink (OSC 8), a C1 CSI, a bell, a backspace, a bidi override.
const NASTY = `${ESC}[2J${ESC}[31mRed${ESC}[0m ${ESC}]0;owned\u0007${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\ \u009b31m\u0007\b\u202Egnp.exe`;
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('sanitizeForTerminal', () => {
  it('removes escape sequences and control characters, keeping the text', () => {
    expect(sanitizeForTerminal(NASTY)).toBe('Red link gnp.exe');
    expect(sanitizeForTerminal('one\r\ntwo\tthree', { keepNewlines: false })).toBe('one two\tthree');
    expect(sanitizeForTerminal('one\ntwo')).toBe('one\ntwo');
    expect(sanitizeForTerminal('Erdoğan’s “full support” — 100 %')).toBe('Erdoğan’s “full support” — 100 %');
  });

  it('writes JSON whose strings hold no raw control characters', () => {
    const json = terminalJson({ title: NASTY });
    expect(json).not.toMatch(UNSAFE);
    expect(JSON.parse(json)).toEqual({ title: NASTY });
  });
});

describe('npm run ask', () => {
  it('prints no escape sequence from the question, the article text or its title', async () => {
    const corpus = tempDir('coverage-bot-escapes-');
    const article = {
      title: `Grain talks ${ESC}[2J${ESC}]0;owned\u0007resume`,
      outlet: `Example ${ESC}[31mNews`,
      text: `Turkey said talks on the grain deal would resume ${ESC}[5mnext week${ESC}[0m in Ankara.`,
    };
    await fs.writeFile(path.join(corpus, 'evil.jsonl'), JSON.stringify(article));
    // The escape codes inside the answer break its words for the reader, which is then unsure; this test is
    // about what reaches the terminal, so it quotes whatever the reader ranks first.
    const env = { CORPUS_DIR: corpus, EMBEDDINGS_DIR: tempDir(), READER_THRESHOLD: '0' };
    const text = await runScript('src/cli/ask.ts', [`When will the grain deal talks resume? ${ESC}[2J\u009b1m`], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Q: When will the grain deal talks resume\? ?$/m);
    expect(text.stdout).toMatch(/Grain talks resume/);
    expect(text.stdout).toMatch(/next week/);
    expect(text.stdout).not.toMatch(UNSAFE);
    const json = await runScript('src/cli/ask.ts', ['--json', 'When will the grain deal talks resume?'], env);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toMatch(UNSAFE);
  });
});
