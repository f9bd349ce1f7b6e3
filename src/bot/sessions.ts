/**
 * Short-lived state behind message components (page buttons, feedback buttons). A component's custom id
 * holds only a short session id; the session holds what the id cannot (article pages, the answer). Sessions
 * expire after a time to live: `sweep` ends them and calls their `onExpire` (which removes the buttons from
 * the message), and a click on an unknown or expired session gets a polite answer from the caller.
 */
import { randomBytes } from 'node:crypto';

export interface Session<T> {
  id: string;
  data: T;
  expiresAt: number;
  onExpire?: () => Promise<unknown> | unknown;
}

export interface SessionStoreOptions {
  ttlMs: number;
  /** The oldest sessions are ended beyond this many. */
  maxSessions?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export class SessionStore<T> {
  private readonly sessions = new Map<string, Session<T>>();
  private readonly now: () => number;

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  get size(): number {
    return this.sessions.size;
  }

  create(data: T, onExpire?: Session<T>['onExpire']): Session<T> {
    const session: Session<T> = { id: randomBytes(6).toString('base64url'), data, expiresAt: this.now() + this.options.ttlMs, onExpire };
    this.sessions.set(session.id, session);
    const max = this.options.maxSessions ?? 1000;
    while (this.sessions.size > max) {
      const oldest = this.sessions.values().next().value!;
      this.end(oldest);
    }
    return session;
  }

  /** The live session with this id, or undefined when unknown or expired. */
  get(id: string): Session<T> | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.end(session);
      return undefined;
    }
    return session;
  }

  /** Ends every expired session; resolves when their `onExpire` calls have settled. */
  async sweep(): Promise<void> {
    const now = this.now();
    const ended = [...this.sessions.values()].filter((s) => s.expiresAt <= now).map((s) => this.end(s));
    await Promise.all(ended);
  }

  /** Ends every session (on shutdown). */
  async endAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => this.end(s)));
  }

  private async end(session: Session<T>): Promise<void> {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    try {
      await session.onExpire?.();
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
