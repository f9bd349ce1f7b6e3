/**
 * The one budgeting routine of every message the bot sends, embeds and plain text alike:
 *
 * - `fitText` fits one piece of text, as it will be rendered (escaped, block-quoted, plain), in a number of
 *   characters, cutting the raw text at a sentence end or word boundary with the "…" marker;
 * - `shareBudget` shares one total (an embed's 6,000 characters) among several pieces, each between a
 *   floor and a cap, under the highest common ceiling that fits (water-filling);
 * - `fitEmbed` and `fitContent` apply Discord's limits to a whole embed or a message's content, as the
 *   last word on every payload (a no-op on what the renderers already fit).
 */
import type { APIEmbed } from 'discord.js';
import { embedTotal, LIMITS } from './limits.js';
import { trimText } from './text.js';

const asIs = (text: string) => text;

/** Trims `raw`, renders it, and shrinks the budget until the rendering fits in `max`. */
export function fitText(raw: string, max: number, render: (text: string) => string = asIs): string {
  let budget = max;
  for (;;) {
    const out = render(trimText(raw, budget));
    if (out.length <= max || budget <= 1) return out.length <= max ? out : out.slice(0, max);
    budget -= Math.max(1, out.length - max);
  }
}

export interface Share {
  /** The most this piece can use (its whole length, or its own limit). */
  cap: number;
  /** The least it is given while it is kept at all. */
  floor: number;
}

/**
 * Each piece's budget: at least its floor, at most its cap, and otherwise the same ceiling for all, as high
 * as `available` allows. Undefined when even the floors do not fit (the caller then drops a piece).
 */
export function shareBudget(pieces: readonly Share[], available: number): number[] | undefined {
  const floors = pieces.map((p) => Math.min(p.cap, p.floor));
  if (floors.reduce((a, b) => a + b, 0) > available) return undefined;
  const at = (level: number) => pieces.map((p, i) => Math.max(floors[i]!, Math.min(p.cap, level)));
  const used = (level: number) => at(level).reduce((a, b) => a + b, 0);
  let lo = 0;
  let hi = Math.max(0, ...pieces.map((p) => p.cap));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (used(mid) <= available) lo = mid;
    else hi = mid - 1;
  }
  return at(lo);
}

/** A message's plain content within Discord's 2,000 characters. */
export function fitContent(text: string): string {
  return fitText(text, LIMITS.content);
}

/**
 * The embed within every Discord limit: title, description, field names and values and footer each within
 * their own; at most 25 fields; and all of it within 6,000 characters, the description giving way first,
 * then the last fields. An embed that already fits comes back unchanged.
 */
export function fitEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title !== undefined) out.title = fitText(out.title, LIMITS.title);
  if (out.description !== undefined) out.description = fitText(out.description, LIMITS.description);
  if (out.footer) out.footer = { ...out.footer, text: fitText(out.footer.text, LIMITS.footer) };
  if (out.author) out.author = { ...out.author, name: fitText(out.author.name, LIMITS.authorName) };
  if (out.fields) {
    out.fields = out.fields.slice(0, LIMITS.fields).map((f) => ({ ...f, name: fitText(f.name, LIMITS.fieldName), value: fitText(f.value, LIMITS.fieldValue) }));
  }
  let over = embedTotal(out) - LIMITS.embedTotal;
  if (over > 0 && out.description) {
    out.description = fitText(out.description, Math.max(1, out.description.length - over));
    over = embedTotal(out) - LIMITS.embedTotal;
  }
  while (over > 0 && out.fields && out.fields.length > 0) {
    out.fields = out.fields.slice(0, -1);
    over = embedTotal(out) - LIMITS.embedTotal;
  }
  return out;
}
