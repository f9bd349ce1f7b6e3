/** Discord's documented limits, the bot's colours, and the checks tests and the budgeting use. */
import type { APIEmbed } from 'discord.js';

/** Discord's documented limits (characters unless said otherwise). */
export const LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  customId: 100,
  selectOptions: 25,
  selectLabel: 100,
  selectValue: 100,
  selectDescription: 100,
  buttonLabel: 80,
  url: 2048,
} as const;

export const COLORS = { answer: 0x2f6fb0, unsure: 0xc9a227, notFound: 0x99aab5, article: 0x4f7942, error: 0xc0392b } as const;

/** The characters Discord counts toward an embed's 6000 total. */
export function embedTotal(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

/** Every limit of one embed that the payload breaks (empty when it is valid). */
export function embedProblems(embed: APIEmbed): string[] {
  const problems: string[] = [];
  const check = (what: string, length: number | undefined, max: number) => {
    if (length !== undefined && length > max) problems.push(`${what} is ${length} > ${max}`);
  };
  check('title', embed.title?.length, LIMITS.title);
  check('description', embed.description?.length, LIMITS.description);
  check('footer', embed.footer?.text.length, LIMITS.footer);
  check('author', embed.author?.name.length, LIMITS.authorName);
  check('fields', embed.fields?.length, LIMITS.fields);
  for (const [i, field] of (embed.fields ?? []).entries()) {
    check(`field ${i} name`, field.name.length, LIMITS.fieldName);
    check(`field ${i} value`, field.value.length, LIMITS.fieldValue);
    if (!field.name || !field.value) problems.push(`field ${i} is empty`);
  }
  check('total', embedTotal(embed), LIMITS.embedTotal);
  return problems;
}
