/**
 * What a chat question opens or closes with that asks nothing: "hey", "so", "quick question:", "can you tell
 * me", "do you know", "please", "thanks". Taken out before the question is searched and read, as a time
 * phrase is: its words are in no article, so they only lowered the reader's measure of how much of the
 * question a sentence covers (casual questions were refused more often than the same questions well typed).
 */

const OPENING = new RegExp(
  '^(?:' +
    [
      'hey(?: there)?', 'hi', 'hello', 'yo', 'ok(?:ay)?', 'so', 'um+', 'uh+', 'well', 'please', 'pls', 'btw', 'anyway',
      'quick question', 'just (?:curious|wondering)', 'i (?:was )?wonder(?:ing)?(?: if)?',
      "i(?:['’]d| would) like to know", 'i (?:want|wanna) to know', 'i wanna know',
      '(?:do|does) (?:you|anyone|any ?body) know', '(?:can|could|would) (?:you|u) (?:please )?tell me', 'tell me',
      'any idea', 'remind me',
    ].join('|') +
    ")(?![\\p{L}\\p{N}'’-])[\\s,:;.!]*",
  'iu',
);
const CLOSING = /[\s,;]+(?:please|pls|thanks|thank you|thx)[\s.!]*(?=[?]*$)/iu;
/** Contractions typed without their apostrophe ("whos kims wife"), read whole: "who is kims wife". */
export const withContractionsWhole = (text: string) => text.replace(/\b(who|what|where|when|why|how)s\b/giu, '$1 is');

/**
 * The question without its chat opening and closing, its apostrophe-less contractions read whole; unchanged
 * when less than two words would be left.
 */
export function withoutChatOpening(question: string): string {
  let text = question.trim();
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(OPENING, '');
  }
  text = withContractionsWhole(text.replace(CLOSING, ''));
  return /[\p{L}\p{N}]{2,}/u.test(text) && text.split(/\s+/).length >= 2 ? text : question.trim();
}
