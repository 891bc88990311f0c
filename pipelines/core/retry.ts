/**
 * Retries with exponential backoff, honouring a server's Retry-After: the one implementation behind
 * the OpenPhone/Quo client (sources/openphone/client.ts) and the alert actions (reports/actions/http.ts,
 * HTTP and SMTP). `p-retry` runs the attempts, counts them and asks the predicate; the wait before a
 * retry is chosen here, because it must be the server's Retry-After when there is one (p-retry's own
 * delay is exponential only) and because the waiting function can be injected (the actions' tests
 * record the waits instead of sleeping).
 */
import pRetry from "p-retry";

/** `retries` after the first attempt; backoff base·2^(n−1) capped at maxMs, with "equal jitter" (half fixed, half random) if asked. */
export type RetryPolicy = { retries: number; baseMs: number; maxMs: number; jitter?: boolean };

export type RetryOptions = {
  /** Whether a failure is worth another attempt (default: every failure). */
  retryable?: (err: unknown) => boolean;
  /** The server's wait for this failure (Retry-After), in milliseconds, or null. */
  retryAfterMs?: (err: unknown) => number | null;
  /** Longest Retry-After honoured (default policy.maxMs); a longer one is cut to it ("clamp") or ends the retries ("fail"). */
  maxRetryAfterMs?: number;
  longRetryAfter?: "clamp" | "fail";
  sleep?: (ms: number) => Promise<void>;
  /** Before each wait: the failed attempt's number (1-based), its error, and the wait. */
  onRetry?: (attempt: number, err: unknown, waitMs: number) => void;
};

/** Retry-After is seconds or an HTTP date; returns milliseconds (0 for a date already past), or null. */
export function parseRetryAfter(v: string | null, now = Date.now()): number | null {
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return policy.jitter ? step / 2 + Math.random() * (step / 2) : step;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Carries the attempt's own error through p-retry untouched (p-retry gives up at once on a TypeError it does not know as a network error). */
class Failed extends Error {
  constructor(readonly error: unknown) { super("attempt failed"); }
}

/** Run fn (given the 0-based attempt number), retrying retryable failures; the last failure is rethrown as it was. */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, o: RetryOptions = {}): Promise<T> {
  const sleep = o.sleep ?? realSleep;
  try {
    return await pRetry(async (n: number) => {
      try {
        return await fn(n - 1);
      } catch (err) {
        throw new Failed(err);
      }
    }, {
      retries: policy.retries,
      minTimeout: 0, // the wait is ours (below), not p-retry's timer
      shouldRetry: async ({ error, attemptNumber }) => {
        const err = (error as Failed).error;
        if (o.retryable && !o.retryable(err)) return false;
        let wait = backoffMs(policy, attemptNumber);
        const hint = o.retryAfterMs?.(err) ?? null;
        if (hint !== null) {
          const limit = o.maxRetryAfterMs ?? policy.maxMs;
          if (hint > limit && o.longRetryAfter === "fail") return false;
          wait = Math.min(hint, limit);
        }
        o.onRetry?.(attemptNumber, err, Math.round(wait));
        await sleep(wait);
        return true;
      },
    });
  } catch (err) {
    throw err instanceof Failed ? err.error : err;
  }
}
