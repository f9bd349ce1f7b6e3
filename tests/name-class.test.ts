import { describe, expect, it } from 'vitest';
import { analyse } from '../src/reader/annotate.js';
import { candidates } from '../src/reader/candidates.js';
import { loadReaderModel } from '../src/reader/model.js';
import { askedClass, askedNoun, classMatch, lexiconClass, nameClass, NOUN_CLASSES } from '../src/reader/name-class.js';
import { analyseQuestion } from '../src/reader/question.js';
import { Synonyms } from '../src/reader/synonyms.js';
import { openPipeline } from '../src/pipeline.js';
import { buildInto, testConfig } from './helpers.js';

const config = testConfig();
const { synonyms } = loadReaderModel(config.reader.modelFile);

/** Each candidate of a sentence with the class it is given, as "text=class". */
function classes(sentence: string): string[] {
  const annotated = analyse(sentence);
  const lower = annotated.tokens.map((t) => t.text.toLowerCase());
  return candidates(annotated).map((c) => `${sentence.slice(annotated.tokens[c.first]!.start, annotated.tokens[c.last]!.end)}=${nameClass(annotated.tokens, lower, c, synonyms)}`);
}

describe('what a question asks for', () => {
  it('reads the noun of a "which / what X" question, past "the name of" and a name typed in lower case', () => {
    const noun = (q: string) => askedNoun(analyseQuestion(q), synonyms);
    expect(noun('Which Russian minister greeted Kim when his train arrived at Khasan?')).toBe('minister');
    expect(noun("What's the name of the Russian environment minister who met Kim at Khasan?")).toBe('minister');
    expect(noun('whats the name of the aircraft factory kim toured in komsomolsk-na-amur')).toBe('factory');
    expect(noun('What kind of missiles is Kuleba asking Germany to send?')).toBe('missile');
    // "what did …", "what is …": no noun asked for.
    expect(noun('What did Kim promise Moscow about the war in Ukraine?')).toBeUndefined();
    expect(noun('What is the capital of Russia?')).toBeUndefined();
    expect(noun('Who invited Kim to Russia?')).toBeUndefined();
  });

  it('gives the class asked for from the question word, or from the noun by WordNet and compromise', () => {
    const asked = (q: string) => askedClass(analyseQuestion(q), synonyms);
    expect(asked('Which Russian minister greeted Kim?')).toBe('person');
    expect(asked('Which party won the regional elections?')).toBe('group');
    expect(asked('Which Ukrainian brigade took Andriivka?')).toBe('group');
    expect(asked('Which newspaper first reported the visit?')).toBe('work');
    expect(asked('What weapons could North Korea give Russia?')).toBe('artifact');
    expect(asked('Which fighter jet did they show Kim?')).toBe('artifact');
    expect(asked('Who invited Kim to Russia?')).toBe('person');
    expect(asked('Where did Kim and Putin meet?')).toBe('place');
    expect(asked('In which city did they meet?')).toBe('place');
    expect(asked('When did Shoigu visit Pyongyang?')).toBe('time');
    expect(asked('How many trips has Kim made abroad?')).toBe('quantity');
    expect(asked('Why did Reznikov leave?')).toBe('none');
    expect(asked('What did Kim promise Moscow?')).toBe('none');
  });
});

describe('what a candidate answer names', () => {
  it('tells people, places, groups and peoples apart among proper names', () => {
    expect(classes('North Korean dictator Kim Jong-un toured an aviation factory on Friday in Komsomolsk-na-Amur.')).toEqual(
      expect.arrayContaining(['North Korean=people', 'Kim Jong-un=person', 'North Korean dictator Kim Jong-un=person', 'aviation factory=artifact', 'Friday=time', 'Komsomolsk-na-Amur=place']),
    );
    expect(classes('In 1901, Tesla audited classes at Charles University in Prague, studying under Ernst Mach.')).toEqual(
      expect.arrayContaining(['1901=time', 'Charles University=group', 'Prague=place', 'Ernst Mach=person']),
    );
    expect(classes('Russia said its ruling United Russia party dominated the elections.')).toEqual(expect.arrayContaining(['Russia=place', 'ruling United Russia party=group']));
    // A first name before a group's or a natural object's noun is a person's name; an organisation's last word is not.
    expect(classes('Fiona Hill and Kevin Church met the Wagner Group.')).toEqual(expect.arrayContaining(['Fiona Hill=person', 'Kevin Church=person', 'Wagner Group=group']));
    // A verb names no thing.
    expect(classes('He spoke.')).toEqual(expect.arrayContaining(['spoke=unknown']));
    // A name compromise and WordNet do not know is a person's when a title comes just before it.
    expect(classes('He met the minister Alexei Ovchinnikov.')).toEqual(expect.arrayContaining(['Alexei Ovchinnikov=person']));
    expect(classes('He met the envoy Zorbakh Tulgin.')).toEqual(expect.arrayContaining(['Zorbakh Tulgin=person']));
    expect(classes('He met Zorbakh Tulgin.')).toEqual(expect.arrayContaining(['Zorbakh Tulgin=unknown']));
    // Numbers are quantities, whatever the noun after them.
    expect(classes('Putin claimed that 1,000 people sign up every day, 270,000 in all, for $2bn.')).toEqual(expect.arrayContaining(['1,000=quantity', '270,000=quantity']));
  });

  it('scores how a candidate meets the question: the same class 1, another 0, unknown 0.5, nothing asked -1', () => {
    expect(classMatch('person', 'person')).toBe(1);
    expect(classMatch('person', 'place')).toBe(0);
    expect(classMatch('person', 'people')).toBe(0);
    expect(classMatch('place', 'unknown')).toBe(0.5);
    expect(classMatch('none', 'person')).toBe(-1);
    // "Other" asked is no kind a candidate can match.
    expect(classMatch('other', 'other')).toBe(0);
  });

  it("reads compromise's lexicon, as the model file holds it, by the first class of a word's tags, and nothing for a word it lacks", () => {
    expect(['korean', 'sergei', 'minister', 'mr', 'moscow', 'ukraine', 'nato', 'zorbakh'].map((w) => lexiconClass(synonyms, w))).toEqual(['people', 'person', 'person', 'person', 'place', 'place', 'group', undefined]);
  });
});

describe('the noun classes of the synonym table', () => {
  it('are read from a third part of a word\'s line, and are 0 where the line has none, its groups unchanged', () => {
    const table = new Synonyms({ source: 'test', words: 'alpha 1,2|3|33\nbeta 2|\ngamma |4,5|5\ndelta 6|7|8|9' });
    expect(table.nounClasses('alpha')).toBe(33);
    expect(table.nounClasses('beta')).toBe(0);
    expect(table.nounClasses('gamma')).toBe(5);
    expect(table.nounClasses('epsilon')).toBe(0);
    // A section past the classes is ignored, not counted among the groups.
    expect([table.nounClasses('delta'), [...table.groups(['delta']).senses], [...table.groups(['delta']).hypernyms]]).toEqual([8, [6], [7]]);
    expect([...table.groups(['alpha']).senses]).toEqual([1, 2]);
    expect([...table.groups(['alpha']).hypernyms]).toEqual([3]);
    expect([...table.groups(['gamma']).hypernyms]).toEqual([4, 5]);
    expect([...table.groups(['beta']).senses]).toEqual([2]);
  });

  it("hold each noun's first WordNet sense's class and its three most frequent senses' as a mask", () => {
    const first = (word: string) => NOUN_CLASSES[synonyms.nounClasses(word) & 15];
    expect(['minister', 'brigade', 'russia', 'shipyard', 'newspaper', 'week', 'kilometre', 'river'].map(first)).toEqual(['person', 'group', 'place', 'artifact', 'work', 'time', 'quantity', 'object']);
    // "paper": its first sense a material (none of the classes), its next two an essay and a newspaper (works).
    const paper = synonyms.nounClasses('paper');
    expect(NOUN_CLASSES[paper & 15]).toBe('other');
    expect(paper >> 4).toBe(1 << (NOUN_CLASSES.indexOf('work') - 1));
  });
});

describe('short answers of the class asked for, in the pipeline', () => {
  it('answers a "which minister" with the minister, a "which UN expert" and a "which official" with a name', async () => {
    await buildInto(config);
    const pipeline = await openPipeline(config);
    try {
      const short = async (q: string) => (await pipeline.ask(q)).shortAnswer?.text;
      expect(await short('Which Russian minister greeted Kim when his train arrived at Khasan?')).toBe('Russian environment minister');
      expect(await short("Which UN expert said Russia's invasion has become a byword for torture?")).toBe('Alice Jill Edwards');
      expect(await short('Which North Korean official in the delegation hints at a munitions deal, according to Michael Madden?')).toBe('Jo Chun Ryong');
    } finally {
      await pipeline.close();
    }
  });
});
