// Waiting for something that happens in another process or on a timer: bounded, polled, and
// with a failure message that says what was awaited and what was seen last.

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between two checks (default 25 ms). */
  intervalMs?: number;
  /** What is awaited, for the failure message ("the consumer's count of 2 tasks"). */
  description?: string;
}

export class WaitTimeoutError extends Error {
  constructor(description: string, timeoutMs: number, last: unknown) {
    const seen = last instanceof Error ? last.message : JSON.stringify(last);
    super(
      `gave up waiting for ${description} after ${timeoutMs} ms; last seen: ${seen}`,
      last instanceof Error ? { cause: last } : undefined,
    );
    this.name = 'WaitTimeoutError';
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `check` until it returns a value that is neither `undefined`, `null` nor `false`, and
 * resolves with that value. A `check` that throws (an `expect` that does not hold yet, say)
 * is tried again. After `timeoutMs` it rejects with a WaitTimeoutError that names what was
 * awaited and holds the last value or error.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: WaitOptions = {}): Promise<Exclude<T, undefined | null | false>> {
  const { timeoutMs = 10_000, intervalMs = 25, description = 'a condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last !== undefined && last !== null && last !== false) return last as Exclude<T, undefined | null | false>;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(description, timeoutMs, last);
    await pause(intervalMs);
  }
}

/** Resolves once `read()` (a growing text, such as a process's output) matches `pattern`; returns the match. */
export function waitFor(read: () => string, pattern: RegExp, options: WaitOptions = {}): Promise<RegExpMatchArray> {
  return eventually(() => read().match(pattern), { description: String(pattern), ...options });
}
