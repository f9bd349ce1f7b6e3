/** The conversation store: bounded turns and conversations, expiry after a quiet spell, and expiry markers. */
import { describe, expect, it } from 'vitest';
import { CHAIN_MESSAGES_KEPT, ConversationStore } from '../src/bot/conversations.js';
import type { Turn } from '../src/conversation.js';

const turn = (question: string): Turn => ({ question, resolved: question, names: { people: [], places: [], others: [] }, articleIds: [] });

function store(options: { maxConversations?: number } = {}) {
  let clock = 0;
  const conversations = new ConversationStore({ maxTurns: 3, ttlMs: 1000, now: () => clock, ...options });
  return { conversations, advance: (ms: number) => (clock += ms) };
}

describe('conversation store', () => {
  it('keeps the last turns and expires a conversation after a quiet spell, from its last follow-up', () => {
    const { conversations, advance } = store();
    const c = conversations.start('t1', 'thread', 't1', turn('first'));
    for (const q of ['2', '3', '4']) conversations.add(c, turn(q));
    expect(c.turns.map((t) => t.question)).toEqual(['2', '3', '4']);
    advance(900);
    conversations.add(c, turn('5'));
    advance(900);
    expect(conversations.lookup({ thread: 't1' })).toMatchObject({ state: 'live' });
    advance(100);
    expect(conversations.lookup({ thread: 't1' })).toEqual({ state: 'expired' });
    conversations.forgetExpired('t1');
    expect(conversations.lookup({ thread: 't1' })).toBeUndefined();
  });

  it('never mistakes a thread for a reply chain, and follows a reply chain through the bot messages it keeps', () => {
    const { conversations, advance } = store();
    const chain = conversations.start('m1', 'replies', 'c1', turn('first'));
    expect(conversations.lookup({ thread: 'm1' })).toBeUndefined();
    const ids = Array.from({ length: CHAIN_MESSAGES_KEPT + 2 }, (_, i) => `m${i + 2}`);
    for (const id of ids) conversations.add(chain, turn(id), id);
    // Its turns are the last three; a reply to any answer it keeps continues it, to its first answer (the one its
    // Follow up button says to reply to) always, to the oldest answers beyond CHAIN_MESSAGES_KEPT no more.
    expect(chain.turns).toHaveLength(3);
    for (const id of ['m1', ids[2]!, ids.at(-1)!]) expect(conversations.lookup({ reply: id })).toMatchObject({ state: 'live', conversation: chain });
    for (const id of ids.slice(0, 2)) expect(conversations.lookup({ reply: id })).toBeUndefined();
    expect(chain.messageIds).toHaveLength(CHAIN_MESSAGES_KEPT + 1);
    expect(conversations.lookup({ reply: 'm5' })).toMatchObject({ state: 'live', conversation: chain });
    advance(1000);
    conversations.sweep();
    expect(conversations.size).toBe(0);
    expect(conversations.lookup({ reply: 'm5' })).toEqual({ state: 'expired' });
    expect(conversations.lookup({ thread: 'm5' })).toBeUndefined();
  });

  it("tells a thread's expiry only in the thread: a reply to its answer (the same id) in the channel is no follow-up", () => {
    const { conversations, advance } = store();
    conversations.start('a1', 'thread', 'c1', turn('first'));
    advance(1000);
    conversations.sweep();
    expect(conversations.lookup({ reply: 'a1' })).toBeUndefined();
    expect(conversations.lookup({ thread: 'a1' })).toEqual({ state: 'expired' });
  });

  it('takes back whole a conversation ended while a follow-up in it was answered (expired, or beyond the cap)', () => {
    for (const ending of ['quiet spell', 'cap'] as const) {
      const { conversations, advance } = store({ maxConversations: 2 });
      const chain = conversations.start('m1', 'replies', 'c1', turn('first'));
      conversations.add(chain, turn('second'), 'm2');
      // A follow-up is taken (touched), then, while it is answered, the conversation ends.
      advance(900);
      conversations.touch(chain);
      if (ending === 'quiet spell') {
        advance(1000);
        conversations.sweep();
      } else {
        conversations.start('t2', 'thread', 't2', turn('other'));
        conversations.start('t3', 'thread', 't3', turn('another'));
      }
      expect(conversations.lookup({ reply: 'm1' }), ending).toEqual({ state: 'expired' });
      // Its answer is added: the whole chain is followed again, and nothing says it expired.
      conversations.add(chain, turn('third'), 'm3');
      for (const id of ['m1', 'm2', 'm3']) expect(conversations.lookup({ reply: id }), `${ending} ${id}`).toMatchObject({ state: 'live', conversation: chain });
      expect(conversations.size).toBeLessThanOrEqual(2);
    }
    // One started in its place meanwhile (Follow up pressed again: a thread on the same answer) keeps it.
    const { conversations } = store();
    const chain = conversations.start('m1', 'replies', 'c1', turn('first'));
    conversations.end('m1');
    const thread = conversations.start('m1', 'thread', 'm1', turn('first'));
    conversations.add(chain, turn('second'), 'm2');
    expect(conversations.lookup({ thread: 'm1' })).toEqual({ state: 'live', conversation: thread });
  });

  it('ends the least recently used conversation beyond the cap; an ended thread (deleted) leaves no marker', () => {
    const { conversations } = store({ maxConversations: 2 });
    const a = conversations.start('a', 'thread', 'a', turn('a'));
    conversations.start('b', 'thread', 'b', turn('b'));
    conversations.touch(a);
    conversations.start('c', 'thread', 'c', turn('c'));
    expect(conversations.size).toBe(2);
    expect(conversations.lookup({ thread: 'b' })).toEqual({ state: 'expired' });
    expect(conversations.lookup({ thread: 'a' })).toMatchObject({ state: 'live' });
    conversations.end('c', { remember: false });
    expect(conversations.lookup({ thread: 'c' })).toBeUndefined();
    // Starting again on the same answer returns the live conversation.
    expect(conversations.start('a', 'thread', 'a', turn('again'))).toBe(a);
  });
});
