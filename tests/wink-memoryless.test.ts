import { describe, expect, it } from 'vitest';
import { analyse, annotate } from '../src/reader/annotate.js';

const tokens = (text: string) => analyse(text).tokens.map((t) => t.text);

describe("the tagger's tokenizer, made memoryless", () => {
  it("splits a name's possessive the same way after meeting the name whole elsewhere", () => {
    const question = "What did Quorvath's engine do?";
    expect(tokens(question)).toEqual(['What', 'did', 'Quorvath', "'s", 'engine', 'do', '?']);
    // Before a full stop wink keeps the possessive on the name, and used to remember it so for every text after.
    expect(tokens("It was an improved version of Quorvath's.")).toContain("Quorvath's");
    expect(tokens(question)).toEqual(['What', 'did', 'Quorvath', "'s", 'engine', 'do', '?']);
  });

  it('annotates a text the same whatever was annotated before, its own repeated words included', () => {
    const text = "Varkosh's early engines were slow, and so were Elbrand's.";
    const first = annotate(text);
    for (const other of ["A version of Varkosh's.", "Varkosh's", "Elbrand's engine"]) annotate(other);
    expect(annotate(text)).toEqual(first);
    // Within one text a word met whole is kept whole again, as a fresh tagger does.
    expect(tokens("Zentrac's. Zentrac's and").filter((t) => t.startsWith('Zentrac'))).toEqual(["Zentrac's", "Zentrac's"]);
  });
});
