/**
 * Answering a member's question, the same for every way of asking: the per-member rate limit, the
 * acknowledgement within Discord's 3 seconds, the answer and its session. Used by /ask, "Ask the coverage"
 * (a message's context menu) and follow-ups (which answer a message, not an interaction).
 */
import { MessageFlags, type ChatInputCommandInteraction, type MessageContextMenuCommandInteraction } from 'discord.js';
import type { Answer } from '../answer.js';
import type { Period } from '../dates.js';
import { QuestionError } from '../answer-question.js';
import { searchedPeriod } from '../conversation.js';
import { answerMessage, startAnswerSession } from './answer-message.js';
import { takeQuestion } from './ask-limit.js';
import type { BotContext } from './context.js';
import { contentText } from './format/index.js';
import { recordQuestion, type QuestionVia } from './question-log.js';
import { NO_MENTIONS, notice } from './replies.js';

export interface InteractionQuestion {
  /** Already validated (validateQuestion). */
  question: string;
  passages: number;
  private: boolean;
  period?: Period;
  /** A line above the answer (answer-message.ts). */
  intro?: string;
  /** How it was asked, for the question log. */
  via: QuestionVia;
}

/** Rate limit, defer, ask, answer: the reply is the answer message (ephemeral when private). */
export async function answerInteraction(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
  ctx: BotContext,
  { question, passages, private: isPrivate, period, intro, via }: InteractionQuestion,
): Promise<void> {
  const limit = takeQuestion(ctx, { guildId: interaction.guildId, userId: interaction.user.id });
  if (!limit.allowed) {
    await interaction.reply(notice(limit.refusal));
    return;
  }

  // Acknowledge first: everything after this may take longer than Discord's 3 seconds.
  await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});

  let answer: Answer;
  const now = Date.now();
  try {
    answer = await ctx.pipeline.ask(question, { passages, period, now });
  } catch (error) {
    // Only the member's own question is theirs to fix; other expected failures (no index, the model) are the
    // operator's, whose messages name folders and commands: the router logs them and apologises.
    if (!(error instanceof QuestionError)) throw error;
    await interaction.editReply({ content: contentText(error.message), allowedMentions: NO_MENTIONS });
    return;
  }
  const searched = searchedPeriod(question, answer, period, now);
  const session = startAnswerSession(ctx, { answer, passages, private: isPrivate, snapshot: ctx.pipeline.answeredFrom(answer), period: searched }, () =>
    interaction.editReply({ components: [], allowedMentions: NO_MENTIONS }),
  );
  // A private answer gets no "Follow up": a conversation happens in public.
  await interaction.editReply(answerMessage(answer, session.id, { followUp: !isPrivate, intro }));
  await recordQuestion(ctx, { answer, via, userId: interaction.user.id, guildId: interaction.guildId, askedIn: interaction, private: isPrivate });
}
