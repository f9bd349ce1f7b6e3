/**
 * Formatting for Discord, pure and tested with plain objects: limits (limits.ts), text (text.ts), the one
 * budgeting routine (budget.ts), answers (answer.ts), articles (article.ts), short replies (reply.ts).
 */
export * from './answer.js';
export * from './article.js';
export * from './budget.js';
export * from './limits.js';
export * from './reply.js';
export * from './text.js';
export * from './report.js';
