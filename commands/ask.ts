/**
 * /ask question:<text> [passages:1-10] [private:true|false] [since:<date>] [until:<date>]
 * Answers from the coverage with exact quotes and their sources. The interaction is acknowledged (deferred)
 * before any model work, so Discord's 3-second deadline is met however long the answer takes.
 */
import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction, type MessageComponentInteraction } from 'discord.js';
import { answerInteraction } from '../src/bot/answering.js';
import type { Command } from '../src/bot/command.js';
import type { AnswerSession, BotContext } from '../src/bot/context.js';
import { decodeArticleChoice, type CustomIdOf } from '../src/bot/custom-ids.js';
import { openFollowUp } from '../src/bot/follow-up-button.js';
import type { FeedbackEntry, Vote } from '../src/bot/feedback.js';
import { expiredComponents, NO_MENTIONS, notice, replyWithError, UNKNOWN_COMPONENT } from '../src/bot/replies.js';
import { whereAsked } from '../src/bot/question-log.js';
import { showArticle } from '../src/bot/source-pages.js';
import { contentText } from '../src/bot/format/index.js';
import { periodFromBounds, type Period } from '../src/dates.js';
import { asUserFacing, UserFacingError } from '../src/errors.js';
import { checkPeriod, validateQuestion } from '../src/answer-question.js';

export const data = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Ask a question about the news coverage; the answer quotes the articles.')
  .addStringOption((o) => o.setName('question').setDescription('Your question').setRequired(true).setMaxLength(4000))
  .addIntegerOption((o) => o.setName('passages').setDescription('How many passages to quote (1-10)').setMinValue(1).setMaxValue(10))
  .addBooleanOption((o) => o.setName('private').setDescription('Only you see the answer'))
  .addStringOption((o) => o.setName('since').setDescription('Only articles published since: 2023-09-13, 2023-09, 2023, or 7d, 2w, 3m, 1y ago').setMaxLength(40))
  .addStringOption((o) => o.setName('until').setDescription('Only articles published until: 2023-09-30, 2023-09, 2023, or 7d ago').setMaxLength(40));

export const ANSWER_BUTTONS_EXPIRED = 'The buttons under this answer have expired. Ask again with `/ask` to rate a new answer.';
/** The reply to a vote that could not be written (the database did not answer in time, the log could not be written). */
export const VOTE_NOT_SAVED = 'Sorry, your vote could not be saved just now. Please try again in a moment.';

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const isPrivate = interaction.options.getBoolean('private') ?? false;
  const passages = interaction.options.getInteger('passages') ?? ctx.config.retrieval.passages;
  let question: string;
  let period: Period | undefined;
  try {
    question = validateQuestion(interaction.options.getString('question', true), ctx.config.retrieval.maxQuestionChars);
    period = periodFromBounds(
      { since: interaction.options.getString('since') ?? undefined, until: interaction.options.getString('until') ?? undefined },
      { since: '`since`', until: '`until`' },
    );
    checkPeriod(ctx.pipeline.index, period);
  } catch (error) {
    // Expected failures are told from bugs in one way only (src/errors.ts); anything else reaches the router.
    if (!(error instanceof UserFacingError)) throw error;
    await interaction.reply(notice(error.message));
    return;
  }
  await answerInteraction(interaction, ctx, { question, passages, private: isPrivate, period, via: 'ask' });
}

async function vote(interaction: MessageComponentInteraction, id: CustomIdOf<'vote'>, ctx: BotContext): Promise<void> {
  const session = ctx.answers.get(id.session);
  if (!session) {
    await expiredComponents(interaction, ANSWER_BUTTONS_EXPIRED);
    return;
  }
  // Acknowledged before the feedback store is written (with DATABASE_URL, a query that may take longer than
  // Discord's 3 seconds); the thanks, or the word that the vote was not saved, then edits this private reply.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let thanks: string;
  try {
    thanks = await recordVote(interaction, id, ctx, session.data);
  } catch (error) {
    // The member is told that this vote was not saved, and may vote again; the operator reads why in the log (a
    // database that did not answer within QUESTION_TIMEOUT_MS, a log that cannot be written), a bug with its stack.
    const expected = asUserFacing(error);
    const where = { customId: interaction.customId, userId: interaction.user.id, guildId: interaction.guildId ?? 'dm' };
    if (expected) ctx.logger.warn(`A vote could not be saved: ${expected.message}`, where);
    else ctx.logger.error('A vote could not be saved', { ...where, error });
    await replyWithError(interaction, VOTE_NOT_SAVED);
    return;
  }
  await interaction.editReply({ content: contentText(thanks), allowedMentions: NO_MENTIONS });
}

/** Writes the member's vote on the answer; returns the thanks (or the word that it was already recorded). */
async function recordVote(interaction: MessageComponentInteraction, id: CustomIdOf<'vote'>, ctx: BotContext, state: AnswerSession): Promise<string> {
  const value: Vote = id.choice;
  const userHash = await ctx.feedback.hashUser(interaction.user.id);
  if (state.votes.get(userHash) === value) return 'Your vote on this answer is already recorded. Thank you!';
  const record: FeedbackEntry = {
    timestamp: new Date().toISOString(),
    vote: value,
    // A private answer was for the asker's eyes only: its text stays out of the log.
    ...(state.private ? {} : { question: state.answer.question, answer: state.answer.answer }),
    found: state.answer.found,
    citations: state.answer.passages.map((p, i) => ({
      rank: p.rank,
      articleId: p.articleId,
      chunk: p.chunk,
      quoteStart: p.quoteStart,
      quoteEnd: p.quoteEnd,
      score: p.score,
    })),
    articleIds: state.answer.sources.map((s) => s.articleId),
    settings: {
      passages: state.passages,
      retrievalMode: ctx.config.retrieval.mode,
      indexVersion: state.indexVersion,
      model: state.model,
      private: state.private,
    },
    userHash,
    guildId: interaction.guildId,
    ...whereAsked(interaction),
    answerId: id.session,
  };
  // Set before the write, so that a second click meanwhile is not counted twice; taken back if the write fails.
  const before = state.votes.get(userHash);
  state.votes.set(userHash, value);
  try {
    await ctx.feedback.append(record);
  } catch (error) {
    // Only this vote is taken back: one the member made meanwhile, and recorded, stays.
    if (state.votes.get(userHash) === value) {
      if (before === undefined) state.votes.delete(userHash);
      else state.votes.set(userHash, before);
    }
    throw error;
  }
  return value === 'up' ? 'Thanks! Glad it helped. 👍' : 'Thanks for telling me. This helps improve the answers. 👎';
}

async function openArticle(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.isStringSelectMenu()) {
    await interaction.reply(notice(UNKNOWN_COMPONENT));
    return;
  }
  const { articles } = ctx.pipeline.index;
  const choice = decodeArticleChoice(interaction.values[0] ?? '', (id) => articles.has(id));
  const article = articles.get(choice.articleId);
  if (!article) {
    await interaction.reply(notice('That article is no longer in the coverage (the index was rebuilt). Try `/source` to find it.'));
    return;
  }
  await showArticle(interaction, article, ctx, { ephemeral: true, at: choice.at });
}

export const components: Command['components'] = {
  open: (interaction, _id, ctx) => openArticle(interaction, ctx),
  vote,
  // Under every public answer (also those of "Ask the coverage" and of follow-ups' channel modes).
  followUp: openFollowUp,
};
