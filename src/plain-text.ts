/**
 * Text from outside made plain, once, where it comes in (an article's fields as they are read, a question as
 * it is asked): terminal escape sequences removed (strip-ansi), then every control character but tab and
 * newline (C0, DEL, C1) and the bidirectional overrides that make text read otherwise than it is, the invisible
 * characters that split a word without showing (a web page's soft hyphens, `&shy;`: "Pri\u00ADgozhin" was no
 * "Prigozhin" to search), and the rest in Unicode's composed form (NFC), so that "café" typed with a combining accent
 * finds "café" written with the accented letter. What is stored, searched, quoted and shown is this text: quotes stay
 * exact substrings.
 */
import stripAnsi from 'strip-ansi';

/** C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides and isolates. */
export const CONTROL_KEEPING_NEWLINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
/** The same, newlines included. */
export const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Characters that never show but split a word: soft hyphen, zero-width space, word joiner, byte order mark. (The
 * zero-width joiner and non-joiner stay: emoji sequences and scripts need them; so does the Mongolian vowel
 * separator, which changes how letters are drawn. The zero-width space marks word breaks in Thai, Khmer and Burmese,
 * which the English-only pipeline does not read.)
 */
export const INVISIBLE = /[\u00AD\u200B\u2060\uFEFF]/g;

/**
 * A surrogate without its pair (a JSON escape "\\ude00", a title cut inside an emoji): U+FFFD, one code unit as it
 * was, as a UTF-8 store would read it back (as three), which moved every later offset of the article.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function plainText(text: string): string {
  // A vertical tab or form feed (Word's soft line break, a page break) is a break between words, not nothing.
  return stripAnsi(text).replace(/\r\n?/g, '\n').replace(/[\v\f]/g, ' ').replace(CONTROL_KEEPING_NEWLINES, '').replace(INVISIBLE, '').replace(LONE_SURROGATE, '\uFFFD').normalize('NFC');
}
