/**
 * What reading gives: the sentences in the reader's order, the short answer, the confidence. The types the
 * reader (reader.ts) and the rules beside its models (rules.ts, definition.ts, role.ts) share, apart so that
 * the rules need not import the reader that applies them.
 */
export interface ShortAnswer {
  /** An exact substring of the article. */
  text: string;
  articleId: string;
  /** Character offsets in the article text. */
  start: number;
  end: number;
  /** The span model's probability that this is the answer. */
  confidence: number;
}

export interface SentenceReading {
  /** Position in the index's sentence table. */
  sentence: number;
  /** The retrieved chunk it came from. */
  chunk: number;
  /** Probability that the sentence holds the answer. */
  score: number;
}

export interface Reading {
  /** Candidate sentences, best first. */
  sentences: SentenceReading[];
  /** The answer span inside the best sentence, when it has a candidate. */
  shortAnswer: ShortAnswer | null;
  /**
   * Calibrated probability that the best sentence answers the question (0 when a rule refuses: neither it nor the next
   * gives the count asked for, rules.ts; it gives the role asked to someone else, role.ts).
   */
  confidence: number;
  /** Whether the confidence reaches the reader's threshold for the question (Reader.thresholdFor: a fact's, or an account's). */
  answerable: boolean;
  /** Whether it reaches the reader's sure threshold too: under it, the best sentences are the closest the coverage comes. */
  sure: boolean;
}
