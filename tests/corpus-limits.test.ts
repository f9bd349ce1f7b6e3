/** The corpus at scale and at the edges: thousands of files under a low descriptor limit, huge articles, id clashes, links. */
import { constants } from 'node:buffer';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { articleHash, assignIds } from '../src/corpus/ids.js';
import { decodeArticleFile, DEFAULT_MAX_ARTICLE_BYTES, loadCorpus, parseFiles } from '../src/corpus/load.js';
import type { ArticleDraft, CorpusWarning, KnownArticle } from '../src/corpus/types.js';
import { runScript, tempDir } from './helpers.js';

const bytes = (text: string) => new TextEncoder().encode(text);

async function writeArticles(dir: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - start) }, (_, i) =>
        fs.writeFile(path.join(dir, `a${start + i}.md`), `---\ntitle: Report number ${start + i}\n---\n\nTalks went on for ${start + i} hours.\n`),
      ),
    );
  }
}

describe('many files', () => {
  it('loads 2,000 files under `ulimit -n 64` (files are read a few at a time)', async () => {
    const dir = tempDir('coverage-bot-many-');
    await writeArticles(dir, 2000);
    const result = await runScript('tests/fixtures/load-corpus.ts', [dir], {}, { prefix: ['sh', '-c', 'ulimit -n 64 && exec "$@"', 'sh'] });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ articles: 2000, problems: [], warnings: 0 });
  });
});

describe('a corpus folder that is not one', () => {
  it('refuses a file set as CORPUS_DIR (or EMBEDDINGS_DIR, MODELS_DIR) in one line, and embed changes nothing', async () => {
    const readme = path.resolve('README.md');
    for (const name of ['CORPUS_DIR', 'EMBEDDINGS_DIR', 'MODELS_DIR']) {
      expect(() => configFromEnv({ [name]: readme })).toThrow(`${name} must be a folder, and ${readme} is not one; set ${name} to a folder.`);
    }
    expect(() => configFromEnv({ EMBEDDINGS_DIR: '/dev/null' })).toThrow('EMBEDDINGS_DIR must be a folder, and /dev/null is not one');
    // A folder not made yet is fine (embed makes it).
    expect(configFromEnv({ EMBEDDINGS_DIR: path.join(tempDir(), 'later') }).embeddingsDir).toMatch(/later$/);
    const embeddings = tempDir();
    const { code, stdout, stderr } = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: readme, EMBEDDINGS_DIR: embeddings });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(`Error: CORPUS_DIR must be a folder, and ${readme} is not one; set CORPUS_DIR to a folder.`);
    expect(await fs.readdir(embeddings)).toEqual([]);
  });
});

describe('huge articles', () => {
  it('has a documented default limit, and MAX_ARTICLE_BYTES changes it', () => {
    expect(configFromEnv({}).maxArticleBytes).toBe(DEFAULT_MAX_ARTICLE_BYTES);
    expect(configFromEnv({ MAX_ARTICLE_BYTES: '65536' }).maxArticleBytes).toBe(65536);
    expect(() => configFromEnv({ MAX_ARTICLE_BYTES: '2MB' })).toThrow(/MAX_ARTICLE_BYTES must be a whole number/);
  });

  it('refuses a file over the limit, naming it, and a JSON Lines line over it, keeping the other lines', () => {
    const big = 'A sentence about the talks. '.repeat(50_000); // 1.4 MB
    const { articles, problems } = parseFiles(
      [
        { source: 'huge.txt', bytes: bytes(`Huge\n\n${big}`) },
        { source: 'feed.jsonl', bytes: bytes([JSON.stringify({ title: 'Small', text: 'Fine.' }), JSON.stringify({ title: 'Big', text: big })].join('\n')) },
      ],
      { maxArticleBytes: 1_000_000 },
    );
    expect(articles.map((a) => a.title)).toEqual(['Small']);
    expect(problems).toEqual([
      { source: 'huge.txt', reason: 'the file is 1.3 MB, over the limit of 976.6 kB per article (MAX_ARTICLE_BYTES=1000000); split it, or raise MAX_ARTICLE_BYTES' },
      { source: 'feed.jsonl:2', reason: expect.stringMatching(/^this line is 1.3 MB, over the limit/) },
    ]);
  });

  it('`npm run embed` stops on a 30 MB article with one line naming it, and indexes the rest with --skip-invalid', async () => {
    const corpus = tempDir('coverage-bot-huge-');
    const embeddings = tempDir();
    await fs.writeFile(path.join(corpus, 'ok.md'), '---\ntitle: Grain talks resume\n---\n\nTurkey said talks on the grain deal would resume next week.\n');
    const paragraph = 'The delegation travelled by armoured train to the cosmodrome, where officials met for hours. '.repeat(20);
    await fs.writeFile(path.join(corpus, 'huge.txt'), `A very long article\n\n${`${paragraph}\n\n`.repeat(Math.ceil((30 * 1024 * 1024) / (paragraph.length + 2)))}`);
    const refused = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Error: Cannot read huge\.txt: the file is 30 MB, over the limit of 2\.0 MB per article \(MAX_ARTICLE_BYTES=2097152\)/m);
    expect(refused.stderr).not.toMatch(/RangeError|\n\s+at /);
    const skipped = await runScript('src/cli/embed.ts', ['--skip-invalid'], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings });
    expect(skipped.stderr).toMatch(/^Skipped huge\.txt: the file is 30 MB/m);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(/: 1 article, \d+ chunks?,/);
  });
});

describe('every file skipped', () => {
  it('npm run embed -- --skip-invalid refuses to index nothing, and the live index keeps its articles', async () => {
    const corpus = tempDir();
    const embeddings = tempDir();
    await fs.writeFile(path.join(corpus, 'talks.md'), '---\ntitle: Grain talks resume\n---\n\nTurkey said talks would resume.\n');
    expect((await runScript('src/cli/embed.ts', [], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings })).code).toBe(0);
    const live = await fs.readFile(path.join(embeddings, 'CURRENT'), 'utf8');
    await fs.writeFile(path.join(corpus, 'talks.md'), '');
    const skipped = await runScript('src/cli/embed.ts', ['--skip-invalid'], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings });
    expect(skipped.code).toBe(1);
    expect(skipped.stderr).toMatch(/^Skipped talks\.md: /m);
    expect(skipped.stderr.trim().split('\n').at(-1)).toBe(`Error: Every file in ${corpus} was skipped (1 file, above). The index was not changed.`);
    expect(await fs.readFile(path.join(embeddings, 'CURRENT'), 'utf8')).toBe(live);
    // Files are counted, not the bad lines of a .jsonl file.
    await fs.writeFile(path.join(corpus, 'wire.jsonl'), 'not json\nalso not json\n{broken\n');
    const again = await runScript('src/cli/embed.ts', ['--skip-invalid'], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings });
    expect(again.stderr.trim().split('\n').at(-1)).toBe(`Error: Every file in ${corpus} was skipped (2 files, above). The index was not changed.`);
  });
});

describe('surprises are reported', () => {
  it('names both files when two give the same article id', () => {
    const { articles, warnings } = parseFiles([
      { source: 'a.txt', bytes: bytes('Same title\n\nBody one.') },
      { source: 'b/c.md', bytes: bytes('---\ntitle: Same title\n---\n\nBody two.') },
    ]);
    expect(articles.map((a) => a.id)).toEqual(['same-title', 'same-title-2']);
    expect(warnings).toEqual([{ source: 'b/c.md', message: 'a.txt and b/c.md give the same article id "same-title"; the article of b/c.md is indexed as "same-title-2"' }]);
  });

  it('says a file too large to read at once is that, not "not valid UTF-8", and how to split it', () => {
    const bytes = new Uint8Array(constants.MAX_STRING_LENGTH + 2 ** 20).fill(0x61);
    expect(decodeArticleFile(bytes)).toEqual({ reason: `the file is 513 MiB, more text than one file can be read with (512 MiB): split it into smaller files (a .jsonl file's lines into several)` });
    expect(decodeArticleFile(new Uint8Array([0x61, 0xff]))).toEqual({ reason: 'the file is not valid UTF-8 text (re-save it as UTF-8)' });
  });

  it('keeps an id with the article that held it, whatever the name of a new file giving the same id', () => {
    const draft = (source: string, body: string) => ({ source, title: 'Grain talks resume', text: `Grain talks resume\n\n${body}`, captions: [] });
    const [old, copy, later] = [draft('m-talks.md', 'Turkey said talks would resume.'), draft('a-copy.md', 'Turkey said talks would resume.'), draft('b-later.md', 'Ankara was hopeful.')];
    const known = [{ id: 'grain-talks-resume', source: old.source, hash: articleHash(old) }];
    const ids = (drafts: ArticleDraft[], known: KnownArticle[]) => {
      const warnings: CorpusWarning[] = [];
      return { ids: assignIds(drafts, warnings, known).map((a) => `${a.source} ${a.id}`), warnings: warnings.map((w) => w.message) };
    };
    // Before: the file sorting first took the id.
    expect(ids([copy, later, old], []).ids).toEqual(['a-copy.md grain-talks-resume', 'b-later.md grain-talks-resume-2', 'm-talks.md grain-talks-resume-3']);
    // The same text in the same file keeps it; the new ones are numbered in their order, and the warning names the holder.
    expect(ids([copy, later, old], known)).toEqual({
      ids: ['a-copy.md grain-talks-resume-2', 'b-later.md grain-talks-resume-3', 'm-talks.md grain-talks-resume'],
      warnings: [
        'm-talks.md and a-copy.md give the same article id "grain-talks-resume"; the article of a-copy.md is indexed as "grain-talks-resume-2"',
        'm-talks.md and b-later.md give the same article id "grain-talks-resume"; the article of b-later.md is indexed as "grain-talks-resume-3"',
      ],
    });
    // Edited in its file, or moved to another with its text, it keeps the id too; a numbered id is kept the same way.
    const edited = draft('m-talks.md', 'Turkey said talks would resume on Monday.');
    expect(ids([later, edited], known).ids).toEqual(['b-later.md grain-talks-resume-2', 'm-talks.md grain-talks-resume']);
    const moved = { ...old, source: 'z-archive/talks.md' };
    expect(ids([later, moved], known).ids).toEqual(['b-later.md grain-talks-resume-2', 'z-archive/talks.md grain-talks-resume']);
    const numbered = [...known, { id: 'grain-talks-resume-2', source: later.source, hash: articleHash(later) }];
    expect(ids([copy, later, old], numbered).ids).toEqual(['a-copy.md grain-talks-resume-3', 'b-later.md grain-talks-resume-2', 'm-talks.md grain-talks-resume']);
    // An id no other file gives is the article's own, whatever it was before.
    expect(ids([later], known).ids).toEqual(['b-later.md grain-talks-resume']);
    // A new title whose slug is an id the live version numbered for another article ("Grain talks resume 2") does
    // not take it from that article, still here: the new one is numbered.
    const second = { ...draft('c-second.md', 'A second story.'), title: 'Grain talks resume 2' };
    expect(ids([copy, second, later, old], numbered)).toEqual({
      ids: ['a-copy.md grain-talks-resume-3', 'c-second.md grain-talks-resume-2-2', 'b-later.md grain-talks-resume-2', 'm-talks.md grain-talks-resume'],
      warnings: [
        'm-talks.md and a-copy.md give the same article id "grain-talks-resume"; the article of a-copy.md is indexed as "grain-talks-resume-3"',
        'c-second.md gives the article id "grain-talks-resume-2", which the article of b-later.md holds; the article of c-second.md is indexed as "grain-talks-resume-2-2"',
        'm-talks.md and b-later.md give the same article id "grain-talks-resume"; the article of b-later.md is indexed as "grain-talks-resume-2"',
      ],
    });
    // Once that article is gone, the id is the new title's.
    expect(ids([copy, second, old], numbered).ids).toEqual(['a-copy.md grain-talks-resume-3', 'c-second.md grain-talks-resume-2', 'm-talks.md grain-talks-resume']);
  });

  it('keeps the id of an article across npm run embed when a new file sorting before it gives the same id', async () => {
    const corpus = tempDir();
    const embeddings = tempDir();
    await fs.writeFile(path.join(corpus, 'talks.md'), '---\ntitle: Grain talks resume\n---\n\nTurkey said talks would resume.\n');
    expect((await runScript('src/cli/embed.ts', [], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings })).code).toBe(0);
    await fs.writeFile(path.join(corpus, 'a-new.md'), '---\ntitle: Grain talks resume\n---\n\nAnkara was hopeful.\n');
    const { code, stdout } = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: embeddings });
    expect(code).toBe(0);
    expect(stdout).toMatch(/This run: 1 new, 0 changed, 0 removed, 1 unchanged article/);
    expect(stdout).toMatch(/^Warning: talks\.md and a-new\.md give the same article id "grain-talks-resume"; the article of a-new\.md is indexed as "grain-talks-resume-2"\.$/m);
  });

  it('reads subfolders, but nothing in a hidden folder (an editor\'s, a tool\'s, the trash)', async () => {
    const corpus = tempDir();
    const article = (title: string) => `---\ntitle: ${title}\n---\n\nTurkey said talks would resume.\n`;
    for (const [folder, title] of [['world/europe', 'Grain talks resume'], ['.obsidian', 'Private workspace note'], ['.Trash-1000/files', 'Deleted draft'], ['world/.drafts', 'Unfinished story']] as const) {
      await fs.mkdir(path.join(corpus, folder), { recursive: true });
      await fs.writeFile(path.join(corpus, folder, 'a.md'), article(title));
    }
    const { articles, warnings } = await loadCorpus(corpus);
    expect(articles.map((a) => a.title)).toEqual(['Grain talks resume']);
    expect(warnings).toEqual([]);
  });

  it('reports symbolic links, which are not followed, and the embed summary repeats every warning', async () => {
    const corpus = tempDir('coverage-bot-links-');
    const outside = tempDir();
    await fs.writeFile(path.join(corpus, 'one.md'), '---\ntitle: Grain talks resume\n---\n\nTurkey said talks would resume.\n');
    await fs.writeFile(path.join(corpus, 'two.md'), '---\ntitle: Grain talks resume\n---\n\nAnkara was hopeful.\n');
    await fs.writeFile(path.join(outside, 'secret.md'), '---\ntitle: Not for the corpus\n---\n\nPrivate.\n');
    await fs.symlink(path.join(outside, 'secret.md'), path.join(corpus, 'link.md'));
    const { articles, warnings } = await loadCorpus(corpus);
    expect(articles.map((a) => a.title)).toEqual(['Grain talks resume', 'Grain talks resume']);
    expect(warnings.map((w) => w.message)).toEqual([
      'link.md is a symbolic link; links are not followed, so it was skipped (copy the file into the corpus folder to index it)',
      'one.md and two.md give the same article id "grain-talks-resume"; the article of two.md is indexed as "grain-talks-resume-2"',
    ]);
    const { code, stdout } = await runScript('src/cli/embed.ts', [], { CORPUS_DIR: corpus, EMBEDDINGS_DIR: tempDir() });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Warning: link\.md is a symbolic link; links are not followed/m);
    expect(stdout).toMatch(/^Warning: one\.md and two\.md give the same article id "grain-talks-resume"/m);
  });
});
