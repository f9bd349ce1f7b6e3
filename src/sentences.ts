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

/**
 * Characters the segmenter is given at a time, and the last of them read again with the next window (see `segments`).
 * Its time per window grows faster than the window: at 20,000 a page's 140 kB of "Mr. A. Mr. A. …" took 2.7 s (a 2 MB
 * article, the most MAX_ARTICLE_BYTES lets in, most of a minute), at 5,000 0.3 s; news prose is faster at 5,000 too.
 */
export const SEGMENT_WINDOW = 5_000;
const MARGIN = 2_000;

/**
 * The segmenter's sentences of a text, read a window at a time: V8's Intl.Segmenter takes time quadratic in the
 * length of the text it iterates (a 355 kB paragraph of 4,000 sentences took 7 s, one of 1,000 sentences 0.06 s).
 * Only the segments that end `MARGIN` characters before the window's end are kept, the rest read again at the
 * start of the next window: a break is decided by what follows it, as far as the next letter past digits,
 * punctuation and spaces (Unicode's rule SB8: "et al. 2020, 12: 345" does not end a sentence), so every break
 * kept is decided as in the text read at once. A window with no such segment is doubled until its first segment
 * ends before its margin or the window reaches the text's end; that segment alone is taken from it.
 */
function* segments(text: string): Generator<{ segment: string; index: number }> {
  let from = 0;
  let size = SEGMENT_WINDOW;
  while (from < text.length) {
    const end = Math.min(text.length, from + size);
    const window = segmenter.segment(text.slice(from, end));
    if (size > SEGMENT_WINDOW) {
      // A stretch with no break: only its first segment is wanted (every segment of a doubled window, listed, cost
      // time and memory growing with the window's square: 160 kB took 11 s and 2.3 GB).
      const first = window.containing(0)!;
      if (end < text.length && first.segment.length > end - from - MARGIN) {
        size *= 2;
        continue;
      }
      yield { segment: first.segment, index: from };
      from += first.segment.length;
      size = SEGMENT_WINDOW;
      continue;
    }
    const parts = [...window];
    const kept = end < text.length ? parts.filter((p) => p.index + p.segment.length <= end - from - MARGIN) : parts;
    if (kept.length === 0) {
      size *= 2;
      continue;
    }
    for (const { segment, index } of kept) yield { segment, index: from + index };
    const last = kept[kept.length - 1]!;
    from += last.index + last.segment.length;
  }
}

/** Sentence spans of one paragraph-free stretch of text, offsets relative to `text`. */
function sentencesOf(text: string, offset: number, into: Span[]): void {
  let pending: Span | undefined;
  for (const { segment, index } of segments(text)) {
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
