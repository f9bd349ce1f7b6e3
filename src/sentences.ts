/**
 * Sentence boundaries in article text, as character spans, so that quotes are exact substrings.
 * Intl.Segmenter (ICU) does the work; we only undo its breaks after common abbreviations ("Mr.", "Sept.").
 */
export interface Span {
  start: number;
  end: number;
}

const ABBREVIATION_BEFORE_BREAK =
  /(?:^|[\s(“"‘'])(?:Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Gen|Lt|Col|Maj|Capt|Sgt|Brig|Adm|Rev|Jr|Sr|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|Nos|vs|approx|Inc|Corp|Ltd|Co|Mt|Ft|[A-Z])\.\s*$/;
const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Sentence spans of one paragraph-free stretch of text, offsets relative to `text`. */
function sentencesOf(text: string, offset: number, into: Span[]): void {
  let pending: Span | undefined;
  for (const { segment, index } of segmenter.segment(text)) {
    const trimmedEnd = index + segment.trimEnd().length;
    const leading = segment.length - segment.trimStart().length;
    if (trimmedEnd <= index + leading) continue;
    if (pending) {
      pending.end = offset + trimmedEnd;
    } else {
      pending = { start: offset + index + leading, end: offset + trimmedEnd };
    }
    if (!ABBREVIATION_BEFORE_BREAK.test(segment)) {
      into.push(pending);
      pending = undefined;
    }
  }
  if (pending) into.push(pending);
}

/** Splits text into sentence spans; a blank line always ends a sentence (headings, captions, crossheads). */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  const paragraph = /[^\n]+(?:\n(?!\s*\n)[^\n]*)*/g;
  for (let match = paragraph.exec(text); match; match = paragraph.exec(text)) {
    sentencesOf(match[0], match.index, spans);
  }
  return spans;
}
