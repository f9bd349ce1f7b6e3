/**
 * One throttle for the bot's warnings that would otherwise repeat with every message or every poll: an unreadable
 * channel settings file, an `auto` channel where the bot may not embed links (channel-modes.ts), a database that
 * cannot be reached, or the look for a new index failing otherwise, while the bot polls for one (index-watch.ts).
 */

/** How often one warning is logged at most. */
export const WARNING_EVERY_MS = 10 * 60_000;
const warned = new WeakMap<object, Map<string, number>>();

/**
 * Whether the warning `key` of `owner` (a bot's context, a pipeline) is due: never logged, or last logged
 * WARNING_EVERY_MS ago; if so, it is logged now.
 */
export function warningDue(owner: object, key: string): boolean {
  let times = warned.get(owner);
  if (!times) warned.set(owner, (times = new Map()));
  const now = Date.now();
  if (now - (times.get(key) ?? -Infinity) < WARNING_EVERY_MS) return false;
  times.set(key, now);
  return true;
}
