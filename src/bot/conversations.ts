/**
 * The conversations opened by "Follow up": a thread on an answer, or (where a thread cannot be opened) a
 * chain of replies to the bot's answers. Each is keyed by the id of the answer it started from (a thread
 * opened on a message has that message's id), keeps its last few turns, and ends after a quiet spell. At
 * most `maxConversations` live at once (the least recently used end first). An ended conversation leaves a
 * marker for a while, so a late follow-up is told it expired instead of meeting silence.
 */
import type { Turn } from '../conversation.js';

export interface Conversation {
  /** The id of the answer it started from: the thread's id too, for a thread. */
  id: string;
  /** Where follow-ups are read: every member message in the thread, or replies to the bot's messages. */
  place: 'thread' | 'replies';
  channelId: string;
  turns: Turn[];
  /**
   * The bot's messages of a reply chain, first the answer it started from (always kept: its Follow up button
   * says to reply to it), then the latest CHAIN_MESSAGES_KEPT answers: a reply to one of them is a follow-up.
   */
  messageIds: string[];
  /** Whether members were already told how to ask when a message came without readable text. */
  hinted: boolean;
  /** Passages its answers quote: as many as the /ask it started from asked for. */
  passages?: number;
  lastActive: number;
}

export interface ConversationStoreOptions {
  maxTurns: number;
  ttlMs: number;
  maxConversations?: number;
  now?: () => number;
}

/** Conversations kept at most at once, and expired ones remembered to tell a late follow-up. */
export const MAX_CONVERSATIONS = 500;
/**
 * A reply chain's latest answers followed, besides its first: a reply to any of them continues the conversation
 * (with its last `maxTurns` turns), whichever the member picks. A memory bound, far past any real chain.
 */
export const CHAIN_MESSAGES_KEPT = 100;
const MAX_EXPIRED = 1000;

export type Lookup = { state: 'live'; conversation: Conversation } | { state: 'expired' } | undefined;

export class ConversationStore {
  private readonly live = new Map<string, Conversation>();
  /** A reply chain's bot message id → its conversation id. */
  private readonly byMessage = new Map<string, string>();
  /**
   * Ids of expired conversations, oldest first, with where follow-ups were read: a thread's (its answer's id too:
   * a reply to that answer in the channel is not in the thread) or a reply chain's messages'.
   */
  private readonly expired = new Map<string, Conversation['place']>();
  private readonly now: () => number;

  constructor(private readonly options: ConversationStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.live.size;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** Starts a conversation on an answer (its first turn), or returns the live one already there. */
  start(id: string, place: Conversation['place'], channelId: string, first: Turn, passages?: number): Conversation {
    const existing = this.find(id);
    if (existing) return existing;
    const conversation: Conversation = { id, place, channelId, turns: [first], messageIds: place === 'replies' ? [id] : [], hinted: false, lastActive: this.now(), ...(passages ? { passages } : {}) };
    this.live.set(id, conversation);
    if (place === 'replies') this.byMessage.set(id, id);
    this.expired.delete(id);
    while (this.live.size > (this.options.maxConversations ?? MAX_CONVERSATIONS)) this.end(this.live.keys().next().value!);
    return conversation;
  }

  /** The conversation of a thread (`thread`) or of the bot message a member replied to (`reply`). */
  lookup(where: { thread: string } | { reply: string }): Lookup {
    const id = 'thread' in where ? where.thread : where.reply;
    const conversationId = 'thread' in where ? id : this.byMessage.get(id);
    const conversation = conversationId === undefined ? undefined : this.find(conversationId);
    if (conversation && (conversation.place === 'thread') === ('thread' in where)) return { state: 'live', conversation };
    return this.expired.get(id) === ('thread' in where ? 'thread' : 'replies') ? { state: 'expired' } : undefined;
  }

  /** Once told, an expired conversation is forgotten: later messages there are not answered again. */
  forgetExpired(id: string): void {
    this.expired.delete(id);
  }

  /** The live conversation with this id, ending it first when it has expired. */
  find(id: string): Conversation | undefined {
    const conversation = this.live.get(id);
    if (conversation && conversation.lastActive + this.options.ttlMs <= this.now()) {
      this.end(id);
      return undefined;
    }
    return conversation;
  }

  /**
   * Adds a turn (the oldest beyond `maxTurns` are dropped) and, in a reply chain, the bot's new message (the
   * oldest beyond CHAIN_MESSAGES_KEPT are no longer followed, the chain's first answer always is).
   */
  add(conversation: Conversation, turn: Turn, messageId?: string): void {
    conversation.turns.push(turn);
    conversation.turns.splice(0, Math.max(0, conversation.turns.length - this.options.maxTurns));
    if (messageId && conversation.place === 'replies') {
      conversation.messageIds.push(messageId);
      this.byMessage.set(messageId, conversation.id);
      for (const old of conversation.messageIds.splice(1, Math.max(0, conversation.messageIds.length - 1 - CHAIN_MESSAGES_KEPT))) this.byMessage.delete(old);
    }
    this.touch(conversation);
  }

  /**
   * Marks activity: the conversation expires `ttlMs` after its last follow-up. One ended while a follow-up was
   * answered (its quiet spell over, or the oldest beyond the cap) is live again, whole: its reply chain followed, no
   * expiry said of it.
   */
  touch(conversation: Conversation): void {
    conversation.lastActive = this.now();
    const current = this.live.get(conversation.id);
    // Another conversation started there since (Follow up pressed again on the answer): it is that one's place now.
    if (current !== undefined && current !== conversation) return;
    if (current === undefined) {
      for (const key of [conversation.id, ...conversation.messageIds]) this.expired.delete(key);
      for (const messageId of conversation.messageIds) this.byMessage.set(messageId, conversation.id);
    }
    // Re-inserted, so the map's order is least recently used first.
    this.live.delete(conversation.id);
    this.live.set(conversation.id, conversation);
    while (this.live.size > (this.options.maxConversations ?? MAX_CONVERSATIONS)) this.end(this.live.keys().next().value!);
  }

  /** Ends a conversation (expired, or its thread is gone); `remember: false` leaves no expiry marker. */
  end(id: string, { remember = true } = {}): void {
    const conversation = this.live.get(id);
    if (!conversation) return;
    this.live.delete(id);
    for (const messageId of conversation.messageIds) this.byMessage.delete(messageId);
    if (!remember) return;
    for (const key of [id, ...conversation.messageIds]) {
      this.expired.delete(key); // re-inserted: the newest last
      this.expired.set(key, conversation.place);
    }
    for (const old of this.expired.keys()) {
      if (this.expired.size <= MAX_EXPIRED) break;
      this.expired.delete(old);
    }
  }

  /** Ends every conversation quiet for longer than the time to live. */
  sweep(): void {
    for (const id of [...this.live.keys()]) this.find(id);
  }
}
