/**
 * A news web page (HTML) → an article: the main text found by @mozilla/readability on a linkedom document,
 * without navigation, adverts, cookie banners, "related stories" or newsletter boxes, and the metadata the
 * page declares (title, byline, outlet from `og:site_name`, canonical URL, publication and modification
 * dates from `article:*_time` meta tags, JSON-LD or `<time>`). Paragraphs stay paragraphs (blank lines in
 * the article text), so quotes are exact substrings of the stored text. Used by the corpus loader for
 * `.html` files and by the web ingestion for fetched pages.
 */
import { createRequire } from 'node:module';
import { Readability } from '@mozilla/readability';
import { normalizeDate } from './declared-date.js';
import { parseNewsParagraphs, type NewsMetadata } from './news-text.js';
import { collapseWhitespace } from './paragraphs.js';
import { plainText } from '../plain-text.js';
import type { ArticleDraft } from './types.js';
import { PageRefused, tooDeep } from './html-depth.js';
import { isLinkList, publicationTime, withoutPitch, type FurnitureElement, type ReadParagraph } from './html-furniture.js';
import { getDomain } from 'tldts';

/** Page parts that are never the article, removed before Readability looks for the main text. */
const CHROME_SELECTORS = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'form',
  'nav',
  'aside',
  'footer',
  'body > header',
  '[role="navigation"]',
  '[role="complementary"]',
  '[role="banner"]',
  '[aria-hidden="true"]',
  '[hidden]',
];
/** Class or id words of boxes that are not the article (cookie banners, adverts, newsletter plugs, related links). */
const CHROME_NAMES =
  /(^|[\s_-])(cookies?|consent|gdpr|advert\w*|ads?|ad-slot|sponsor\w*|promo\w*|newsletter\w*|subscribe|subscription|signup|related|byline|dateline|meta|recommended|more-stories|read-more|share|social|paywall|outbrain|taboola)([\s_-]|$)/i;
/** Block elements: each one is a paragraph of its own in the article text. */
const BLOCKS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'BLOCKQUOTE', 'PRE', 'DD', 'DT', 'DIV', 'SECTION', 'ARTICLE', 'TABLE', 'TR', 'UL', 'OL', 'DL', 'FIGURE', 'HEADER', 'MAIN', 'TD', 'TH']);
/**
 * Less text than this is not an article (a search page, an error page, a teaser). Readability's own
 * threshold is 500 characters; short news briefs are shorter than that.
 */
export const MIN_ARTICLE_CHARS = 200;
export { MAX_HTML_DEPTH, MAX_HTML_NESTING, PageRefused } from './html-depth.js';
const ARTICLE_TYPES = /^(NewsArticle|Article|ReportageNewsArticle|AnalysisNewsArticle|BlogPosting|OpinionNewsArticle|LiveBlogPosting|WebPage)$/;

export interface HtmlArticle extends ArticleDraft {
  /** When the page says it was last changed (ISO 8601), if it says. */
  modified?: string;
}

type Json = Record<string, unknown>;

/**
 * The page's text made plain (plain-text.ts: no control characters, bidi overrides or terminal escapes) on one line,
 * as the corpus loader reads a saved article: a title, text or byline of nothing but such characters (`&#1;`, a NUL)
 * is none, so the next source is read, and no file is saved that the loader would refuse.
 */
const readable = (text: string) => collapseWhitespace(plainText(text.replace(/\s/g, ' ')));

// linkedom takes most of a second to load: it is loaded on the first page read, not by every command that
// reads a corpus without web pages.
const requireLazily = createRequire(import.meta.url);
let linkedom: typeof import('linkedom') | undefined;
const parseHTML = (html: string) => (linkedom ??= requireLazily('linkedom') as typeof import('linkedom')).parseHTML(html);

/** The little of the DOM used here (the project compiles without the DOM library; linkedom provides it). */
interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: Iterable<DomNode>;
}
interface DomElement extends DomNode, FurnitureElement {
  tagName: string;
  firstElementChild: DomElement | null;
  nextElementSibling: DomElement | null;
  parentElement: DomElement | null;
  getAttribute(name: string): string | null;
  remove(): void;
  querySelector(selectors: string): DomElement | null;
  closest(selectors: string): DomElement | null;
}
interface DomDocument {
  documentElement: DomElement | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): Iterable<DomElement>;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** The first JSON-LD object describing the article (plain, in an array or in a `@graph`). */
function jsonLdArticle(document: DomDocument): Json | undefined {
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? '');
    } catch {
      continue;
    }
    const candidates = asArray(data).flatMap((item) => [item, ...asArray((item as Json)?.['@graph'])]);
    const found = candidates.find((item) => asArray((item as Json)?.['@type']).some((type) => typeof type === 'string' && ARTICLE_TYPES.test(type)));
    if (found) return found as Json;
  }
  return undefined;
}

/** A JSON-LD value that may be a string, an object with a name, or a list of either. */
function jsonLdName(value: unknown): string | undefined {
  const names = asArray(value)
    .map((item) => (typeof item === 'string' ? item : typeof (item as Json)?.name === 'string' ? ((item as Json).name as string) : undefined))
    .map((name) => name && readable(name))
    .filter((name): name is string => Boolean(name));
  return names.length > 0 ? names.join(', ') : undefined;
}

const jsonLdString = (value: unknown) => (typeof value === 'string' && readable(value)) || undefined;

function meta(document: DomDocument, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const content = document.querySelector(`meta[property="${key}"], meta[name="${key}"], meta[itemprop="${key}"]`)?.getAttribute('content');
    const text = content && readable(content);
    if (text) return text;
  }
  return undefined;
}

/** An http(s) link made absolute against `base`, or undefined when it is missing or not a web address. */
export function absoluteUrl(href: string | null | undefined, base: string | undefined): string | undefined {
  if (!href?.trim()) return undefined;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The site a URL is on: its registrable domain by the Public Suffix List (tldts, its private suffixes included), so
 * `www.`, `edition.` and `amp.cnn.com` are one site and `a.blogspot.com` and `b.blogspot.com` two; an IP address or a
 * name with no public suffix (`localhost`) is its own site.
 */
const siteOf = (url: string) => {
  const host = new URL(url).hostname;
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
};

/**
 * The page's address as it declares it (canonical link, else og:url), when it is on the site the page came from
 * (`baseUrl`: siteOf); else `baseUrl`. A page cannot take another site's address: it would be known, saved and
 * linked as that site's article, and the article there never fetched (or written over by the page's next version).
 * A page with no address it came from (a saved file) is taken at its word.
 */
function ownAddress(document: DomDocument, baseUrl: string | undefined): string | undefined {
  const declared = [absoluteUrl(document.querySelector('link[rel="canonical"]')?.getAttribute('href'), baseUrl), absoluteUrl(meta(document, 'og:url'), baseUrl)];
  return declared.find((url) => url !== undefined && (baseUrl === undefined || siteOf(url) === siteOf(baseUrl))) ?? baseUrl;
}

/**
 * The byline the page shows (`class="byline"`, `rel="author"`, …), read before the page's chrome is removed
 * (a "byline" box is chrome to removeChrome); left out when it is more than a name (a date, a bio).
 */
function visibleByline(document: DomDocument): string | undefined {
  const element = document.querySelector('[itemprop="author"], [rel="author"], .byline, .author, .article-author');
  const text = element?.textContent ? readable(element.textContent).replace(/^By\s+/i, '') : '';
  return text && text.length <= 80 && !/\d/.test(text) ? text : undefined;
}

/** What the page declares about itself, read before Readability changes the document. */
function pageMetadata(document: DomDocument, baseUrl: string | undefined): NewsMetadata & { modified?: string } {
  const ld = jsonLdArticle(document);
  const time = publicationTime(document);
  const byline = meta(document, 'author', 'article:author', 'byl') ?? jsonLdName(ld?.author) ?? visibleByline(document);
  return {
    title: meta(document, 'og:title', 'twitter:title') ?? jsonLdString(ld?.headline),
    author: byline?.replace(/^By\s+/i, ''),
    outlet: meta(document, 'og:site_name', 'application-name') ?? jsonLdName(ld?.publisher),
    url: ownAddress(document, baseUrl),
    published: normalizeDate(meta(document, 'article:published_time', 'datePublished', 'pubdate') ?? jsonLdString(ld?.datePublished) ?? time?.getAttribute('datetime')),
    modified: normalizeDate(meta(document, 'article:modified_time', 'og:updated_time', 'dateModified') ?? jsonLdString(ld?.dateModified)),
  };
}

function removeChrome(document: DomDocument): void {
  for (const element of document.querySelectorAll(CHROME_SELECTORS.join(','))) element.remove();
  for (const element of document.querySelectorAll('[class], [id]')) {
    if (element.tagName === 'BODY' || element.tagName === 'HTML' || element.tagName === 'ARTICLE' || element.tagName === 'MAIN') continue;
    if (!CHROME_NAMES.test(`${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`)) continue;
    // A wrapper that holds the article itself is layout, whatever its name.
    if (!element.querySelector('article, [itemprop="articleBody"], h1')) element.remove();
  }
}

const HEADINGS = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6']);

/**
 * The readable paragraphs (and figure captions apart) of the main-content node Readability returns, each saying
 * whether it is a headline that is a link (a heading that is one link of three words or more: html-furniture.ts).
 */
function paragraphsOf(root: DomNode): { paragraphs: ReadParagraph[]; captions: string[] } {
  const paragraphs: ReadParagraph[] = [];
  const captions: string[] = [];
  let inline = '';
  let linked = '';
  let inLink = 0;
  /** The block whose end flushes (its start flushes the text before it, in the block around it). */
  const flush = (ending?: string) => {
    const text = readable(inline);
    if (text) paragraphs.push({ text, linkHeading: ending !== undefined && HEADINGS.has(ending) && readable(linked) === text && text.split(' ').length >= 3 });
    inline = '';
    linked = '';
  };
  const walk = (node: DomNode) => {
    if (node.nodeType === 3) {
      inline += node.textContent ?? '';
      if (inLink > 0) linked += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = (node as DomElement).tagName.toUpperCase();
    if (tag === 'A') {
      inLink++;
      for (const child of node.childNodes) walk(child);
      inLink--;
      return;
    }
    if (tag === 'BR') {
      inline += ' ';
      return;
    }
    if (tag === 'FIGCAPTION') {
      const caption = readable(node.textContent ?? '');
      if (caption) captions.push(caption);
      return;
    }
    if (!BLOCKS.has(tag)) {
      for (const child of node.childNodes) walk(child);
      return;
    }
    flush();
    for (const child of node.childNodes) walk(child);
    flush(tag);
  };
  walk(root);
  flush();
  return { paragraphs, captions };
}

/**
 * The page's `<title>` without the site's name after it ("Library reopens after flood | Townsville Gazette"),
 * when the page's `<h1>` is the headline it starts with: Readability keeps the name on titles of four words or fewer.
 */
function withoutSiteName(title: string, headline: string | undefined): string {
  if (!headline || !title.startsWith(headline)) return title;
  return /^\s*[|\-–—:·»]\s*\S/.test(title.slice(headline.length)) ? headline : title;
}

/**
 * Reads one HTML page. `baseUrl` (the address it was fetched from) resolves a relative canonical link and
 * is the article's url when the page names none. Returns undefined when no article text can be found; throws
 * PageRefused, saying why, when the page is nested too deep to be read, is a list of links (a section front), or
 * shows only the start of an article and a subscription pitch.
 */
export function parseHtmlArticle(html: string, source: string, baseUrl?: string): HtmlArticle | undefined {
  const { document } = parseHTML(html) as unknown as { document: DomDocument };
  // No element at all (an empty body, or plain text served as HTML: "Sorry, this article is no longer available."):
  // no article text, as for a page Readability finds none in (Readability itself throws on such a document).
  if (!document.documentElement) return undefined;
  const refused = tooDeep(document.documentElement);
  if (refused) throw new PageRefused(refused);
  const metadata = pageMetadata(document, baseUrl);
  const h1 = document.querySelector('h1')?.textContent;
  const headline = h1 ? readable(h1) : undefined;
  removeChrome(document);
  const parsed = new Readability<DomNode>(document, { serializer: (node) => node as DomNode, charThreshold: 200 }).parse();
  if (!parsed?.content) return undefined;
  const { paragraphs: read, captions } = paragraphsOf(parsed.content);
  if (isLinkList(read)) throw new PageRefused('the page is a list of links to other pages (a section front), not an article');
  const { paragraphs, pitched } = withoutPitch(read.map((p) => p.text));
  const title = metadata.title ?? (parsed.title && readable(parsed.title) ? withoutSiteName(readable(parsed.title), headline) : undefined);
  // The headline repeated at the top of the text is the title, not a paragraph.
  if (title && paragraphs[0] === title) paragraphs.shift();
  const [article] = parseNewsParagraphs(paragraphs, source, {
    ...metadata,
    title,
    author: metadata.author ?? (parsed.byline ? readable(parsed.byline).replace(/^By\s+/i, '') || undefined : undefined),
    outlet: metadata.outlet ?? (parsed.siteName ? readable(parsed.siteName) || undefined : undefined),
    published: metadata.published ?? normalizeDate(parsed.publishedTime),
  });
  if (pitched && (!article || article.text.length < MIN_ARTICLE_CHARS)) throw new PageRefused('the page shows only the start of an article and an offer to subscribe (a paywall)');
  if (!article || article.text.length < MIN_ARTICLE_CHARS) return undefined;
  return { ...article, captions: [...article.captions, ...captions], ...(metadata.modified ? { modified: metadata.modified } : {}) };
}
