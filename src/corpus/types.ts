/** An article as the rest of the pipeline sees it, whatever file format it came from. */
export interface Article {
  /** Stable, readable id (a slug of the title unless the source gives one). */
  id: string;
  title: string;
  standfirst?: string;
  author?: string;
  outlet?: string;
  url?: string;
  /** When it was published: `YYYY-MM-DD`, or an ISO 8601 date-time with the outlet's offset. */
  published?: string;
  /** When the outlet last changed it (same forms as `published`), when it says. */
  modified?: string;
  /** The readable text: standfirst then body paragraphs, separated by blank lines. Quotes are substrings of it. */
  text: string;
  /** Photo captions, kept apart from the body text. */
  captions: string[];
  /** Where it came from: the file relative to the corpus folder, with `#n` for the n-th story of a file. */
  source: string;
}

/** What a format parser produces: an article without its id, which is assigned corpus-wide. */
export type ArticleDraft = Omit<Article, 'id'> & { id?: string };

/** A file (or a line of one) that could not be read, with a reason a maintainer can act on. */
export interface CorpusProblem {
  source: string;
  reason: string;
}

/** An article of the live version, as ids are kept from one embed to the next (ids.ts). */
export interface KnownArticle {
  id: string;
  source: string;
  /** Its articleHash. */
  hash: string;
}

/** Something that did not stop the load but that the user should know (a renamed id, a skipped link). */
export interface CorpusWarning {
  source: string;
  message: string;
}

export interface Corpus {
  articles: Article[];
  problems: CorpusProblem[];
  warnings: CorpusWarning[];
  /**
   * When a folder's files were listed (loadCorpus; ms): a file written after it may not be in `articles`, so the index
   * built from them is as of this time (its CURRENT pointer's, for `npm run ask`'s note that the index is behind).
   */
  readAt?: number;
}
