/**
 * The one codec for the custom ids of every button and select menu the bot sends. A handler never builds
 * or splits a custom id string: it receives the decoded id (as Sapphire's interaction handlers `parse` the
 * id once, then `run` on the parsed data). The wire format is unchanged from the first versions of the bot
 * (`ask:open`, `ask:vote:<session>:up|down`, `source:page:<session>:prev|next`; later `ask:follow:<session>`), so buttons on messages
 * sent before an upgrade still decode.
 *
 * A new kind of component is one more member of `CustomId` and one more line in `encode`/`decode`; the
 * compiler then points at every place that must handle it.
 */
import { LIMITS } from './format/limits.js';

export type CustomId =
  /** The "Open a cited article…" select menu under an answer. */
  | { kind: 'open' }
  /** 👍/👎 under an answer; `session` is the answer's session id. */
  | { kind: 'vote'; session: string; choice: 'up' | 'down' }
  /** Previous/Next under a paged article; `session` is the page session id. */
  | { kind: 'page'; session: string; direction: 'prev' | 'next' }
  /** "Follow up" under a public answer: opens a conversation on it; `session` is the answer's session id. */
  | { kind: 'followUp'; session: string };

export type CustomIdKind = CustomId['kind'];
export type CustomIdOf<K extends CustomIdKind> = Extract<CustomId, { kind: K }>;

/** Session ids are short base64url strings (sessions.ts); anything else in that place is not ours. */
const SESSION = /^[A-Za-z0-9_-]{1,64}$/;

export class CustomIdError extends Error {
  override name = 'CustomIdError';
}

/** The custom id string for a component; throws (a bug, not a user error) when it would not be valid. */
export function encode(id: CustomId): string {
  let text: string;
  switch (id.kind) {
    case 'open':
      text = 'ask:open';
      break;
    case 'vote':
      text = `ask:vote:${session(id.session)}:${id.choice}`;
      break;
    case 'page':
      text = `source:page:${session(id.session)}:${id.direction}`;
      break;
    case 'followUp':
      text = `ask:follow:${session(id.session)}`;
      break;
  }
  if (text.length > LIMITS.customId) throw new CustomIdError(`custom id is ${text.length} characters, over Discord's ${LIMITS.customId}: ${text.slice(0, 120)}`);
  return text;
}

function session(value: string): string {
  if (!SESSION.test(value)) throw new CustomIdError(`not a session id: ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}

/** The id a component carries, or undefined when it is not one the bot sends (malformed, or from an old version). */
export function decode(customId: string): CustomId | undefined {
  if (customId.length > LIMITS.customId) return undefined;
  const parts = customId.split(':');
  const [scope, what, sessionId, last] = parts;
  if (parts.length === 2 && scope === 'ask' && what === 'open') return { kind: 'open' };
  if (parts.length === 3 && scope === 'ask' && what === 'follow' && SESSION.test(sessionId ?? '')) return { kind: 'followUp', session: sessionId! };
  if (parts.length !== 4 || !SESSION.test(sessionId ?? '')) return undefined;
  if (scope === 'ask' && what === 'vote' && (last === 'up' || last === 'down')) return { kind: 'vote', session: sessionId!, choice: last };
  if (scope === 'source' && what === 'page' && (last === 'prev' || last === 'next')) return { kind: 'page', session: sessionId!, direction: last };
  return undefined;
}

/**
 * An option of the "Open a cited article…" menu: the article, and where its quote starts (a character
 * offset in the article text), so the article opens at the page holding the quote. Written `<offset>@<id>`;
 * a value without the offset (menus sent by earlier versions) is the article id alone.
 */
export interface ArticleChoice {
  articleId: string;
  at?: number;
}

/**
 * The option value: with the offset when both fit Discord's 100 characters, else the id alone (the article then
 * opens at its start), or undefined when even the id does not fit.
 */
export function encodeArticleChoice(choice: ArticleChoice): string | undefined {
  const value = choice.at === undefined ? choice.articleId : `${choice.at}@${choice.articleId}`;
  if (value.length <= LIMITS.selectValue) return value;
  return choice.articleId.length <= LIMITS.selectValue ? choice.articleId : undefined;
}

/** Reads an option value; `known` tells whether a whole value is an article id (checked first). */
export function decodeArticleChoice(value: string, known: (articleId: string) => boolean): ArticleChoice {
  if (known(value)) return { articleId: value };
  const match = /^(\d{1,9})@(.+)$/.exec(value);
  return match ? { articleId: match[2]!, at: Number(match[1]) } : { articleId: value };
}
