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

/** The article text that chunks and quotes index into: standfirst first, then the body. */
export function joinArticleText(standfirst: string | undefined, body: string[]): string {
  return (standfirst ? [standfirst, ...body] : body).join('\n\n');
}
