/**
 * What a chat question opens or closes with that asks nothing: "hey", "so", "quick question:", "can you tell
 * me", "do you know", "please", "thanks". Taken out before the question is searched and read, as a time
 * phrase is: its words are in no article, so they only lowered the reader's measure of how much of the
 * question a sentence covers (casual questions were refused more often than the same questions well typed).
 */

/** Openings that are chat alone (a greeting, a filler), as opposed to those that lead into a question ("tell me"). */
const GREETINGS = ['(?:hey|hi|hello)(?: (?:there|again|bot))?', 'yo', 'ok(?:ay)?', 'so(?! far\\b)', 'um+', 'uh+', 'well', 'please', 'pls', 'btw', 'anyway'];
/** Thanks opening a further question ("thanks! also, who is …"): not "thanks to the sanctions, …". */
const THANKS = ['thanks?(?! to\\b)(?: (?:a lot|so much|again))?', 'thank (?:you|u)', 'thx', 'also'];
const OPENING = new RegExp(
  '^(?:' +
    [
      ...GREETINGS,
      ...THANKS,
      'quick question', 'just (?:curious|wondering)', 'i (?:was )?wonder(?:ing)?(?: if)?',
      "i(?:['’]d| would) like to know", 'i (?:want|wanna) to know', 'i wanna know',
      '(?:do|does) (?:you|anyone|any ?body) know', '(?:can|could|would) (?:you|u) (?:please )?tell me', 'tell me',
      'any idea', 'remind me',
    ].join('|') +
    ")(?![\\p{L}\\p{N}'’-])[\\s,:;.!]*",
  'iu',
);
/** A closing courtesy ("… please", "… thanks"); not "ty" or "cheers", which end names ("Who is Ty?"). */
const COURTESY = /^(?:please|pls|thanks|thank you|thx)$/i;
/**
 * Chat's laughter and asides closing a question ("… last lol", "… again tbh", "… btw"), typed in lower case or capitals; not
 * a name ("Who is Haha?") nor an object ("What is LOL?"): never after a word that needs one.
 */
const ASIDE = /^(?:lol|lmao|haha|tbh|btw)$/i;
/** Laughter opening a question ("lol who is peskov"), typed in lower case or capitals: not a name ("Lol Tolhurst"). */
const LAUGH_OPENING = /^(?:lol|lmao|haha|LOL|LMAO|HAHA)(?![\p{L}\p{N}'’-])[\s,:;.!?]*/u;
const NEEDS_MORE = /\b(?:is|are|was|were|be|been|am|of|the|a|an|about|by|for|to|in|on|at|with|from|called|named|band|group|film|show|song|album|book|word)$/i;
/** The question's last word, after a space or comma, and what follows it: its punctuation to the end. */
const LAST_WORD = /[\s,;]+((?:thank you)|[\p{L}]+)[\s.!]*([?!]*)\s*$/iu;

/** The question without the courtesies and asides it closes with, its closing "?" kept. */
function withoutClosing(question: string): string {
  let text = question;
  for (let m = LAST_WORD.exec(text); m; m = LAST_WORD.exec(text)) {
    const word = m[1]!;
    const rest = text.slice(0, m.index);
    const aside = ASIDE.test(word) && (word === word.toLowerCase() || word === word.toUpperCase()) && !NEEDS_MORE.test(rest);
    if (!COURTESY.test(word) && !aside) break;
    text = rest + m[2]!;
  }
  return text;
}
/** What may stand between chat words: punctuation, emoji ("thanks 👍", "thank you 🙏") and smileys ("thanks :)", ":D", "<3"). */
const CHAT_GAP = "(?:[\\s,:;.!?()]|\\p{Extended_Pictographic}|\\p{Emoji_Modifier}|\\p{Regional_Indicator}|\\u200d|\\ufe0f|<3|[:;=]-?[DPp](?![\\p{L}\\p{N}]))*";
/**
 * A message of greetings and what one says back with no question in it (thanks, an acknowledgement, a
 * goodbye), and nothing else.
 */
const CHAT_ONLY = new RegExp(
  `^${CHAT_GAP}(?:(?:` +
    [
      ...GREETINGS,
      'thanks?(?: (?:a lot|so much|again|mate))?', 'thank (?:you|u)(?: (?:so much|very much|again))?', 'thx', 'ty', 'tysm', 'cheers', 'ta',
      'k', 'kk', 'cool', 'great', 'perfect', 'awesome', 'got it', 'makes sense', 'good bot', 'bye', 'see ya', 'lol', 'haha',
    ].join('|') +
    `)(?![\\p{L}\\p{N}'’-])${CHAT_GAP})*$`,
  'iu',
);

/**
 * Whether a message is chat alone, with no question in it: "hey", "thanks!", "ok cool", "hey thanks",
 * "please". Such a message is not searched (there is nothing to find) but answered with a line saying so.
 */
export function isChatOnly(question: string): boolean {
  // Whole words only: an opening that leads into a question ("do you know Ty?") is not stripped first.
  return /[\p{L}\p{N}]/u.test(question) && CHAT_ONLY.test(question.trim());
}

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
    text = text.replace(OPENING, '').replace(LAUGH_OPENING, '');
  }
  text = withContractionsWhole(withoutClosing(text));
  return /[\p{L}\p{N}]{2,}/u.test(text) && text.split(/\s+/).length >= 2 ? text : question.trim();
}
