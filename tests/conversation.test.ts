/**
 * Follow-ups read with the conversation so far (src/conversation.ts), without Discord and without the
 * model: pronouns and ellipsis resolved from the turn they build on, earlier citations to boost, and a
 * question that stands alone left as it is.
 */
import { describe, expect, it } from 'vitest';
import { RELATED_SHARE, SHORT_ANSWER_SHOWN, type Answer } from '../src/answer.js';
import { namesIn, readFollowUp, searchedPeriod, turnOf, type Turn } from '../src/conversation.js';
import { isChatOnly } from '../src/chat-opening.js';
import { timePhrase } from '../src/time-phrases.js';

function turn(question: string, articleIds: string[] = []): Turn {
  return { question, resolved: question, names: namesIn(question), articleIds };
}

describe('reading a follow-up with its history', () => {
  it('finds people and places with compromise, keeping the longest form of a name', () => {
    const names = namesIn('When did Russian defence minister Sergei Shoigu visit Pyongyang?');
    expect(names.people).toEqual(['Sergei Shoigu']);
    expect(names.places).toEqual(['Pyongyang']);
    expect(namesIn('How did Kim Jong Un travel to Russia?').people).toEqual(['Kim Jong Un']);
  });

  it('replaces he/him with the person the earlier question named and adds its key words', () => {
    const history = [turn('How did Kim Jong Un travel to Russia?', ['a', 'b'])];
    const reading = readFollowUp(history, 'How long did that take him?');
    expect(reading.query).toMatch(/^How long did that take Kim Jong Un\?/);
    expect(reading.query).toContain('travel');
    expect(reading.query).toContain('Russia');
    expect(reading.buildsOn).toBe(history[0]);
    expect(reading.boostArticles).toEqual(['a', 'b']);
  });

  it('reads "what about X?" as the earlier question about X', () => {
    const history = [turn('What did Putin say about the talks?', ['a'])];
    const reading = readFollowUp(history, 'What about Shoigu?');
    expect(reading.query).toBe('What did Shoigu say about the talks?');
    expect(reading.buildsOn?.question).toBe('What did Putin say about the talks?');
  });

  it('resolves "they" and "there" to the people and the place named earlier', () => {
    const history = [turn('Did Putin and Kim Jong Un meet at the Vostochny cosmodrome?')];
    const names = history[0]!.names;
    const reading = readFollowUp(history, 'What did they discuss there?');
    expect(reading.query).toContain(`${names.people[0]} and ${names.people[1]}`);
    expect(reading.query).not.toMatch(/\bthey\b/);
  });

  it('builds on the latest turn that named someone, and boosts every earlier citation, latest first', () => {
    const history = [turn('When did Sergei Shoigu visit Pyongyang?', ['old']), turn('and then what?', ['new', 'old'])];
    const reading = readFollowUp(history, 'What did he say?');
    expect(reading.query).toMatch(/^What did Sergei Shoigu say\?/);
    expect(reading.buildsOn).toBe(history[0]);
    expect(reading.boostArticles).toEqual(['new', 'old']);
  });

  it('leaves a question that names its subject and points back at nothing alone, with no boost', () => {
    const history = [turn('When did Sergei Shoigu visit Pyongyang?', ['a'])];
    const reading = readFollowUp(history, 'Where did Vladimir Putin give a speech in September?');
    expect(reading).toEqual({ query: 'Where did Vladimir Putin give a speech in September?', boostArticles: [] });
    expect(readFollowUp([], 'How long did that take him?')).toEqual({ query: 'How long did that take him?', boostArticles: [] });
  });

  it('leaves a full question alone: its own pronouns, a clause "that", "we", and "and how…?" are not read as pointing back', () => {
    const history = [turn('When did Russian defence minister Sergei Shoigu visit Pyongyang?', ['a'])];
    for (const question of [
      'What did Vladimir Putin say about his trip?',
      'Did Vladimir Putin say that the talks failed?',
      'What did Kim Jong Un say about the deal that Putin signed?',
      'What do we know about Vladimir Putin and Xi Jinping?',
      'And how did Putin react?',
      'Is it true that Vladimir Putin visited Beijing?',
    ]) {
      expect(readFollowUp(history, question), question).toEqual({ query: question, boostArticles: [] });
    }
    // "And" before a question of its own is not an ellipsis: its pronoun is resolved in place.
    expect(readFollowUp(history, 'And what did he say?').query).toMatch(/^And what did Sergei Shoigu say\?/);
  });

  it('never makes garbage: existential "there", words inside other words, "$" patterns in the member\'s words', () => {
    const history = [turn('When did Russian defence minister Sergei Shoigu visit Pyongyang?', ['a'])];
    expect(readFollowUp(history, 'Was there any agreement?').query).toMatch(/^Was there any agreement\?/);
    expect(readFollowUp(history, 'Who was there?').query).toMatch(/^Who was in Pyongyang\?/);
    expect(readFollowUp(history, 'what did that cost, la mühe?').query).toMatch(/^what did that cost, la mühe\?/);
    expect(readFollowUp(history, "What about Lavrov $' and $&?").query).toBe("When did Russian defence minister Lavrov $' and $& visit Pyongyang?");
  });

  it('puts only a name in the place of an earlier name; anything else is added, and survives the question limit', () => {
    const history = [turn('When did Russian defence minister Sergei Shoigu visit Pyongyang?', ['a'])];
    expect(readFollowUp(history, 'And the talks?').query).toBe('When did Russian defence minister Sergei Shoigu visit Pyongyang: the talks?');
    // A period alone is the earlier question asked of it (the pipeline reads the phrase).
    expect(readFollowUp(history, 'and in 2022?').query).toBe('When did Russian defence minister Sergei Shoigu visit Pyongyang in 2022?');
    expect(readFollowUp(history, 'What about Lavrov?').query).toBe('When did Russian defence minister Lavrov visit Pyongyang?');
    const cut = readFollowUp(history, 'And the talks?', 40).query;
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toMatch(/: the talks\?$/);
  });

  it('takes the names of a short answer the asker was shown, not of one the reader doubted', () => {
    const answer = (sure: boolean, confidence: number): Answer => ({
      question: 'Who met Kim?', found: true, sure, confidence: 0.5, answer: '', passages: [], sources: [],
      shortAnswer: { text: 'Sergei Shoigu', articleId: 'a', start: 0, end: 13, confidence },
    });
    expect(turnOf('Who met Kim?', 'Who met Kim?', answer(true, SHORT_ANSWER_SHOWN)).names.people).toEqual(['Kim', 'Sergei Shoigu']);
    expect(turnOf('Who met Kim?', 'Who met Kim?', answer(false, 0.9)).names.people).toEqual(['Kim']);
    expect(turnOf('Who met Kim?', 'Who met Kim?', answer(true, SHORT_ANSWER_SHOWN - 0.01)).names.people).toEqual(['Kim']);
  });

  it('leans on the articles that answered, not on those quoted as related coverage', () => {
    const passage = (articleId: string, score: number) => ({ rank: 1, articleId, title: articleId, quote: 'q', text: 'q', chunk: 0, score, quoteStart: 0, quoteEnd: 1, sentenceStart: 0 });
    const answer = (scores: [string, number][]): Answer => ({
      question: 'Who met Kim?', found: true, sure: true, confidence: 0.5, answer: '', shortAnswer: null,
      passages: scores.map(([id, score]) => passage(id, score)),
      sources: [...new Set(scores.map(([id]) => id))].map((articleId) => ({ articleId, title: articleId })),
    });
    expect(turnOf('Who met Kim?', 'Who met Kim?', answer([['a', 0.8], ['b', 0.5], ['a', 0.3]])).articleIds).toEqual(['a', 'b']);
    // "c" scores under RELATED_SHARE of the first: related coverage, so a follow-up does not lean on it (nor on what follows it).
    expect(turnOf('Who met Kim?', 'Who met Kim?', answer([['a', 0.8], ['c', 0.8 * RELATED_SHARE - 0.001], ['b', 0.5]])).articleIds).toEqual(['a']);
  });
});

describe('follow-ups about the people of news, after a thanks, and over a period', () => {
  const NOW = Date.UTC(2024, 2, 15);
  const found = (period?: boolean): Answer => ({ question: '', found: true, sure: true, confidence: 0.5, answer: '', passages: [], sources: [], shortAnswer: null, ...(period ? { period: { since: '2023-09-01', until: '2023-09-30' } } : {}) });

  it('keeps a name whole where compromise tags part of it ("Kim Jong" of "Kim Jong Un", "Kim Jong-" of "Kim Jong-un")', () => {
    expect(namesIn('What did Kim Jong Un say?').people).toEqual(['Kim Jong Un']);
    expect(namesIn('What did Kim Jong-un say about Putin?').people).toEqual(['Kim Jong-un', 'Putin']);
    expect(readFollowUp([turn('What did Kim Jong Un say?')], 'and Shoigu?').query).toBe('What did Shoigu say?');
    expect(readFollowUp([turn('What did Kim Jong-un say about Putin?')], 'and Shoigu?').query).toBe('What did Shoigu say about Putin?');
    expect(readFollowUp([turn('What did Kim Jong Un say?')], 'Why did he say it?').query).toMatch(/^Why did Kim Jong Un say it\?/);
  });

  it('puts a new name in the place of a surname compromise does not know as a person (Prigozhin, Peskov, Lavrov)', () => {
    expect(readFollowUp([turn('Who is Prigozhin?')], 'and Putin?').query).toBe('Who is Putin?');
    expect(readFollowUp([turn('What did Peskov say about the crash?')], 'What about Kim?').query).toBe('What did Kim say about the crash?');
    expect(readFollowUp([turn('What did Lavrov say about the talks?')], 'and Shoigu?').query).toBe('What did Shoigu say about the talks?');
  });

  it('reads "what about X?" after a thanks or an "ok", and "him" beside another person as the earlier one', () => {
    for (const q of ['Thanks! What about Putin?', 'ok and Putin?', 'thanks, and Putin?']) {
      expect(readFollowUp([turn('What did Kim say about the talks?')], q).query, q).toBe('What did Putin say about the talks?');
    }
    expect(readFollowUp([turn('Who is Yevgeny Prigozhin?')], 'What did Putin say about him?').query).toMatch(/^What did Putin say about Yevgeny Prigozhin\?/);
    expect(readFollowUp([turn('When did Sergei Shoigu visit Pyongyang?')], 'Why did Kim invite him?').query).toMatch(/^Why did Kim invite Sergei Shoigu\?/);
    // "his" beside a name is that person's; two people named leave "him" to them.
    expect(readFollowUp([turn('Who is Yevgeny Prigozhin?')], 'What did Putin say about his trip?').buildsOn).toBeUndefined();
    expect(readFollowUp([turn('Who is Yevgeny Prigozhin?')], 'Did Putin tell Kim Jong Un about him?').buildsOn).toBeUndefined();
  });

  it.each(['thanks 👍', 'thank you 🙏', 'thanks :)', 'thanks 😊', 'ok 👍🏽', 'cheers <3'])('takes %j for chat, not a question', (text) => {
    expect(isChatOnly(text)).toBe(true);
  });

  it('keeps a turn without its time phrase, with the period it searched; a period alone asks the earlier question of it', () => {
    const asked = 'What did Kim say in September 2023?';
    const period = searchedPeriod(asked, found(true), undefined, NOW);
    expect(period).toMatchObject({ since: Date.UTC(2023, 8, 1), phrase: 'September 2023' });
    // Over coverage with no dates the pipeline set no period, and neither does the turn; a given one is kept.
    expect(searchedPeriod(asked, found(false), undefined, NOW)).toBeUndefined();
    // A period in which nothing was published is not carried on.
    expect(searchedPeriod(asked, { ...found(true), period: { since: '2023-09-01', until: '2023-09-30', empty: true } }, { since: Date.UTC(2023, 8, 1), strict: true }, NOW)).toBeUndefined();
    const given = { since: Date.UTC(2023, 0, 1), strict: true };
    expect(searchedPeriod('What did Kim say?', found(true), given, NOW)).toBe(given);
    const first = turnOf(asked, asked, found(true), period);
    expect(first).toMatchObject({ resolved: 'What did Kim say?', period });
    expect(readFollowUp([first], 'And in 2022?').query).toBe('What did Kim say in 2022?');
    expect(readFollowUp([first], 'what about last week?').query).toBe('What did Kim say last week?');
    expect(timePhrase(readFollowUp([first], 'and since 2022?').query, NOW)?.since).toBe(Date.UTC(2022, 0, 1));
    // The month is the turn's period, not a word to search.
    expect(readFollowUp([first], 'Why did he go?').query).not.toMatch(/September|2023/);
    // A year alone is a period too: "and 2022?" is the earlier question asked of 2022.
    expect(readFollowUp([first], 'and 2022?').query).toBe('What did Kim say in 2022?');
    expect(readFollowUp([first], 'what about 2022?').query).toBe('What did Kim say in 2022?');
  });

  it('keeps what a question names itself: "him" beside two names, a name inside a word, a place before a person', () => {
    const kim = [turn('What did Kim Jong Un say about the talks?')];
    // Prigozhin and Erdogan are names compromise files among others: with Putin, two people, and "him" is theirs.
    expect(readFollowUp(kim, 'What did Prigozhin say before Putin had him killed?').query).toBe('What did Prigozhin say before Putin had him killed?');
    expect(readFollowUp(kim, 'Did Putin invite Erdogan to visit him?').query).toBe('Did Putin invite Erdogan to visit him?');
    // A name of one word takes no capitalised words after it ("Kim North Korea" is two names).
    expect(namesIn("Is Kim North Korea's leader?").people).not.toContain('Kim North Korea');
    expect(readFollowUp([turn("Is Kim North Korea's leader?")], 'What about Putin?').query).not.toBe("Is Putin's leader?");
    // "Kim" is no name inside "Kimchi".
    expect(namesIn('What is Kimchi and did Kim like it?').people.join()).not.toMatch(/Kimchi/);
    // A place after a preposition is left for the person asked about.
    expect(readFollowUp([turn('In Xinjiang, what did Xi say?')], 'and Putin?').query).not.toMatch(/^In Putin/);
    // One person beside a place or a thing ("the Vostochny Cosmodrome", "in Sochi", "the Kremlin", "a Russian rifle"):
    // "him" is the earlier person still.
    const who = [turn('Who is Kim Jong Un?')];
    for (const q of ['Did Putin take him to the Vostochny Cosmodrome?', 'What did Putin say in Sochi about him?', 'Did the Kremlin let Putin pardon him?', 'Did Putin give him a Russian rifle?']) {
      expect(readFollowUp(who, q).query, q).toMatch(/Kim Jong Un/);
    }
    // A person after "to", "of" or "from" is still one to replace; "the Kremlin" is not.
    expect(readFollowUp([turn('What happened to Prigozhin?')], 'what about Utkin?').query).toBe('What happened to Utkin?');
    expect(readFollowUp([turn('What did the Kremlin say about Prigozhin?')], 'what about Utkin?').query).toBe('What did the Kremlin say about Utkin?');
    // A month or quarter with its year is a period, not a name: "What did Kim say in September 2022?".
    expect(readFollowUp([turn('What did Kim say?')], 'what about September 2022?').query).toBe('What did Kim say in September 2022?');
    expect(readFollowUp([turn('What did Kim say?')], 'what about Q3 2023?').query).toBe('What did Kim say in Q3 2023?');
    // Emoji between chat and the follow-up.
    expect(readFollowUp([turn('What did Kim say about the talks?')], 'ok 👍 what about Putin?').query).toBe('What did Putin say about the talks?');
    expect(isChatOnly('thanks 🇺🇦')).toBe(true);
  });
});
