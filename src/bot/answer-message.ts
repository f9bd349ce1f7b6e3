/**
 * An answer as a Discord message, the same wherever it is asked (the /ask command, a follow-up, a channel
 * mode): the answer embed, the "Open a cited article…" menu, the 👍/👎 buttons and "Follow up" (public
 * answers outside a conversation), whose session holds what the buttons' custom ids cannot.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
} from 'discord.js';
import type { Answer, Source } from '../answer.js';
import type { Coverage } from '../index/coverage.js';
import type { Period } from '../dates.js';
import type { AnswerSession, BotContext } from './context.js';
import { encode, encodeArticleChoice } from './custom-ids.js';
import { answerEmbed, articleLabel, contentText, LIMITS, trimText } from './format/index.js';
import { NO_MENTIONS } from './replies.js';
import type { Session } from './sessions.js';

export const FOLLOW_UP_LABEL = 'Follow up';

export interface AnswerMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowedMentions: typeof NO_MENTIONS;
}

/** Remembers an answer for its buttons; `removeButtons` runs when the session expires. */
export function startAnswerSession(
  ctx: BotContext,
  { answer, passages, private: isPrivate, snapshot, period }: { answer: Answer; passages: number; private: boolean; snapshot: Pick<Coverage, 'version' | 'manifest'>; period?: Period },
  removeButtons: () => Promise<unknown>,
): Session<AnswerSession> {
  return ctx.answers.create(
    { answer, passages, private: isPrivate, indexVersion: snapshot.version, model: snapshot.manifest.model.id, votes: new Map(), ...(period ? { period } : {}) },
    removeButtons,
  );
}

/** How the intro line of an answer opens: one asked with "Ask the coverage", one following up in a conversation. */
export const MENU_INTRO = '↪️ Asked about';
export const FOLLOW_UP_INTRO = 'Following up on:';

/** Whether a message's text is an answer's intro line (the bot's own words, forwarded or not). */
export const isAnswerIntro = (text: string): boolean => [MENU_INTRO, FOLLOW_UP_INTRO].some((intro) => text.trimStart().startsWith(intro));

export interface AnswerMessageOptions {
  /**
   * Offer "Follow up" (default): not under a private answer (a conversation is public) nor under an answer
   * already in a conversation (its thread or reply chain is where follow-ups go).
   */
  followUp?: boolean;
  /** A line above the answer: the earlier question a follow-up builds on, the message a question came from. */
  intro?: string;
}

/** The whole message of an answer whose buttons belong to session `sessionId`. */
export function answerMessage(answer: Answer, sessionId: string, options: AnswerMessageOptions = {}): AnswerMessage {
  return {
    content: options.intro ? contentText(options.intro) : '',
    embeds: [answerEmbed(answer)],
    components: answerComponents(answer, sessionId, options),
    allowedMentions: NO_MENTIONS,
  };
}

export function answerComponents(answer: Answer, sessionId: string, { followUp = true }: AnswerMessageOptions = {}): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  // Each cited article opens at the sentence its first quote was chosen for (a quote that took in the sentence
  // before may begin a page earlier); one whose value would not fit the menu is left out.
  const sources = answer.sources
    .map((s) => ({ source: s, value: encodeArticleChoice({ articleId: s.articleId, at: answer.passages.find((p) => p.articleId === s.articleId)?.sentenceStart }) }))
    .filter((s): s is { source: Source; value: string } => s.value !== undefined)
    .slice(0, LIMITS.selectOptions);
  if (sources.length > 0) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: encode({ kind: 'open' }),
          placeholder: 'Open a cited article…',
          options: sources.map(({ source: s, value }) => ({
            label: articleLabel({ title: s.title }, LIMITS.selectLabel),
            value,
            ...(s.outlet ? { description: trimText(s.outlet, LIMITS.selectDescription) } : {}),
          })),
        },
      ],
    });
  }
  rows.push({
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: encode({ kind: 'vote', session: sessionId, choice: 'up' }), label: 'Helpful', emoji: { name: '👍' } },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: encode({ kind: 'vote', session: sessionId, choice: 'down' }), label: 'Not helpful', emoji: { name: '👎' } },
      ...(followUp
        ? [{ type: ComponentType.Button as const, style: ButtonStyle.Primary as const, custom_id: encode({ kind: 'followUp', session: sessionId }), label: FOLLOW_UP_LABEL, emoji: { name: '💬' } }]
        : []),
    ],
  });
  return rows;
}

