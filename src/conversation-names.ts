/**
 * The names of a question in a conversation (conversation.ts reads follow-ups with them): the people, places and
 * other proper names compromise tags, each whole as the text writes it, and which of the others may be people's.
 */
import nlp from 'compromise';
import escapeStringRegexp from 'escape-string-regexp';

export interface Names {
  people: string[];
  places: string[];
  /** Organisations and other proper names compromise does not place among people or places. */
  others: string[];
}

/** Words before a name that make it a place or a thing, not a person: "the Kremlin", "in Sochi", "at Vostochny". */
const NOT_A_PERSON_BEFORE = /\b(?:the|a|an|in|at|near|into|across|on)\s+$/i;
/** Capitalised words that say where someone is from: "a Russian rifle". */
const DEMONYM = /(?:ian|ese|ish|ean|i)$/;

/**
 * Where a name stands in a text as a word of its own ("Kim", not the "Kim" of "Kimchi"), or -1; `goesOn`: a name cut
 * at a hyphen ("Kim Jong-"), which goes on in letters.
 */
function wordAt(text: string, name: string, goesOn = false): number {
  return new RegExp(`(?<![\\p{L}\\p{M}])${escapeStringRegexp(name)}${goesOn ? '' : '(?![\\p{L}\\p{M}])'}`, 'u').exec(text)?.index ?? -1;
}

/**
 * Whether a name compromise files among the others may be a person's, where the text writes it: not after an article
 * or a preposition of place ("the Kremlin", "in Sochi", "the Vostochny Cosmodrome"), and no demonym ("Russian").
 */
export function personLike(text: string, name: string): boolean {
  if (/\s/.test(name.trim()) || DEMONYM.test(name)) return false;
  const at = wordAt(text, name);
  return at >= 0 && !NOT_A_PERSON_BEFORE.test(text.slice(0, at));
}

/** How many people a question names: compromise's people, and the others that may be people's (personLike). */
export const peopleNamed = (question: string, own: Names) => own.people.length + own.others.filter((name) => personLike(question, name)).length;

export const clean = (text: string) => text.replace(/^[\s"'“”‘’(]+|[\s"'“”‘’?.!,;:)]+$/g, '').replace(/['’]s$/i, '');
export const unique = (items: string[]) => [...new Map(items.filter(Boolean).map((i) => [i.toLowerCase(), i])).values()];

/** Names that say no more than a longer one kept ("Kim Jong-" beside "Kim Jong Un", "Putin" beside "Vladimir Putin" stays). */
export function longest(names: string[]): string[] {
  const key = (n: string) => n.toLowerCase().replace(/[-\s]+/g, ' ').trim();
  return unique(names).filter((n) => !names.some((other) => other !== n && key(other).startsWith(key(n))));
}

/** The rest of a name cut at a hyphen, as written: "un" of "Kim Jong-un". */
const HYPHEN_REST = /^[\p{L}\p{M}]+(?:-[\p{L}\p{M}]+)*/u;
/** Capitalised words after a name of two words or more: " Un" of "Kim Jong Un" ("Kim North Korea" is two names). */
const WORDS_REST = /^(?:[ \t]+\p{Lu}[\p{L}\p{M}]*(?:-[\p{L}\p{M}]+)*)+/u;

/** A name as the text writes it whole: compromise tags "Kim Jong" of "Kim Jong Un" and "Kim Jong-" of "Kim Jong-un". */
function wholeName(text: string, name: string, places: readonly string[] = []): string {
  if (!name) return name;
  const hyphen = name.endsWith('-');
  const at = wordAt(text, name, hyphen);
  if (at < 0) return name;
  const rest = text.slice(at + name.length);
  // Not into a place that follows ("Kim North" then "Korea's", as compromise tags them).
  const words = hyphen || name.trim().split(/\s+/).length < 2 ? undefined : WORDS_REST.exec(rest)?.[0];
  const more = hyphen ? HYPHEN_REST.exec(rest)?.[0] : words && !places.some((p) => p && words.trim().startsWith(clean(p))) ? words : undefined;
  return clean(name + (more ?? ''));
}

/** People, places and other proper names in a text, as compromise tags them, each whole as the text writes it. */
export function namesIn(text: string): Names {
  const doc = nlp(text);
  const placed: string[] = doc.places().out('array');
  const whole = (names: string[]) => names.map((n) => wholeName(text, clean(n), placed));
  const people = longest(whole(doc.people().out('array')));
  const places = longest(whole(placed));
  const known = [...people, ...places].map((n) => n.toLowerCase());
  const proper = whole([...doc.organizations().out('array'), ...doc.match('#ProperNoun+').out('array')]);
  const others = longest(proper).filter((n) => !known.some((k) => k.includes(n.toLowerCase()) || n.toLowerCase().includes(k)));
  return { people, places, others };
}

export function allNames(names: Names): string[] {
  return [...names.people, ...names.places, ...names.others];
}
