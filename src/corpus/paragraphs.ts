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
 * split on its lines instead, a line joined to the next when it does not end a sentence (text wrapped at a width).
 * Its first line stays a paragraph of its own: the headline.
 */
export function plainTextParagraphs(text: string): string[] {
  const paragraphs = splitParagraphs(text);
  if (paragraphs.length !== 1) return paragraphs;
  const [headline, ...lines] = text.split(/\r\n?|\n/).map(collapseWhitespace).filter(Boolean);
  if (lines.length === 0) return paragraphs;
  const body: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    current.push(line);
    if (/[.!?:…]["'”’)\]]*$/.test(line)) {
      body.push(current.join(' '));
      current = [];
    }
  }
  if (current.length > 0) body.push(current.join(' '));
  return [headline!, ...body];
}

/** The article text that chunks and quotes index into: standfirst first, then the body. */
export function joinArticleText(standfirst: string | undefined, body: string[]): string {
  return (standfirst ? [standfirst, ...body] : body).join('\n\n');
}
