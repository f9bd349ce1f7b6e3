/**
 * Tracking parameters: what an outlet or a mailer adds to an address to count where a reader came from
 * (`?utm_source=rss`, `?fbclid=…`). An article whose page declares no canonical URL is known by its address
 * without them, so the copies two feeds link to are one article, and readers are shown the plain address; a
 * canonical URL the page declares is kept as declared. Every other query parameter is kept: it can select another
 * article (`?id=2`, and `?ref=101`, which many sites use for the article's id).
 */

/** Names of tracking parameters (case-insensitive); a name ending in `*` is a prefix. */
export const TRACKING_PARAMETERS = ['utm_*', 'ref_src', 'fbclid', 'gclid', 'dclid', 'msclkid', 'yclid', 'mc_cid', 'mc_eid', 'igshid', '_ga', '_gl'] as const;

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMETERS.some((p) => (p.endsWith('*') ? lower.startsWith(p.slice(0, -1)) : lower === p));
}

/** The parameter's name as a form decodes it; one that is not UTF-8 percent-encoding is taken as written. */
function parameterName(pair: string): string {
  const name = pair.split('=')[0]!.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * The address without its tracking parameters and its fragment (`#comments`: a place in the page, never another
 * page; a `#!` route, which some sites select articles with, is kept); the other parameters are kept as written, in
 * their order. An address that is not a URL is returned as it is.
 */
export function withoutTracking(address: string): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return address;
  }
  const fragment = url.hash !== '' && !url.hash.startsWith('#!');
  if (fragment) url.hash = '';
  if (!url.search) return fragment ? url.href : address;
  const kept = url.search.slice(1).split('&').filter((pair) => pair !== '' && !isTracking(parameterName(pair)));
  url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  return url.href;
}
