/**
 * Per-member rate limit: at most `limit` uses in any sliding window of `windowMs`. The clock is injected so
 * tests move time without waiting.
 */
export interface RateLimitResult {
  allowed: boolean;
  /** When refused: milliseconds until the oldest use leaves the window. */
  retryAfterMs: number;
  /** When refused: whether it is the first refusal since the key's last allowed use (the one to tell them of). */
  firstRefusal?: boolean;
}

export class RateLimiter {
  private readonly uses = new Map<string, number[]>();
  /** Keys refused since their last allowed use. */
  private readonly refused = new Set<string>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a use for `key` when allowed; refused uses are not counted. */
  take(key: string): RateLimitResult {
    const now = this.now();
    const recent = (this.uses.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.uses.set(key, recent);
      const firstRefusal = !this.refused.has(key);
      this.refused.add(key);
      return { allowed: false, retryAfterMs: recent[0]! + this.windowMs - now, firstRefusal };
    }
    this.refused.delete(key);
    recent.push(now);
    this.uses.set(key, recent);
    if (this.uses.size > 10_000) this.prune(now);
    return { allowed: true, retryAfterMs: 0 };
  }

  /** Forgets members with no use in the window (keeps memory bounded). */
  prune(now = this.now()): void {
    for (const [key, times] of this.uses) {
      if (times.every((t) => t <= now - this.windowMs)) {
        this.uses.delete(key);
        this.refused.delete(key);
      }
    }
  }
}
