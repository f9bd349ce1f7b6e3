/**
 * Messages members post reach the message handlers through the router, the way the gateway delivers them:
 * in order until one takes the message; never the bot's own or other bots'; a failing handler is logged
 * without the message's text and the bot keeps serving.
 */
import type { Message } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../src/bot/context.js';
import type { MessageHandler } from '../src/bot/message-handler.js';
import { Router } from '../src/bot/router.js';
import { APP_ID, cacheGuildChannel, deliverMessage, FakeDiscord, fakeClient, gatewayMessage, memoryLogger } from './bot-helpers.js';

function recorder(name: string, takes: (m: Message) => boolean, seen: string[]): MessageHandler {
  return {
    name,
    async handle(message) {
      seen.push(`${name}:${message.id}`);
      return takes(message);
    },
  };
}

describe('message handlers', () => {
  const api = new FakeDiscord();
  let client: ReturnType<typeof fakeClient>;
  const logger = memoryLogger();

  beforeAll(async () => {
    client = fakeClient(await api.start());
    cacheGuildChannel(client);
  });
  afterAll(async () => {
    await client.destroy();
    await api.stop();
  });

  function routerWith(handlers: MessageHandler[]): Router {
    const router = new Router([], { logger } as unknown as BotContext, handlers);
    router.attach(client);
    return router;
  }

  it('offers a member message to the handlers in order until one takes it, and never a bot message', async () => {
    const seen: string[] = [];
    const router = routerWith([recorder('first', (m) => m.content.startsWith('!'), seen), recorder('second', () => true, seen), recorder('third', () => true, seen)]);
    const taken = gatewayMessage('!first takes this');
    const passed = gatewayMessage('what did Kim say in Vladivostok?');
    deliverMessage(client, taken);
    deliverMessage(client, passed);
    deliverMessage(client, gatewayMessage('I am a bot', { bot: true, userId: '700000000000000077' }));
    deliverMessage(client, { ...gatewayMessage('from a webhook'), webhook_id: APP_ID });
    await router.idle();
    expect(seen).toEqual([`first:${taken.id}`, `first:${passed.id}`, `second:${passed.id}`]);
    client.removeAllListeners();
  });

  it('offers a message delivered twice once (a replayed dispatch; the client keeps no messages to skip it by)', async () => {
    const seen: string[] = [];
    const router = routerWith([recorder('only', () => true, seen)]);
    const question = gatewayMessage('who met Kim in Vladivostok?');
    deliverMessage(client, question);
    deliverMessage(client, question);
    deliverMessage(client, { ...question });
    await router.idle();
    expect(seen).toEqual([`only:${question.id}`]);
    client.removeAllListeners();
  });

  it('logs a failing handler without the text of the message, and keeps serving', async () => {
    const seen: string[] = [];
    const failing: MessageHandler = {
      name: 'broken',
      async handle() {
        throw new Error('handler bug');
      },
    };
    const router = routerWith([failing, recorder('after', () => true, seen)]);
    const secret = 'my private question about the minister';
    deliverMessage(client, gatewayMessage(secret));
    await router.idle();
    const failure = logger.lines.find((l) => l.message === 'Message handler failed');
    expect(failure?.meta).toMatchObject({ handler: 'broken', channelId: expect.any(String) });
    expect(JSON.stringify(logger.lines)).not.toContain(secret);
    expect(seen).toEqual([]);

    const next = gatewayMessage('a second question');
    deliverMessage(client, next);
    await router.idle();
    expect(logger.lines.filter((l) => l.message === 'Message handler failed')).toHaveLength(2);
    await router.stop();
    deliverMessage(client, gatewayMessage('after stop'));
    await router.idle();
    expect(logger.lines.filter((l) => l.message === 'Message handler failed')).toHaveLength(2);
    client.removeAllListeners();
  });
});
