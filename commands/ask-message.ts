/**
 * "Ask the coverage": a message context-menu command (right-click or long-press a message → Apps). The
 * message's text is the question (a forwarded message's: the text it shows); the answer is public, under a link to that message, with the same answer
 * message as /ask (and "Follow up"). A message without text (only an image, a sticker or mentions) or over
 * the question limit gets a polite private line. Interactions carry the target message's text whether or not
 * the bot has the Message Content intent.
 */
import { ApplicationCommandType, ContextMenuCommandBuilder, InteractionContextType, type MessageContextMenuCommandInteraction } from 'discord.js';
import { isAnswerIntro, MENU_INTRO } from '../src/bot/answer-message.js';
import { answerInteraction } from '../src/bot/answering.js';
import type { BotContext } from '../src/bot/context.js';
import { notice } from '../src/bot/replies.js';
import { questionText } from '../src/bot/question-text.js';
import { QuestionError, validateQuestion } from '../src/answer-question.js';

export const data = new ContextMenuCommandBuilder()
  .setName('Ask the coverage')
  .setType(ApplicationCommandType.Message)
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM);

export const NO_TEXT = "That message has no text I can read as a question (only an image, a sticker or mentions). Pick a message that asks something in words, or use `/ask`.";

export const OWN_MESSAGE = "That is one of my own messages: its words are an answer, not a question. Press **Follow up** under an answer to ask about it, or use `/ask`.";

export async function execute(interaction: MessageContextMenuCommandInteraction, ctx: BotContext): Promise<void> {
  const target = interaction.targetMessage;
  // The bot's own answer reads as its intro line ("↪️ Asked about …", "Following up on: …"): no question of anyone's.
  if (target.author.id === interaction.client.user.id || target.author.id === interaction.applicationId) {
    await interaction.reply(notice(OWN_MESSAGE));
    return;
  }
  // A forward has no text of its own: it shows the forwarded message's (its snapshot), which is what was picked;
  // one of the bot's answers forwarded shows its intro line.
  const forwarded = target.messageSnapshots.first()?.content ?? '';
  if (!target.content.trim() && isAnswerIntro(forwarded)) {
    await interaction.reply(notice(OWN_MESSAGE));
    return;
  }
  const text = questionText(target) || questionText({ content: forwarded });
  if (!text) {
    ctx.logger.info('Context-menu question without text', { messageId: target.id, channelId: interaction.channelId, userId: interaction.user.id, attachments: target.attachments.size });
    await interaction.reply(notice(NO_TEXT));
    return;
  }
  let question: string;
  try {
    question = validateQuestion(text, ctx.config.retrieval.maxQuestionChars);
  } catch (error) {
    if (!(error instanceof QuestionError)) throw error;
    await interaction.reply(notice(`${error.message} You can also ask with \`/ask\`, in your own words.`));
    return;
  }
  const passages = ctx.config.retrieval.passages;
  await answerInteraction(interaction, ctx, { question, passages, private: false, intro: `${MENU_INTRO} ${target.url}`, via: 'menu' });
}
