import { describe, expect, it } from 'vitest';
import { questionFrame, verbOffset, verbPositions } from '../src/reader/alignment.js';
import { analyse } from '../src/reader/annotate.js';
import { candidates } from '../src/reader/candidates.js';
import { analyseQuestion } from '../src/reader/question.js';

const frame = (q: string) => questionFrame(analyseQuestion(q));

/** The offset and passive mark of the candidate of a sentence whose text is `answer`. */
function offsetOf(sentence: string, answer: string, question: string) {
  const annotated = analyse(sentence);
  const candidate = candidates(annotated).find((c) => sentence.slice(annotated.tokens[c.first]!.start, annotated.tokens[c.last]!.end) === answer);
  if (!candidate) throw new Error(`no candidate "${answer}"`);
  return verbOffset({ annotated }, candidate, verbPositions({ annotated }, frame(question)));
}

describe("a question's frame", () => {
  it('asks for the subject when a verb follows the question phrase, and reads its verb', () => {
    expect(frame('Who invited Kim to Russia?')).toEqual({ subject: 1, verb: 'invite' });
    expect(frame('Which Russian minister greeted Kim when his train arrived?')).toEqual({ subject: 1, verb: 'greet' });
    expect(frame('How many people signed voluntary contracts?')).toEqual({ subject: 1, verb: 'sign' });
    expect(frame('Which of the ministers resigned?')).toEqual({ subject: 1, verb: 'resign' });
  });

  it('asks for something else when an auxiliary follows, its verb after the subject, even one tagged as a noun', () => {
    expect(frame('When was the statue unveiled?')).toEqual({ subject: 0, verb: 'unveil' });
    expect(frame('What did Putin offer the Wagner commanders?')).toEqual({ subject: 0, verb: 'offer' });
    expect(frame('Which university did Tesla audit in 1880?')).toEqual({ subject: 0, verb: 'audit' });
    expect(frame('What is the capital of France?')).toEqual({ subject: 0 });
  });

  it('has no frame without a question word or a word after its phrase', () => {
    expect(frame('Prigozhin funeral')).toEqual({ subject: -1 });
    expect(frame('Which minister?')).toEqual({ subject: -1 });
  });
});

describe("where a candidate stands against the question's verb", () => {
  it('counts tokens before the verb as negative, after it as positive, and marks a passive "by"', () => {
    const active = 'Putin invited Kim to visit Moscow next year.';
    expect(offsetOf(active, 'Putin', 'Who invited Kim to Russia?')).toEqual({ offset: -1, passive: 0 });
    expect(offsetOf(active, 'Kim', 'Who invited Kim to Russia?')).toEqual({ offset: 1, passive: 0 });
    const passive = 'Kim was greeted by the Russian environment minister at Khasan.';
    expect(offsetOf(passive, 'Russian environment minister', 'Which Russian minister greeted Kim?')).toEqual({ offset: 3, passive: 1 });
  });

  it('is 50 when the sentence lacks the verb or the question has none, and at most 20 either way', () => {
    expect(offsetOf('Kim arrived in Vladivostok on Tuesday.', 'Vladivostok', 'Who invited Kim to Russia?').offset).toBe(50);
    expect(offsetOf('Kim arrived in Vladivostok on Tuesday.', 'Vladivostok', 'Why?').offset).toBe(50);
    const long = `Putin invited the leader of the country that lies to the east of the peninsula across the sea from the islands of the far north, Kim.`;
    expect(offsetOf(long, 'Kim', 'Who invited Kim?').offset).toBe(20);
    // A verb 50 tokens or more away is still found.
    const longer = `Putin invited, ${'after a very long and winding preamble, '.repeat(8)}Kim.`;
    expect(offsetOf(longer, 'Kim', 'Who invited Kim?').offset).toBe(20);
  });
});
