import { describe, expect, it } from 'vitest';
import { analyse } from '../src/reader/annotate.js';
import { wordStem } from '../src/reader/context.js';
import { definitionSubject, DESCRIPTION_CONFIDENCE } from '../src/reader/definition.js';
import { descriptionIn } from '../src/reader/description.js';
import { openPipeline } from '../src/pipeline.js';
import { buildInto, testConfig } from './helpers.js';

/** The description a sentence gives of what a question asks about, as text ('' for none). */
function described(question: string, sentence: string): string {
  const subject = definitionSubject(question);
  if (!subject) throw new Error(`"${question}" is not read as asking what someone or something is`);
  const annotated = analyse(sentence);
  const found = descriptionIn({ annotated, stems: annotated.tokens.map((t) => wordStem(t.text)) }, subject);
  return found ? sentence.slice(annotated.tokens[found.first]!.start, annotated.tokens[found.last]!.end) : '';
}

describe('questions asking what someone or something is', () => {
  it.each([
    ['who is peskov', ['peskov'], true],
    ["Who's Sasha Baker?", ['sasha', 'baker'], true],
    ['whos kyrylo budanov again', ['kyrylo', 'budanov'], true],
    ['whats the wagner group', ['wagner', 'group'], false],
    ['who is peskov btw', ['peskov'], true],
    ['who peskov is', ['peskov'], true], // "can you tell me who peskov is", its opening taken out
    ['who is "peskov"?', ['peskov'], true],
    ['What are the Boyko Towers?', ['boyko', 'tower'], false],
  ])('"%s" asks about %j', (question, terms, who) => {
    expect(definitionSubject(question)).toEqual({ terms: terms.map((t) => wordStem(t)), who });
  });

  it.each([
    'Who is the UN\'s torture rapporteur?', // a role: its answer is a name
    "who is kim's wife",
    'Who was NASA\'s administrator?',
    'What is the population of Vladivostok?', // an attribute of something
    'Who is VideoGuard owned by?',
    'What was passed in 1805?',
    'Who travelled with Kim on the trip?',
    'where is peskov',
  ])('"%s" is another kind of question', (question) => {
    expect(definitionSubject(question)).toBeNull();
  });

  it.each([
    // Apposition after the name, the whole of it (hyphens and nouns joined by "and" inside).
    ['Who is Sasha Baker?', 'Sasha Baker, the US acting undersecretary of defence for policy, said Washington would act.', 'the US acting undersecretary of defence for policy'],
    ['What was Telenet?', 'Telenet was the first FCC-licensed public data network in the United States.', 'the first FCC-licensed public data network in the United States'],
    ['What is European Union law?', 'European Union law is a body of treaties and legislation, such as Regulations.', 'a body of treaties and legislation'],
    // A title before a person's name, the name found whole from a part of it.
    ['who is peskov', '“It will be a full-fledged visit,” Kremlin spokesman Dmitry Peskov said.', 'Kremlin spokesman'],
    ['who was prigozhin', 'Wagner mercenary group chief Yevgeny Prigozhin, who was killed last week, held a similar belief.', 'Wagner mercenary group chief'],
    // An apposition before the name.
    ['Who was Thomas Commerford Martin?', 'In 1888, the editor of Electrical World magazine, Thomas Commerford Martin (a friend), arranged a demonstration.', 'the editor of Electrical World magazine'],
    // A named thing's own words.
    ['whats the wagner group', 'Wagner mercenary group chief Yevgeny Prigozhin held a similar belief.', 'Wagner mercenary group'],
    // A title after a time, a name with lower-case words inside it.
    ['who is peskov', 'On Monday Kremlin spokesman Peskov said the talks would go on.', 'Kremlin spokesman'],
    ['who is lula da silva', 'Brazilian president Luiz Inácio Lula da Silva said Putin would be welcome.', 'Brazilian president'],
  ])('"%s" is answered in "%s" by its description', (question, sentence, description) => {
    expect(described(question, sentence)).toBe(description);
  });

  it.each([
    ['who is peskov', 'Mr Peskov said Russia’s national interests would dictate its policies.'], // "Mr" is no title
    ['Who is Sasha Baker?', 'Sasha Baker, who was in Seoul, said Washington would act.'], // a clause, not a description
    ['who was prigozhin', 'Prigozhin was killed when his jet crashed.'],
    ['who is putin', 'Kim met Putin, Lavrov and Shoigu on Wednesday.'], // a list of names
    ['who is kim', 'Russia said Kim’s wife did not travel.'],
    // Plural nouns before a name are no title; a time before a name set off by a comma is no apposition.
    ['who is putin', 'Kim arrived amid concerns Putin is seeking arms.'],
    ['who is peskov', 'The Kremlin denied reports Peskov had been sacked.'],
    ['who is peskov', 'The next day, Peskov told reporters the talks were over.'],
    // "was" then no article, an amount, a ranking word: no description.
    ['who is peskov', 'Peskov was due to speak on Monday.'],
    ['what is the vostochny cosmodrome', 'He might meet Mr Putin at the Vostochny cosmodrome, more than 1,500km to the north of Vladivostok.'],
    ['who is kim', 'The summit with Kim, the first since 2019, ended on Wednesday.'],
    // The words asked are a title before a name: the question asks for the name.
    ['who is south korean president', 'South Korean President Yoon Suk-yeol, a former prosecutor, warned Russia.'],
  ])('"%s" finds no description in "%s"', (question, sentence) => {
    expect(described(question, sentence)).toBe('');
  });
});

describe('the pipeline on such a question', async () => {
  const config = testConfig();
  await buildInto(config);
  const pipeline = await openPipeline(config);

  it('quotes first the sentence that describes the one asked about, and gives the description as the short answer', async () => {
    // The span model alone answered "Russia", from a sentence that names Peskov without saying who he is.
    const peskov = await pipeline.ask('who is peskov');
    expect(peskov.shortAnswer).toMatchObject({ text: 'Kremlin spokesman', confidence: DESCRIPTION_CONFIDENCE });
    expect(peskov.passages[0]!.quote).toContain('Kremlin spokesman Dmitry Peskov said');
    const article = pipeline.index.snapshot!.articles.get(peskov.shortAnswer!.articleId)!;
    expect(article.text.slice(peskov.shortAnswer!.start, peskov.shortAnswer!.end)).toBe('Kremlin spokesman');

    const baker = await pipeline.ask('Who is Sasha Baker?');
    expect(baker.shortAnswer?.text).toBe('the US acting undersecretary of defence for policy');
    expect(baker.passages[0]!.quote).toContain('Sasha Baker, the US acting undersecretary');
  });

  it('gives no short answer that does not describe the person asked about', async () => {
    // The coverage writes "Brig Gen Oleksandr Tarnavskiy", no title in lower case: the span model answered with the name itself.
    const general = await pipeline.ask('who is tarnavskiy');
    expect(general.found).toBe(true);
    expect(general.shortAnswer?.text ?? '').not.toMatch(/Tarnavskiy/);
    // "In an article for the Guardian, Oleksii Reznikov says …": the span model answered "Guardian".
    const minister = await pipeline.ask('who is oleksii reznikov');
    expect(minister.found).toBe(true);
    expect(minister.shortAnswer).toBeNull();
    // A question whose words are a title before a name asks for the name, and keeps the span model's answer.
    expect((await pipeline.ask('who is south korean president')).shortAnswer?.text).toBe('Yoon Suk-yeol');
  });

  it('gives "what is X?" no short answer that does not describe X: a description, or none', async () => {
    // The span model answered "1,500km" and "Hamburg shipyard" (Graceful is the superyacht the shipyard refitted).
    for (const question of ['what is vostochny cosmodrome', 'what is graceful']) {
      const answer = await pipeline.ask(question);
      expect(answer.found, question).toBe(true);
      if (answer.shortAnswer) expect(answer.shortAnswer.confidence, `${question}: ${answer.shortAnswer.text}`).toBe(DESCRIPTION_CONFIDENCE);
    }
    // A name with a lower-case particle is one name ("Luiz Inácio Lula da Silva"), and "Inácio" holds no relation word "in".
    expect((await pipeline.ask('who is Luiz Inácio Lula da Silva')).shortAnswer).toMatchObject({ text: 'The Brazilian president', confidence: DESCRIPTION_CONFIDENCE });
    const lula = await pipeline.ask('who is Luiz Inácio Lula');
    expect(lula.found).toBe(true);
    expect(lula.shortAnswer?.text ?? '').not.toMatch(/^(Silva|Vladimir Putin|Putin)$/);
  });
});
