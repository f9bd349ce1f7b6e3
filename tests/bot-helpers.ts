/**
 * Test kit for the bot: a fake Discord HTTP API on 127.0.0.1 that records every request discord.js makes,
 * a discord.js Client pointed at it (never logged in), raw interaction payloads as Discord sends them, and
 * a real pipeline on a real index built in a temporary folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  Client,
  ClientUser,
  ComponentType,
  InteractionType,
  PermissionFlagsBits,
  type APIEmbed,
  type Interaction,
} from 'discord.js';
import { expect } from 'vitest';
import { commands } from '../commands/index.js';
import { createContext, type BotContext } from '../src/bot/context.js';
import { channelModes } from '../src/bot/channel-modes.js';
import { followUps } from '../src/bot/follow-up-messages.js';
import { Router } from '../src/bot/router.js';
import { clientOptions } from '../src/bot/start.js';
import { configFromEnv, type Config } from '../src/config.js';
import type { Article } from '../src/corpus/types.js';
import { loadCorpus } from '../src/corpus/load.js';
import { loadEmbedder, type Embedder } from '../src/embedder.js';
import { buildIndex } from '../src/index/build.js';
import { openPipeline, type Pipeline } from '../src/pipeline.js';
import type { Logger } from '../src/bot/log.js';
import type { MessageHandler } from '../src/bot/message-handler.js';
import { ARTICLES_DIR } from './helpers.js';

export const APP_ID = '100000000000000001';
export const GUILD_ID = '200000000000000002';
export const CHANNEL_ID = '300000000000000003';
/** What an ordinary member may do in a channel (no Manage Server): read, post, open threads and post in them. */
export const MEMBER_PERMISSIONS = String(
  PermissionFlagsBits.ViewChannel |
    PermissionFlagsBits.SendMessages |
    PermissionFlagsBits.CreatePublicThreads |
    PermissionFlagsBits.SendMessagesInThreads |
    PermissionFlagsBits.ReadMessageHistory |
    PermissionFlagsBits.EmbedLinks |
    PermissionFlagsBits.AddReactions |
    PermissionFlagsBits.UseApplicationCommands,
);
export const FAKE_BOT_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.FAKE00.not-a-real-token-0123456789';

/** One ordered log shared by the fake API and the instrumented pipeline, to prove what happened first. */
export const timeline: string[] = [];

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  headers: http.IncomingHttpHeaders;
  /** What the fake API answered (JSON responses only). */
  response?: any;
}

let messageCounter = 0;

function fakeMessage(body: any, interactionToken?: string, channelId = CHANNEL_ID): any {
  return {
    id: String(900000000000000000n + BigInt(++messageCounter)),
    channel_id: channelId,
    author: { id: APP_ID, username: 'coverage-bot', discriminator: '0000', avatar: null, bot: true, global_name: null },
    content: body?.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: body?.embeds ?? [],
    components: body?.components ?? [],
    pinned: false,
    type: 0,
    flags: body?.flags ?? 0,
    webhook_id: APP_ID,
    application_id: APP_ID,
    ...(interactionToken ? {} : {}),
  };
}

/** Discord's error bodies for the failures the tests ask for. */
export const UNKNOWN_CHANNEL = { status: 404, code: 10003, message: 'Unknown Channel' };
export const MISSING_PERMISSIONS = { status: 403, code: 50013, message: 'Missing Permissions' };
export const MISSING_ACCESS = { status: 403, code: 50001, message: 'Missing Access' };

export interface FailRule {
  method: string;
  path: RegExp;
  error: { status: number; code: number; message: string };
}

/** A thread channel as Discord returns it (type 11: a public thread), started on message `id` in `parentId`. */
export function threadChannel(id: string, parentId = CHANNEL_ID, name = 'thread'): any {
  return {
    id,
    type: 11,
    guild_id: GUILD_ID,
    parent_id: parentId,
    name,
    owner_id: APP_ID,
    flags: 0,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
  };
}

/** A message the bot posted in a channel (not through an interaction): no webhook id; a reply keeps its reference. */
function channelMessage(body: any, channelId: string): any {
  const { webhook_id: _webhook, application_id: _application, ...message } = fakeMessage(body, undefined, channelId);
  return { ...message, ...(body?.message_reference ? { message_reference: body.message_reference, type: 19 } : {}) };
}

/** A small Discord API: records every request and answers like Discord does for interactions and channels. */
export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;
  private seq = 0;
  /** When set, the next callback for this interaction id fails with this status (to simulate Discord errors). */
  failCallbacks = new Map<string, number>();
  /** Channels where posting fails with this status (403: the bot lost its permissions there). */
  failChannels = new Map<string, number>();
  /** What GET /gateway/bot answers (the gateway's address and the recommended shard count). */
  gateway = { url: 'wss://gateway.invalid', shards: 1 };
  /** Requests matching a rule fail with its error, as Discord fails them (a deleted thread, lost permissions). */
  failures: FailRule[] = [];

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => this.respond(req, raw, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private respond(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = new URL(req.url!, 'http://127.0.0.1');
    const route = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    let body: any = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // multipart or text: keep it raw
    }
    const record: RecordedRequest = { seq: ++this.seq, method: req.method!, path: route, query: url.searchParams, body, headers: req.headers };
    this.requests.push(record);
    timeline.push(`${req.method} ${route.replace(/\/[\w.-]{30,}/g, '/{token}')}${body?.type !== undefined ? ` type=${body.type}` : ''}`);
    const json = (status: number, data: unknown) => {
      record.response = data;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    const callback = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(route);
    if (callback) {
      const status = this.failCallbacks.get(callback[1]!);
      if (status) return json(status, { message: 'Unknown interaction', code: 10062 });
      res.writeHead(204).end();
      return;
    }
    const failure = this.failures.find((f) => f.method === req.method && f.path.test(route));
    if (failure) return json(failure.error.status, { message: failure.error.message, code: failure.error.code });
    if (req.method === 'PATCH' && /^\/webhooks\/\d+\/[^/]+\/messages\/[@\w]+$/.test(route)) return json(200, fakeMessage(body));
    if (req.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(route)) return json(200, fakeMessage(body));
    const channel = /^\/channels\/(\d+)\/(typing|messages(?:\/(\d+)(\/threads)?)?)$/.exec(route);
    if (channel) {
      const [, channelId, what, messageId, threads] = channel;
      if (req.method === 'POST' && what === 'typing') return void res.writeHead(204).end();
      const status = this.failChannels.get(channelId!);
      if (status && (req.method === 'POST' || req.method === 'PATCH')) return json(status, status === 404 ? { message: 'Unknown Channel', code: 10003 } : { message: 'Missing Permissions', code: 50013 });
      if (req.method === 'POST' && threads) return json(201, threadChannel(messageId!, channelId, body?.name));
      if (req.method === 'POST' && !messageId) return json(200, channelMessage(body, channelId!));
      if (req.method === 'PATCH' && messageId) return json(200, { ...channelMessage(body, channelId!), id: messageId });
    }
    if (req.method === 'GET' && route === '/gateway/bot') {
      return json(200, { ...this.gateway, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 16 } });
    }
    if (req.method === 'DELETE') {
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(route)) {
      return json(200, (body as any[]).map((c, i) => ({ ...c, id: String(i + 1), application_id: APP_ID, version: '1' })));
    }
    json(404, { message: 'Not found in the fake API', code: 0 });
  }

  /** Requests made for one interaction (its callback and its webhook messages). */
  forInteraction(raw: { id: string; token: string }): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(`/interactions/${raw.id}/`) || r.path.includes(`/webhooks/${APP_ID}/${raw.token}`));
  }
}

/** A discord.js client with the bot's options (its caches, partials, no pings) that never logs in; its REST calls go to the fake API. */
export function fakeClient(api: string): Client {
  const client = new Client({ ...clientOptions(configFromEnv({})), intents: [], rest: { api, retries: 0, timeout: 10_000 } });
  client.token = FAKE_BOT_TOKEN;
  client.rest.setToken(FAKE_BOT_TOKEN);
  return client;
}

let interactionCounter = 0;

function base(userId: string) {
  const n = ++interactionCounter;
  return {
    id: String(500000000000000000n + BigInt(n)),
    application_id: APP_ID,
    token: `interaction-token-${n}-${'x'.repeat(40)}`,
    version: 1,
    guild_id: GUILD_ID,
    channel_id: CHANNEL_ID,
    // Discord sends the channel as a partial object too; discord.js reads the interaction's channel id from it.
    channel: { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: 'news' },
    member: {
      user: { id: userId, username: `user${userId.slice(-4)}`, discriminator: '0', avatar: null, global_name: null },
      roles: [],
      permissions: MEMBER_PERMISSIONS,
      joined_at: '2024-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
    },
    app_permissions: '0',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': GUILD_ID },
    context: 0,
    attachment_size_limit: 8_388_608,
  };
}

type OptionValue = string | number | boolean;

function options(values: Record<string, OptionValue>, focused?: string) {
  return Object.entries(values).map(([name, value]) => ({
    name,
    value,
    type:
      typeof value === 'boolean'
        ? ApplicationCommandOptionType.Boolean
        : typeof value === 'number'
          ? ApplicationCommandOptionType.Integer
          : ApplicationCommandOptionType.String,
    ...(focused === name ? { focused: true } : {}),
  }));
}

export function chatInput(name: string, values: Record<string, OptionValue>, userId = '700000000000000001') {
  return {
    ...base(userId),
    type: InteractionType.ApplicationCommand,
    data: { id: '600000000000000001', name, type: ApplicationCommandType.ChatInput, options: options(values) },
  };
}

export function autocomplete(name: string, values: Record<string, OptionValue>, focused: string, userId = '700000000000000001') {
  return {
    ...base(userId),
    type: InteractionType.ApplicationCommandAutocomplete,
    data: { id: '600000000000000001', name, type: ApplicationCommandType.ChatInput, options: options(values, focused) },
  };
}

/** A click on a component of a message the bot sent (the message as the fake API returned it). */
export function buttonClick(customId: string, message: any, userId = '700000000000000001') {
  return { ...base(userId), type: InteractionType.MessageComponent, message, data: { custom_id: customId, component_type: ComponentType.Button } };
}

export function selectPick(customId: string, values: string[], message: any, userId = '700000000000000001') {
  return {
    ...base(userId),
    type: InteractionType.MessageComponent,
    message,
    data: { custom_id: customId, component_type: ComponentType.StringSelect, values },
  };
}

/** Delivers a raw payload the way the gateway does: through the client's InteractionCreate action. */
export function deliver(client: Client, raw: unknown): void {
  (client as unknown as { actions: { InteractionCreate: { handle(data: unknown): void } } }).actions.InteractionCreate.handle(raw);
}

/** Builds an interaction object directly, for handlers called without the router. */
export function captureNext(client: Client): Promise<Interaction> {
  return new Promise((resolve) => client.once('interactionCreate', resolve));
}

/** The message body a reply sent: the interaction callback's `data` or a webhook message body. */
export function messageBody(request: RecordedRequest): any {
  return request.path.endsWith('/callback') ? request.body?.data : request.body;
}

/** A message as the fake API would return it after this request (for building clicks on it). */
export function asMessage(request: RecordedRequest): any {
  return fakeMessage(messageBody(request));
}

export function embedsOf(request: RecordedRequest): APIEmbed[] {
  return messageBody(request)?.embeds ?? [];
}

export const EPHEMERAL = 1 << 6;

export interface TestIndex {
  dir: string;
  config: Config;
  embedder: Embedder;
  articles: Article[];
  pipeline: Pipeline;
  /** Rebuilds the index in the same folder with these extra articles, without those of `drop` (an incremental build). */
  rebuild(extra: Article[], drop?: string[]): Promise<void>;
  cleanup(): Promise<void>;
}

/** The real corpus plus `extra` articles, embedded with the real model into a temporary folder. */
export async function buildTestIndex(extra: Article[] = [], env: Record<string, string> = {}): Promise<TestIndex> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'coverage-bot-test-'));
  const config = configFromEnv({
    CORPUS_DIR: ARTICLES_DIR,
    EMBEDDINGS_DIR: path.join(dir, 'embeddings'),
    FEEDBACK_LOG: path.join(dir, 'feedback.jsonl'),
    QUESTION_LOG: path.join(dir, 'questions.jsonl'),
    CHANNEL_SETTINGS_FILE: path.join(dir, 'channel-settings.json'),
    ...env,
  });
  const corpus = await loadCorpus(config.corpusDir);
  const embedder = await loadEmbedder(config.embedding);
  const articles = [...corpus.articles, ...extra];
  const build = (list: Article[]) =>
    buildIndex({ articles: list, embedder, dir: config.embeddingsDir, chunking: config.chunking, hnsw: config.hnsw });
  await build(articles);
  const pipeline = await openPipeline(config);
  return {
    dir,
    config,
    embedder,
    articles,
    pipeline,
    rebuild: async (more, drop = []) => {
      await build([...articles.filter((a) => !drop.includes(a.id)), ...more]);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Records every call to the pipeline's model, in the shared timeline. */
export function instrumentModel(pipeline: Pipeline): void {
  const embedder = pipeline.embedder as { embedQuery: Embedder['embedQuery'] };
  const original = embedder.embedQuery.bind(embedder);
  embedder.embedQuery = async (text) => {
    timeline.push(`embedQuery ${text.slice(0, 40)}`);
    return original(text);
  };
}

export interface CapturedLog {
  level: 'info' | 'warn' | 'error';
  message: string;
  meta?: Record<string, unknown>;
}

export function memoryLogger(): Logger & { lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  return {
    lines,
    info: (message, meta) => lines.push({ level: 'info', message, meta }),
    warn: (message, meta) => lines.push({ level: 'warn', message, meta }),
    error: (message, meta) => lines.push({ level: 'error', message, meta }),
  };
}

const words = ['harbour', 'signal', 'winter', 'ledger', 'tide', 'beacon', 'storm', 'cargo', 'northern', 'channel', 'fog', 'supply', 'keeper', 'season', 'route'];

/** A very long article with long sentences about the Vellamo lighthouse keepers, for limits and paging. */
export function longArticle(): Article {
  const paragraphs = Array.from({ length: 8 }, (_, p) =>
    Array.from({ length: 3 }, (_, s) => {
      const filler = Array.from({ length: 50 }, (_, w) => words[(p * 7 + s * 3 + w) % words.length]).join(' ');
      return `In entry ${p * 3 + s + 1}, the lighthouse keepers on Vellamo island recorded that the ${filler}, according to the keepers' logbook.`;
    }).join(' '),
  );
  const text = paragraphs.join('\n\n');
  return {
    id: 'the-lighthouse-keepers-of-vellamo-island-a-very-long-logbook',
    title: 'The lighthouse keepers of Vellamo island: a very long logbook',
    outlet: 'The Test Gazette',
    author: 'A. Tester',
    url: 'https://example.com/vellamo',
    published: '2024-02-03',
    text,
    captions: [],
    source: 'test/vellamo.md',
  };
}

export interface RunningBot {
  index: TestIndex;
  api: FakeDiscord;
  apiUrl: string;
  client: Client;
  ctx: BotContext;
  router: Router;
}

/** The real index (with the long test article), a fake Discord API, and a client routed to the commands. */
export async function startBot(options: { now: () => number; logger: Logger; messageHandlers?: MessageHandler[]; env?: Record<string, string> }): Promise<RunningBot> {
  const index = await buildTestIndex([longArticle()], options.env);
  const api = new FakeDiscord();
  const apiUrl = await api.start();
  const client = fakeClient(apiUrl);
  const ctx = createContext(index.pipeline, index.config, options);
  // The production order of message handlers (commands/start.ts) unless a test gives its own.
  const router = new Router(commands, ctx, options.messageHandlers ?? [followUps, channelModes]);
  router.attach(client);
  return { index, api, apiUrl, client, ctx, router };
}

export async function stopBot(bot: RunningBot | undefined): Promise<void> {
  if (!bot) return;
  try {
    await bot.client.destroy();
    await bot.api.stop();
  } finally {
    await bot.index.cleanup();
  }
}

/** Delivers one interaction and waits until the bot has finished with it; returns what it sent. */
export async function runInteraction(api: FakeDiscord, router: Router, client: Client, raw: any): Promise<RecordedRequest[]> {
  deliver(client, raw);
  await router.idle();
  return api.forInteraction(raw);
}

/** The interaction callback among the requests an interaction caused. */
export function callbackOf(requests: RecordedRequest[]): RecordedRequest {
  const callback = requests.find((r) => r.path.endsWith('/callback'));
  expect(callback).toBeDefined();
  return callback!;
}

let gatewayMessageCounter = 0;

/** The guild and a channel of the tests (a text channel unless `type` says otherwise), cached as GUILD_CREATE would. */
export function cacheGuildChannel(client: Client, channelId = CHANNEL_ID, type: ChannelType = ChannelType.GuildText): void {
  const guilds = (client.guilds as unknown as { _add(data: unknown): any });
  const guild = client.guilds.cache.get(GUILD_ID) ?? guilds._add({ id: GUILD_ID, name: 'Newsroom', owner_id: '700000000000000009', roles: [], emojis: [], channels: [], members: [], features: [] });
  (client.channels as unknown as { _add(data: unknown, guild: unknown): unknown })._add({ id: channelId, type, guild_id: GUILD_ID, name: 'news', position: 0, permission_overwrites: [] }, guild);
}

/** The client's own user, as READY would set it (a client of the kit never logs in). */
export function setBotUser(client: Client): void {
  (client as unknown as { user: ClientUser }).user = new (ClientUser as unknown as new (c: Client, data: unknown) => ClientUser)(client, {
    id: APP_ID,
    username: 'coverage-bot',
    discriminator: '0000',
    avatar: null,
    bot: true,
    global_name: null,
  });
}

/**
 * A thread of the test guild in `parentId` (a forum post when the parent is a forum), public (type 11) unless
 * `type` says private (12), cached as the gateway's THREAD_CREATE would; the parent is cached as a text channel
 * unless it already is.
 */
export function cacheThread(client: Client, threadId: string, parentId = CHANNEL_ID, type: ChannelType.PublicThread | ChannelType.PrivateThread = ChannelType.PublicThread): void {
  if (!client.channels.cache.has(parentId)) cacheGuildChannel(client, parentId);
  const guild = client.guilds.cache.get(GUILD_ID);
  (client.channels as unknown as { _add(data: unknown, guild: unknown): unknown })._add({ ...threadChannel(threadId, parentId), type, owner_id: '700000000000000009' }, guild);
}

/** A MESSAGE_CREATE payload as the gateway sends it: a member posting `content` in a channel of the test guild. */
export function gatewayMessage(
  content: string,
  options: { userId?: string; channelId?: string; bot?: boolean; mentions?: string[]; id?: string; replyTo?: string; attachments?: number } = {},
) {
  const userId = options.userId ?? '700000000000000001';
  return {
    id: options.id ?? String(800000000000000000n + BigInt(++gatewayMessageCounter)),
    channel_id: options.channelId ?? CHANNEL_ID,
    guild_id: GUILD_ID,
    author: { id: userId, username: `user${userId.slice(-4)}`, discriminator: '0', avatar: null, global_name: null, ...(options.bot ? { bot: true } : {}) },
    member: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: (options.mentions ?? []).map((id) => ({ id, username: 'mentioned', discriminator: '0', avatar: null, global_name: null })),
    mention_roles: [],
    attachments: Array.from({ length: options.attachments ?? 0 }, (_, i) => ({
      id: String(810000000000000000n + BigInt(gatewayMessageCounter * 10 + i)),
      filename: `photo-${i}.png`,
      size: 1024,
      url: 'https://cdn.example.com/photo.png',
      proxy_url: 'https://media.example.com/photo.png',
      content_type: 'image/png',
    })),
    embeds: [],
    components: [],
    pinned: false,
    ...(options.replyTo ? { type: 19, message_reference: { message_id: options.replyTo, channel_id: options.channelId ?? CHANNEL_ID, guild_id: GUILD_ID } } : { type: 0 }),
    flags: 0,
  };
}

/** Delivers a MESSAGE_CREATE payload the way the gateway does (the channel must be cached: cacheGuildChannel). */
export function deliverMessage(client: Client, raw: unknown): void {
  (client as unknown as { actions: { MessageCreate: { handle(data: unknown): void } } }).actions.MessageCreate.handle(raw);
}

/** A right-click on `message` → Apps → the message command `name`, as Discord sends it (the message resolved). */
export function messageMenu(name: string, message: any, userId = '700000000000000001') {
  return {
    ...base(userId),
    type: InteractionType.ApplicationCommand,
    data: { id: '600000000000000002', name, type: ApplicationCommandType.Message, target_id: message.id, resolved: { messages: { [message.id]: message } } },
  };
}
