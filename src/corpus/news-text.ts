/**
 * Turns the paragraphs of a scraped news page into articles: title, standfirst, author, outlet, body and
 * captions, with page furniture removed. A listing page (several stories, each ending "Continue reading...")
 * becomes one article per story. Used for plain-text files and for the body of Markdown files.
 */
import { joinArticleText } from './paragraphs.js';
import type { ArticleDraft } from './types.js';

/** Paragraphs that are site chrome, not journalism. */
const FURNITURE: RegExp[] = [
  /^READ MORE$/i,
  // A link to another story: "READ MORE: Riverside traffic chaos as bridge closes", "See also – …".
  /^(READ MORE|SEE ALSO|ALSO READ)\s*[:|–—-]\s*\S/i,
  /^Sorting by$/i,
  /^[×✕✖]$/,
  /^Remote video URL$/i,
  /^Advertisement$/i,
  /^Back to top( button)?$/i,
  /^(Share|Share this( article)?|Print|Email)$/i,
  /^(Join|Follow|Subscribe to|Sign up (for|to))\b.*\b(Telegram|WhatsApp|newsletter|channel)\b/i,
];

/** Paragraphs after which the rest of the page is links to other stories. */
const END_OF_ARTICLE = /^(Source link|Related (Articles|Stories|Posts|Content)|More (on this|stories))$/i;

/** Ends one teaser on a listing page. */
const CONTINUE_READING = /^Continue reading(\.\.\.|…)?$/i;

/** Outlets that can be told from a page's own furniture. */
const OUTLET_SIGNATURES: { pattern: RegExp; outlet: string }[] = [
  { pattern: /^Join ST['’]s Telegram channel/i, outlet: 'The Straits Times' },
  // "Continue reading..." ends The Guardian's teasers, but any site's listing may end them so: no outlet is
  // guessed from it (the shipped Guardian listing names its outlet in front matter).
];

/** "Daniel McLaughlin is a contributor to The Irish Times from central and eastern Europe" */
const AUTHOR_BOX =
  /^(\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){0,3}) is (?:a|an|the) (?:[\p{L} -]+ )?(?:contributor|correspondent|reporter|columnist|editor|writer)\b(?:[\p{L} -]+?)? (?:to|for|at|with) ((?:The )?\p{Lu}[\p{L}]+(?: \p{Lu}[\p{L}]+)*)/u;
/**
 * Characters of a paragraph's start an author box is looked for in: AUTHOR_BOX takes time quadratic in the text
 * it is tried on ("X is a contributor contributor …" without a "to"), and a page can hold a paragraph of megabytes.
 * An author box's sentence is well within it.
 */
const AUTHOR_BOX_MAX_CHARS = 300;
const authorBox = (paragraph: string) => AUTHOR_BOX.exec(paragraph.slice(0, AUTHOR_BOX_MAX_CHARS));
const BYLINE = /^By (\p{Lu}[\p{L}'’.-]+(?: (?:and )?\p{Lu}[\p{L}'’.-]+){0,5})$/u;
const CAPTION = /\b(PHOTO|PHOTOGRAPH|PICTURE|IMAGE)S?:\s*[\p{Lu}][\p{L} ./&-]*$|^(Photograph|Photo|Image):/u;
const AGENCY_CREDIT = /\s(REUTERS|AFP|AP|BLOOMBERG|XINHUA)$/;
const AGENCY_NAMES: Record<string, string> = {
  REUTERS: 'Reuters',
  AFP: 'AFP',
  AP: 'Associated Press',
  BLOOMBERG: 'Bloomberg',
  XINHUA: 'Xinhua',
};
const STANDFIRST_MAX_WORDS = 45;
/** How a sentence ends (closing quotes and brackets after the stop); a headline, standfirst or crosshead does not. */
export const SENTENCE_END = /[.!?…]["”’)\]]*$/;

function wordCount(text: string): number {
  return text.split(' ').length;
}

function isStandfirst(paragraph: string): boolean {
  return wordCount(paragraph) <= STANDFIRST_MAX_WORDS && !SENTENCE_END.test(paragraph);
}

export interface NewsMetadata {
  title?: string;
  standfirst?: string;
  author?: string;
  outlet?: string;
  url?: string;
  published?: string;
  modified?: string;
}

/**
 * Parses the paragraphs of one file. `metadata` (e.g. Markdown front matter) wins over what is found in
 * the text. Returns no article when nothing but furniture is left.
 */
export function parseNewsParagraphs(paragraphs: string[], source: string, metadata: NewsMetadata = {}): ArticleDraft[] {
  const outlet = metadata.outlet ?? OUTLET_SIGNATURES.find((s) => paragraphs.some((p) => s.pattern.test(p)))?.outlet;
  const byAuthorBox = findAuthorBox(paragraphs);
  let kept = dropFurniture(paragraphs, byAuthorBox?.author);

  const stories = splitListing(kept);
  const shared: NewsMetadata = {
    ...metadata,
    outlet: outlet ?? byAuthorBox?.outlet,
    author: metadata.author ?? byAuthorBox?.author,
  };
  if (stories.length > 1) {
    return stories.flatMap((story, index) =>
      storyToArticle(story, `${source}#${index + 1}`, { ...shared, title: undefined, standfirst: undefined }),
    );
  }
  kept = stories[0] ?? [];
  return storyToArticle(kept, source, shared);
}

function findAuthorBox(paragraphs: string[]): { author: string; outlet: string } | undefined {
  for (const paragraph of paragraphs) {
    const match = authorBox(paragraph);
    if (match) return { author: match[1]!, outlet: match[2]! };
  }
  return undefined;
}

function dropFurniture(paragraphs: string[], authorBoxName: string | undefined): string[] {
  const kept: string[] = [];
  for (const paragraph of paragraphs) {
    if (END_OF_ARTICLE.test(paragraph)) break;
    if (FURNITURE.some((pattern) => pattern.test(paragraph))) continue;
    if (authorBoxName && (paragraph === authorBoxName || authorBox(paragraph))) continue;
    kept.push(paragraph);
  }
  return kept;
}

/** Splits a listing page at its "Continue reading..." lines; a single article comes back whole. */
function splitListing(paragraphs: string[]): string[][] {
  const markers = paragraphs.filter((p) => CONTINUE_READING.test(p)).length;
  if (markers < 2) return [paragraphs.filter((p) => !CONTINUE_READING.test(p))];
  const stories: string[][] = [[]];
  for (const paragraph of paragraphs) {
    if (CONTINUE_READING.test(paragraph)) stories.push([]);
    else stories[stories.length - 1]!.push(paragraph);
  }
  return stories.filter((story) => story.length > 0);
}

function storyToArticle(paragraphs: string[], source: string, metadata: NewsMetadata): ArticleDraft[] {
  const body: string[] = [];
  const captions: string[] = [];
  let author = metadata.author;
  for (const paragraph of paragraphs) {
    const byline = BYLINE.exec(paragraph);
    if (byline) {
      author ??= byline[1];
      continue;
    }
    if (CAPTION.test(paragraph)) captions.push(paragraph);
    else body.push(paragraph);
  }

  const title = metadata.title ?? body.shift();
  if (!title) return [];
  let standfirst = metadata.standfirst;
  if (standfirst === undefined && body.length > 1 && isStandfirst(body[0]!)) standfirst = body.shift();

  const last = body.length - 1;
  const credit = last >= 0 ? AGENCY_CREDIT.exec(body[last]!) : null;
  if (credit) {
    body[last] = body[last]!.slice(0, credit.index);
    author ??= AGENCY_NAMES[credit[1]!];
  }
  if (body.length === 0 && !standfirst) return [];

  return [
    {
      title,
      standfirst,
      author,
      outlet: metadata.outlet,
      url: metadata.url,
      published: metadata.published,
      ...(metadata.modified ? { modified: metadata.modified } : {}),
      text: joinArticleText(standfirst, body),
      captions,
      source,
    },
  ];
}
