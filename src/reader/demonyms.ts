/**
 * Whether two words name one place or its people: "russia" and "russian", "ukraine" and "ukrainian", "iraq" and
 * "iraqi", "britain" and "british". The role rule (role.ts) compares the place a question gives a role ("who is
 * russias defence minister") with the one a sentence gives it ("Russian defence minister Sergei Shoigu").
 * English forms most of its demonyms with a few endings; the ones it does not are listed.
 */

/** Peoples whose name is not the place's with a regular ending. */
const IRREGULAR: Record<string, readonly string[]> = {
  british: ['britain', 'uk'],
  english: ['england'],
  scottish: ['scotland'],
  welsh: ['wales'],
  irish: ['ireland'],
  french: ['france'],
  spanish: ['spain'],
  portuguese: ['portugal'],
  dutch: ['netherlands', 'holland'],
  swiss: ['switzerland'],
  swedish: ['sweden'],
  danish: ['denmark'],
  finnish: ['finland'],
  norwegian: ['norway'],
  polish: ['poland'],
  turkish: ['turkey', 'turkiye'],
  greek: ['greece'],
  chinese: ['china'],
  thai: ['thailand'],
  filipino: ['philippines'],
  czech: ['czechia'],
  slovak: ['slovakia'],
  kazakh: ['kazakhstan'],
  uzbek: ['uzbekistan'],
  afghan: ['afghanistan'],
  tajik: ['tajikistan'],
  saudi: ['arabia'],
  american: ['us', 'usa', 'america'],
  belarusian: ['belarus'],
  peruvian: ['peru'],
  german: ['germany'],
  malagasy: ['madagascar'],
};

/** The regular endings a place's name takes for its people, after the place's last letter is dropped or kept. */
const KEEP = ['n', 'an', 'ian', 'i', 'ese', 'ish'];
const DROP = ['ian', 'an', 'ese', 'i'];

/** A word as a place or people: lower case, no possessive ("russia's", chat's "russias"). */
const bare = (word: string) => word.toLowerCase().replace(/['’]s?$/u, '');

/** Whether `people` is the name of the people of `place` by a regular ending ("korea" → "korean", "iraq" → "iraqi"). */
function regular(place: string, people: string): boolean {
  if (place.length < 3 || people.length <= place.length - 1) return false;
  if (KEEP.some((ending) => place + ending === people)) return true;
  const stem = place.slice(0, -1);
  return /[aeiouy]$/.test(place) && DROP.some((ending) => stem + ending === people);
}

/** Whether two words are one place, or a place and its people, either way round. */
export function samePlace(a: string, b: string): boolean {
  const forms = (word: string) => {
    const w = bare(word);
    // Chat drops the apostrophe: "russias" is Russia's.
    return w.endsWith('s') && w.length > 4 ? [w, w.slice(0, -1)] : [w];
  };
  for (const x of forms(a)) {
    for (const y of forms(b)) {
      if (x === y || regular(x, y) || regular(y, x) || IRREGULAR[x]?.includes(y) || IRREGULAR[y]?.includes(x)) return true;
    }
  }
  return false;
}
