/**
 * What of a page is not its article, beyond what html.ts removes by tag and class before Readability reads it: a
 * `<time>` that dates something else (the site's header, a list of other stories), a subscription pitch that no
 * class names, and a page that is itself a list of links to articles (a section front).
 */

/** An element as these checks see it (linkedom's). */
export interface FurnitureElement {
  tagName: string;
  parentElement: FurnitureElement | null;
  getAttribute(name: string): string | null;
  closest(selectors: string): FurnitureElement | null;
  querySelector(selectors: string): FurnitureElement | null;
}

/** What holds a story: its `<article>`, `<main>` or article body, when the page's headline (`<h1>`) is in it. */
const STORY = 'article, main, [role="main"], [itemprop~="articleBody"]';
/** Parts of a page that date something else: navigation and side columns, wherever they are. */
const ASIDE = new Set(['NAV', 'ASIDE']);
const ASIDE_ROLES = /^(navigation|complementary)$/;
/** The site's header and footer (and banner), when outside the story (a story's own header or footer dates it). */
const SITE_PARTS = new Set(['HEADER', 'FOOTER']);
/** Class or id words of boxes listing other stories (their times date those stories). */
const OTHER_STORIES = /(^|[\s_-])(related|recommended|more-stories|read-more|most-read|most-popular|trending|outbrain|taboola)([\s_-]|$)/i;

/** The story holding `element`: the nearest container of STORY that holds the page's `<h1>`. */
function storyOf(element: FurnitureElement): FurnitureElement | undefined {
  for (let e = element.closest(STORY); e; e = e.parentElement?.closest(STORY) ?? null) if (e.querySelector('h1')) return e;
  return undefined;
}

/**
 * Whether a `<time>` dates something else than the page: it is in navigation or a side column, in a box listing
 * other stories, or (outside the story) in the site's header, footer or banner. Ancestors are looked at up to the
 * story, or up to `<body>`.
 */
function elsewhere(time: FurnitureElement, story: FurnitureElement | undefined): boolean {
  for (let e = time.parentElement; e && e !== story && e.tagName !== 'BODY' && e.tagName !== 'HTML'; e = e.parentElement) {
    const role = e.getAttribute('role') ?? '';
    if (ASIDE.has(e.tagName) || ASIDE_ROLES.test(role)) return true;
    if (!story && (role === 'banner' || (SITE_PARTS.has(e.tagName) && !e.querySelector('h1')))) return true;
    if (OTHER_STORIES.test(`${e.getAttribute('class') ?? ''} ${e.getAttribute('id') ?? ''}`)) return true;
  }
  return false;
}

/**
 * The `<time>` that dates the page: in the story (the `<article>` or `<main>` holding the headline) the first one
 * marked as its publication (itemprop, pubdate), else its first; then, in the same order, the first elsewhere on the
 * page. None in navigation, side columns, the site's header and footer or boxes of other stories ("Friday 15
 * September" in a masthead, a related story's time). Earlier, the first `<time>` of the page was taken, whatever it
 * dated.
 */
export function publicationTime<E extends FurnitureElement>(document: { querySelectorAll(selectors: string): Iterable<E> }): E | undefined {
  const times = [...document.querySelectorAll('time[datetime]')].map((time) => ({ time, story: storyOf(time) })).filter(({ time, story }) => !elsewhere(time, story));
  const marked = ({ time }: { time: E }) => /(^|\s)datePublished(\s|$)/.test(time.getAttribute('itemprop') ?? '') || time.getAttribute('pubdate') !== null;
  const inStory = times.filter(({ story }) => story !== undefined);
  return (inStory.find(marked) ?? inStory[0] ?? times.find(marked) ?? times[0])?.time;
}

/**
 * A paragraph that offers a subscription or asks the reader to sign in: what a paywall shows where the article
 * stops ("Subscribe to continue reading", "Already a subscriber? Sign in"). Each phrase is one a report would not
 * open with: "Already a member of the G20, Turkey…" and "To keep reading habits alive…" are not pitches.
 */
const PITCH = new RegExp(
  `^(?:${[
    'subscribe (?:now|today|here|to (?:read|continue|keep reading|unlock|access|get|see)|for (?:full|unlimited|just|only|[$£€]))',
    'sign (?:in|up) (?:to (?:read|continue|keep reading|unlock|access|see)|for (?:free|full|unlimited))',
    'log in to (?:read|continue|keep reading)',
    'already (?:a subscriber|subscribed|have an account)',
    'already a member\\s*[?!.]',
    'become an? subscriber',
    'become an? member(?:\\s+(?:today|now))?\\s*[!.]',
    'get (?:unlimited|full|digital|instant) access',
    'start (?:your|a) free trial',
    'to (?:continue|keep) reading(?: this (?:article|story))?\\s*(?:[,.:!]|$)',
    'continue reading (?:with|for|by) (?:a |an |our )?(?:subscri|membership|account|premium|trial|registering|signing)',
    '(?:this|the rest of this) (?:article|story|content) is (?:only )?(?:available|reserved|exclusive) (?:to|for) (?:subscribers|members|premium)',
    'this (?:article|story|content) is for (?:subscribers|members)',
    "you(?:'|’)ve (?:reached|used|read) (?:your|all|the) (?:free|limit|monthly|\\d)",
    'unlock (?:this (?:article|story)|the full (?:article|story)|the rest of)',
    'read the (?:full|rest of the) (?:story|article)(?:\\s+(?:with|by|for) (?:a |an |our )?(?:subscri|membership|account|premium|trial|registering|signing)|\\s*[.!]?$)',
    'want to (?:read|keep reading) (?:more|on)\\?',
    '(?:exclusive|only) (?:to|for) subscribers',
    'subscribers only',
  ].join('|')})`,
  'i',
);
/** A pitch is short: a longer paragraph that opens so is the article's own. */
const PITCH_CHARS = 300;
/** What may follow a pitch as its offer ("£1 for 4 weeks", "Cancel anytime"), not the article going on: a few short lines. */
const OFFER_CHARS = 100;
const OFFER_PARAGRAPHS = 4;

const isPitch = (paragraph: string) => paragraph.length <= PITCH_CHARS && PITCH.test(paragraph);

/**
 * The paragraphs without a subscription pitch: a pitch with only its offer after it (to the end, OFFER_PARAGRAPHS
 * short lines at most, pitches aside) is cut with it; a pitch with more of the article after it is left out alone.
 */
export function withoutPitch(paragraphs: readonly string[]): { paragraphs: string[]; pitched: boolean } {
  const kept: string[] = [];
  let pitched = false;
  for (let i = 0; i < paragraphs.length; i++) {
    const paragraph = paragraphs[i]!;
    if (!isPitch(paragraph)) {
      kept.push(paragraph);
      continue;
    }
    pitched = true;
    const after = paragraphs.slice(i + 1).filter((p) => !isPitch(p));
    if (after.length <= OFFER_PARAGRAPHS && after.every((p) => p.length <= OFFER_CHARS)) break;
  }
  return { paragraphs: kept, pitched };
}

/** A paragraph of a page's main text as the link-list check sees it. */
export interface ReadParagraph {
  text: string;
  /** One link of three words or more, as a heading (`<h2><a>…</a></h2>`, or a link holding the heading). */
  linkHeading: boolean;
}

/** At least this many headlines that are links make a list of links, when little text stands between them. */
export const LINK_LIST_MIN = 4;
/** The most text (characters) between two of a list's headlines, or before the first and after the last: a teaser. */
export const LINK_LIST_GAP_CHARS = 500;

/**
 * Whether a page's main text is a list of links to other pages (a section front, a tag page, a search's results):
 * LINK_LIST_MIN headlines or more that are links, and nowhere more than LINK_LIST_GAP_CHARS of other text together
 * (a teaser under each headline). An article has a stretch of its own text somewhere, whatever links to other
 * stories it holds ("Read more: …", a timeline, a "More on this story" box).
 */
export function isLinkList(paragraphs: readonly ReadParagraph[]): boolean {
  if (paragraphs.filter((p) => p.linkHeading).length < LINK_LIST_MIN) return false;
  let gap = 0;
  for (const paragraph of paragraphs) {
    gap = paragraph.linkHeading ? 0 : gap + paragraph.text.length;
    if (gap > LINK_LIST_GAP_CHARS) return false;
  }
  return true;
}
