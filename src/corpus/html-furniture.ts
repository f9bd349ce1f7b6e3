/**
 * What of a page is not its article, beyond what html.ts removes by tag and class before Readability reads it: a
 * `<time>` that dates something else (the site's header, a list of other stories), a subscription pitch that no
 * class names, and a page that is itself a list of links to articles (a section front).
 */

/** An element as these checks see it (linkedom's). */
export interface FurnitureElement {
  parentElement: FurnitureElement | null;
  getAttribute(name: string): string | null;
  closest(selectors: string): FurnitureElement | null;
}

/** Parts of a page that hold no date of its own: navigation, the site's header and footer, side columns. */
const ELSEWHERE = 'nav, aside, footer, body > header, [role="navigation"], [role="complementary"], [role="banner"]';
/** Class or id words of boxes listing other stories (their times date those stories). */
const OTHER_STORIES = /(^|[\s_-])(related|recommended|more-stories|read-more|most-read|most-popular|popular|trending|latest|promo\w*|outbrain|taboola|sidebar|widget|teasers?|rail)([\s_-]|$)/i;

function elsewhere(element: FurnitureElement): boolean {
  if (element.closest(ELSEWHERE)) return true;
  for (let e = element.parentElement; e; e = e.parentElement) {
    if (OTHER_STORIES.test(`${e.getAttribute('class') ?? ''} ${e.getAttribute('id') ?? ''}`)) return true;
  }
  return false;
}

/**
 * The `<time>` that dates the page: the first one marked as its publication (itemprop, pubdate), else the first in
 * an `<article>`, else the first at all, each outside navigation, the site's header and footer and lists of other
 * stories ("Friday 15 September" in a masthead, a related story's time). Earlier, the first `<time>` of the page
 * was taken, whatever it dated.
 */
export function publicationTime<E extends FurnitureElement>(document: { querySelectorAll(selectors: string): Iterable<E> }): E | undefined {
  for (const selector of ['time[itemprop="datePublished"][datetime]', 'time[pubdate][datetime]', 'article time[datetime]', 'time[datetime]']) {
    for (const time of document.querySelectorAll(selector)) if (!elsewhere(time)) return time;
  }
  return undefined;
}

/**
 * A paragraph that offers a subscription or asks the reader to sign in: what a paywall shows where the article
 * stops ("Subscribe to continue reading", "Already a subscriber? Sign in"). Phrases a report would not open with.
 */
const PITCH = new RegExp(
  `^(?:${[
    'subscribe (?:now|today|here|to (?:read|continue|keep reading|unlock|access|get|see)|for (?:full|unlimited|just|only|[$£€]))',
    'sign (?:in|up) (?:to (?:read|continue|keep reading|unlock|access|see)|for (?:free|full|unlimited))',
    'log in to (?:read|continue|keep reading)',
    'already (?:a subscriber|subscribed|have an account|a member)',
    'become an? (?:member|subscriber)',
    'get (?:unlimited|full|digital|instant) access',
    'start (?:your|a) (?:free )?trial',
    'to (?:continue|keep) reading',
    'continue reading (?:with|for|by)',
    '(?:this|the rest of this) (?:article|story|content) is (?:only )?(?:available|for|reserved|exclusive)',
    "you(?:'|’)ve (?:reached|used|read) (?:your|all|the)",
    'unlock (?:this|the full|the rest)',
    'read the (?:full|rest of the) (?:story|article)',
    'want to (?:read|keep reading) (?:more|on)',
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

/**
 * Whether a page's main text is a list of links to other pages (a section front, a tag page, a search's results):
 * at least LINK_LIST_MIN paragraphs, and LINK_LIST_SHARE of them, that are one link each (a headline), where an
 * article has a few at most ("Read more: …").
 */
export function isLinkList(linkParagraphs: number, paragraphs: number): boolean {
  return linkParagraphs >= LINK_LIST_MIN && linkParagraphs >= LINK_LIST_SHARE * paragraphs;
}
export const LINK_LIST_MIN = 4;
export const LINK_LIST_SHARE = 0.3;
