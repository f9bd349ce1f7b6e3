/**
 * Whether a page is nested too deep to be read (html.ts asks before Readability sees it): a hostile page's depth is
 * what Readability's time and stack grow with.
 */

/** An element as the walk sees it (linkedom's, and any DOM's). */
interface Nested {
  firstElementChild: Nested | null;
  nextElementSibling: Nested | null;
  parentElement: Nested | null;
}

/**
 * How deep a page's elements may be nested, and how deep all of them may be in sum, for Readability to be given it:
 * its time grows with both, and it recurses (10,000 levels overflow the stack; 2,000 took 53 s; 400 copies of a nest
 * 200 deep, a megabyte, 29 s), in the bot's own thread. News pages are a few dozen levels deep, and their elements'
 * depths add up to tens of thousands. A page beyond either limit is refused (PageRefused).
 */
export const MAX_HTML_DEPTH = 128;
export const MAX_HTML_NESTING = 1_000_000;

/** A page that is not read as an article (nested too deep to read, a list of links, a paywall): the message is the reason. */
export class PageRefused extends Error {
  override name = 'PageRefused';
}

/**
 * Why a page is nested too deep to be read (MAX_HTML_DEPTH, MAX_HTML_NESTING), or undefined. Walked without
 * recursion, element by element, stopping at the first limit passed.
 */
export function tooDeep(root: Nested | null): string | undefined {
  let depth = 0;
  let nesting = 0;
  for (let element = root; element; ) {
    nesting += depth;
    if (depth > MAX_HTML_DEPTH) return `the page's elements are nested more than ${MAX_HTML_DEPTH} deep, too deep to read`;
    if (nesting > MAX_HTML_NESTING) return `the page's elements are nested too deep to read (their depths add up to over ${MAX_HTML_NESTING.toLocaleString('en')})`;
    if (element.firstElementChild) {
      element = element.firstElementChild;
      depth++;
      continue;
    }
    while (element && element !== root && !element.nextElementSibling) {
      element = element.parentElement;
      depth--;
    }
    element = element && element !== root ? element.nextElementSibling : null;
  }
  return undefined;
}
