/**
 * The HTTP side of actions: one JSON request with a timeout, and retries with exponential backoff for
 * what is worth retrying (network errors, timeouts, 408, 429 honouring Retry-After, 5xx). A 4xx other
 * than those is the request's own fault and fails at once. The retrying itself is core/retry.ts (p-retry),
 * shared with the OpenPhone client.
 */
import { parseRetryAfter, withRetries as retry, type RetryPolicy } from "../../pipelines/core/retry.ts";
export class HttpError extends Error {
  constructor(readonly status: number, readonly body: string, readonly retryAfterMs: number | null, message: string) {
    super(message);
  }
}

export type HttpResult = { status: number; body: string; headers: Headers };

export async function requestJson(method: string, url: string, body: unknown, headers: Record<string, string>, timeoutMs = 15_000): Promise<HttpResult> {
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", "user-agent": "commsight", ...headers },
    body: payload,
    signal: AbortSignal.timeout(timeoutMs),
    redirect: "error",
  });
  const text = await res.text();
  if (!res.ok) {
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    throw new HttpError(res.status, text.slice(0, 500), retryAfterMs, `${method} ${redact(url)} answered ${res.status}: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body: text, headers: res.headers };
}

/** URLs of incoming webhooks carry their secret in the path: log only the origin. */
export function redact(url: string): string {
  try { return new URL(url).origin + "/…"; } catch { return "(url)"; }
}

const TRANSIENT_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ECONNECTION", "ESOCKET", "EDNS"]);

/** Worth another try: a server error, throttling, a timeout or a broken connection — not a bad request or a bug. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof HttpError) return err.status === 408 || err.status === 429 || err.status >= 500;
  const e = err as { name?: string; code?: string; cause?: { code?: string }; responseCode?: number };
  // fetch: TypeError("fetch failed") with the socket error as cause; AbortSignal.timeout: TimeoutError.
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return true;
  if (err instanceof TypeError && e.cause) return true;
  // nodemailer: a connection-level code, or a 4xx SMTP reply (temporary failure).
  if (typeof e?.responseCode === "number") return e.responseCode >= 400 && e.responseCode < 500;
  return TRANSIENT_CODES.has(e?.code ?? "") || TRANSIENT_CODES.has(e?.cause?.code ?? "");
}

export type { RetryPolicy };
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseMs: 1000, maxMs: 30_000 };

/** Run fn, retrying retryable failures after base·2^attempt (or the server's Retry-After, capped at maxMs): core/retry.ts. */
export function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  opts: { sleep?: (ms: number) => Promise<void>; retryable?: (e: unknown) => boolean; onRetry?: (attempt: number, err: unknown, waitMs: number) => void } = {},
): Promise<T> {
  return retry(fn, policy, {
    retryable: opts.retryable ?? isRetryable,
    retryAfterMs: (e) => (e instanceof HttpError ? e.retryAfterMs : null),
    longRetryAfter: "clamp",
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
  });
}
