import { describe, expect, it } from 'vitest';
import { analyse } from '../src/reader/annotate.js';
import { candidates } from '../src/reader/candidates.js';
import { wordStem } from '../src/reader/context.js';
import { analyseQuestion } from '../src/reader/question.js';
import { samePlace } from '../src/reader/demonyms.js';
import { ROLE_CONFIDENCE, roleAsked, roleMentions } from '../src/reader/role.js';
import { openPipeline } from '../src/pipeline.js';
import { buildInto, testConfig } from './helpers.js';

/** The role a question asks who holds, as its terms; null when it asks something else. */
const asked = (question: string) => roleAsked(analyseQuestion(question));

/** Each person a sentence gives the role asked about, with how that role fits ("holds", "other", "unclear"). */
function mentions(question: string, sentence: string): [string, string][] {
  const role = asked(question);
  if (!role) throw new Error(`"${question}" is not read as asking who holds a role`);
  const annotated = analyse(sentence);
  const view = { annotated, stems: annotated.tokens.map((t) => wordStem(t.text)), candidates: candidates(annotated) };
  return roleMentions(role, view).map((m) => [m.name ? sentence.slice(annotated.tokens[m.name.first]!.start, annotated.tokens[m.name.last]!.end) : '', m.fit]);
}

describe('places and their peoples', () => {
  it.each([
    ['russia', 'Russian'],
    ['koreas', 'Korean'], // chat's possessive, no apostrophe
    ["Ukraine's", 'Ukrainian'],
    ['iraq', 'Iraqi'],
    ['iran', 'Iranian'],
    ['japan', 'Japanese'],
    ['italy', 'Italian'],
    ['britain', 'British'],
    ['spain', 'Spanish'],
    ['netherlands', 'Dutch'],
    ['germanys', 'German'],
    ['us', 'American'],
    ['Kremlin', 'kremlin'],
  ])('%s and %s are one place', (a, b) => {
    expect(samePlace(a, b)).toBe(true);
    expect(samePlace(b, a)).toBe(true);
  });

  it.each([
    ['austria', 'Australian'],
    ['iran', 'Iraqi'],
    ['north', 'South'],
    ['interior', 'international'],
    ['sudan', 'Spanish'],
  ])('%s and %s are not', (a, b) => {
    expect(samePlace(a, b)).toBe(false);
  });
});

describe('questions asking who holds a role', () => {
  it.each([
    ['who is north koreas defence minister', ['north', 'koreas', 'defence', 'minister']],
    ['Who is the Ukrainian defence minister?', ['ukrainian', 'defence', 'minister']],
    ["whos the kremlin's spokesman", ['kremlin', 'spokesman']],
    ["What's the name of the Russian environment minister?", ['russian', 'environment', 'minister']],
    // The place after "of" is part of the role; "current" and an ordinal are not written in titles.
    ['who is the leader of north korea', ['leader', 'north', 'korea']],
    ['Who is the current Premier of Victoria?', ['premier', 'victoria']],
    ['Who is the south korean deputy foreign minister?', ['south', 'korean', 'deputy', 'foreign', 'minister']],
  ])('"%s" asks for the holder of %j', (question, words) => {
    expect(asked(question)?.words).toEqual(words);
  });

  it.each([
    'Who met the defence minister?', // the role is not what is asked
    'Who was made Governor of Samarqand?', // a verb before the role
    'who is peskov',
    'What did Brazil’s foreign minister say?',
    'How many ministers travelled with Kim?',
    // The question goes on after the role: it asks more than who holds it.
    'which minister said troops had retaken territory near bakhmut',
    'Which Russian minister greeted Kim when his train arrived at Khasan?',
    "What's the name of the Russian environment minister who met Kim?",
    'who is president putin', // a title before a name: who Putin is (definition.ts)
    "who is the president's wife",
    'who is the head coach',
    // Too vague to read titles by: the role's noun alone, or with an ordinal.
    'who is the president',
    'Who was the 5th president?',
  ])('"%s" is another kind of question', (question) => {
    expect(asked(question)).toBeNull();
  });

  it.each([
    // A title before the name, lower or upper case, hyphenated names whole.
    ['who is russias defence minister', 'Russian defence minister Sergei Shoigu visited North Korea in July.', [['Sergei Shoigu', 'holds']]],
    ['who is russias defence minister', 'Mr Kim gave a tour to Russian Defence Minister Sergei Shoigu when he visited.', [['Sergei Shoigu', 'holds']]],
    ['who is south korean president', 'South Korean President Yoon Suk-yeol’s office said many countries were watching.', [['Yoon Suk-yeol', 'holds']]],
    // An apposition before or after the name.
    ['who is ukraines foreign minister', 'Earlier on Monday, Ukraine’s foreign minister, Dmytro Kuleba, had urged Berlin to act.', [['Dmytro Kuleba', 'holds']]],
    ['who is ukraines foreign minister', 'Dmytro Kuleba, Ukraine’s foreign minister, urged Berlin to act.', [['Dmytro Kuleba', 'holds']]],
    // Another place, or another rank: another role.
    ['who is north koreas defence minister', 'Russian defence minister Sergei Shoigu visited North Korea in July.', [['Sergei Shoigu', 'other']]],
    ['who is north koreas foreign minister', 'In Seoul, South Korean deputy foreign minister Chang Ho-jin said they agreed.', [['Chang Ho-jin', 'other']]],
    ['who is ukraines defence minister', 'Deputy defence minister Hanna Maliar said Ukraine had retaken land.', [['Hanna Maliar', 'other']]],
    ['who is the south korean deputy foreign minister', 'In Seoul, South Korean deputy foreign minister Chang Ho-jin said they agreed.', [['Chang Ho-jin', 'holds']]],
    // No place written: it may be the role asked, or not.
    ['who is germanys foreign minister', 'Zelenskiy spoke after meeting the country’s foreign minister, Annalena Baerbock.', [['Annalena Baerbock', 'unclear']]],
    // The role written with no name beside it.
    ["What's the name of the Russian environment minister?", 'Kim was filmed meeting the Russian environment minister at Khasan.', [['', 'holds']]],
    // A time before the title is no place; a clause is no apposition.
    ['who is russias defence minister', 'On Monday defence minister Sergei Shoigu said the talks went well.', [['Sergei Shoigu', 'unclear']]],
    ['who is russias defence minister', 'After meeting the Russian defence minister, Kim Jong Un flew home.', [['', 'holds']]],
    ['who is russias defence minister', 'In Moscow, the Russian defence minister said the talks went well.', [['', 'holds']]],
    // Places and their peoples, regular or not; neighbours apart.
    ['who is britains defence secretary', 'British defence secretary Ben Wallace visited Kyiv.', [['Ben Wallace', 'holds']]],
    ['who is spains prime minister', 'Spanish prime minister Pedro Sanchez spoke first.', [['Pedro Sanchez', 'holds']]],
    ['who is austrias foreign minister', 'Australian foreign minister Penny Wong spoke first.', [['Penny Wong', 'other']]],
    ['who is guineas president', 'Equatorial Guinea’s president Teodoro Obiang spoke first.', [['Teodoro Obiang', 'unclear']]],
    // A title runs across a hyphen the tagger splits off (U+2010): a vice‐minister is another rank.
    ['who is the north korean foreign minister', 'North Korean vice‐foreign minister Pak Myong Ho spoke.', [['Pak Myong Ho', 'other']]],
    // The role's noun as written, not a verb of the same stem.
    ['who is the ukrainian president', 'Volodymyr Zelenskiy presided over a meeting in Kyiv.', []],
  ])('"%s": in "%s" the role is given to %j', (question, sentence, expected) => {
    expect(mentions(question, sentence)).toEqual(expected);
  });
});

describe('the pipeline on such a question', async () => {
  const config = testConfig();
  await buildInto(config);
  const pipeline = await openPipeline(config);

  it('answers with the person the coverage gives the role asked, quoting that sentence first', async () => {
    // The span model alone answered Ukraine's deputy defence minister, from the sentence it ranked first.
    const shoigu = await pipeline.ask('who is russias defence minister');
    expect(shoigu.found).toBe(true);
    expect(shoigu.shortAnswer).toMatchObject({ text: 'Sergei Shoigu', confidence: ROLE_CONFIDENCE });
    expect(shoigu.passages[0]!.quote).toMatch(/Russian [Dd]efence [Mm]inister Sergei Shoigu/);
    expect((await pipeline.ask('who is ukraines foreign minister')).shortAnswer?.text).toBe('Dmytro Kuleba');
    expect((await pipeline.ask('who is south korean president')).shortAnswer?.text).toBe('Yoon Suk-yeol');
  });

  it('leaves other questions to the models', async () => {
    // Answered before the rule as now: a question asking more than who holds the role, or who a named person is.
    const maliar = await pipeline.ask('which minister said troops had retaken territory near bakhmut');
    expect(maliar.found).toBe(true);
    expect(maliar.passages[0]!.quote).toContain('Hanna Maliar');
    expect((await pipeline.ask('who is president putin')).shortAnswer?.confidence).not.toBe(ROLE_CONFIDENCE);
  });

  it('says the coverage does not say when its best sentence gives the role to someone else', async () => {
    // "Russian defence minister Sergei Shoigu visited North Korea …" was answered "Sergei Shoigu" in bold.
    for (const question of ['who is north koreas defence minister', 'who is north koreas foreign minister']) {
      const answer = await pipeline.ask(question);
      expect(answer.found, question).toBe(false);
      expect(answer.shortAnswer, question).toBeNull();
    }
  });

  it('says the coverage does not say when its best sentence writes the role as an unnamed possessor', async () => {
    // "Comments were at odds with Brazil foreign minister’s statement that Putin could face ‘issues’ …" was answered
    // "Putin" in bold, sure.
    for (const question of ["Who is Brazil's foreign minister?", 'who is brazils foreign minister']) {
      const answer = await pipeline.ask(question);
      expect(answer.found, question).toBe(false);
      expect(answer.shortAnswer, question).toBeNull();
    }
    // A role with its holder named is still answered.
    expect((await pipeline.ask('who is ukraines foreign minister')).shortAnswer?.text).toBe('Dmytro Kuleba');
  });
});
