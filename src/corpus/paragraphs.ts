/** Helpers shared by the format parsers: paragraphs in, readable article text out. */

/** Collapses runs of white space (newlines and tabs included) to single spaces. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Splits text on blank lines into trimmed, whitespace-collapsed, non-empty paragraphs. */
export function splitParagraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map(collapseWhitespace)
    .filter((paragraph) => paragraph.length > 0);
}

/**
 * A plain-text file's paragraphs: split on blank lines; a file with none (an export writing a paragraph a line) is
 * read a paragraph a line, a line that opens in lower case continuing the one before (a wrap: "…attended by U.S." /
 * "officials, who said…"). Text wrapped from its first line on (no headline of its own) stays one paragraph.
 */
export function plainTextParagraphs(text: string): string[] {
  const paragraphs = splitParagraphs(text);
  if (paragraphs.length !== 1) return paragraphs;
  const lines = text.split(/\r\n?|\n/).map(collapseWhitespace).filter(Boolean);
  const continues = (line: string) => /^\p{Ll}/u.test(line);
  if (lines.length < 2 || continues(lines[1]!)) return paragraphs;
  const joined: string[] = [];
  for (const line of lines) {
    if (joined.length > 0 && continues(line)) joined[joined.length - 1] += ` ${line}`;
    else joined.push(line);
  }
  return joined;
}

/** The article text that chunks and quotes index into: standfirst first, then the body. */
export function joinArticleText(standfirst: string | undefined, body: string[]): string {
  return (standfirst ? [standfirst, ...body] : body).join('\n\n');
}
