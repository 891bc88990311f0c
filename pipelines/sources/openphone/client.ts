/**
 * The OpenPhone/Quo REST client: the API key sent as-is in `Authorization` (never logged, never in
 * a message), every request through one token bucket, 429 honouring Retry-After, 5xx / timeouts /
 * dropped connections retried with exponential backoff and jitter up to a bound, the spec's error
 * body surfaced when a request finally fails, and an optional request budget.
 */
import type { z } from "zod";
import { ApiErrorBody } from "../../catalog/openphone.ts";
import { TokenBucket } from "./rateLimit.ts";
import { parseRetryAfter, withRetries } from "../../core/retry.ts";

export type ClientOptions = {
  baseUrl: string;
  apiKey: string;
  requestsPerSecond?: number;
  burst?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest Retry-After honoured; a longer one fails the request rather than stall the run. */
  maxRetryAfterMs?: number;
  /** Stop after this many requests (attempts included); the walk then stops at a page boundary. */
  maxRequests?: number;
  /** Called on every retry, for logs (never carries the key). */
  onRetry?: (info: { request: string; attempt: number; waitMs: number; why: string }) => void;
};

export type Query = Record<string, string | number | boolean | string[] | null | undefined>;

export class OpenPhoneError extends Error {
  constructor(message: string, readonly status: number | null, readonly body: ApiErrorBody | null) { super(message); }
}
export class BudgetExhausted extends Error {}

export const DEFAULT_BASE_URL = "https://api.openphone.com";
const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

/** With COMMSIGHT_LOOPBACK_ONLY=1 (the tests set it) nothing but this machine may be contacted. */
export function assertLoopbackAllowed(url: URL, what = "the OpenPhone base URL"): void {
  if (process.env.COMMSIGHT_LOOPBACK_ONLY === "1" && !LOOPBACK.has(url.hostname)) {
    throw new Error(`${what} ${url.origin} is not a loopback address, and COMMSIGHT_LOOPBACK_ONLY=1 forbids any other`);
  }
}

export class OpenPhoneClient {
  requests = 0;
  private readonly bucket: TokenBucket;
  private readonly base: URL;
  private readonly o: Required<Omit<ClientOptions, "maxRequests" | "onRetry">> & Pick<ClientOptions, "maxRequests" | "onRetry">;

  constructor(options: ClientOptions) {
    this.o = {
      requestsPerSecond: 9, burst: 1, timeoutMs: 30_000, maxAttempts: 6, backoffBaseMs: 500, backoffMaxMs: 30_000,
      maxRetryAfterMs: 120_000,
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ClientOptions),
    };
    if (!this.o.apiKey) throw new Error("no API key: set OPENPHONE_API_KEY");
    if (this.o.requestsPerSecond + this.o.burst > 10) throw new Error("requestsPerSecond + burst must stay ≤ 10 (the vendor's limit per key)");
    this.base = new URL(this.o.baseUrl);
    assertLoopbackAllowed(this.base);
    this.bucket = new TokenBucket(this.o.requestsPerSecond, this.o.burst);
  }

  /** GET and validate; with `notFound: "null"` a 404 means "there is none" and returns null. */
  async get<T>(path: string, query: Query, schema: z.ZodType<T>, opts: { notFound?: "null" } = {}): Promise<T | null> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(query)) {
      if (v === null || v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
    }
    const request = `GET ${url.pathname}${url.search ? "?" + decodeURIComponent(url.searchParams.toString()) : ""}`;
    let attempts = 0;
    const attempt = async (): Promise<T | null> => {
      if (this.o.maxRequests !== undefined && this.requests >= this.o.maxRequests) {
        throw new BudgetExhausted(`request budget of ${this.o.maxRequests} used`);
      }
      this.requests++; // counted before waiting, so concurrent requests cannot overrun the budget
      attempts++;
      await this.bucket.take();
      let status: number;
      let text: string;
      let retryAfter: string | null = null;
      try {
        const res = await fetch(url, {
          headers: { Authorization: this.o.apiKey, Accept: "application/json" },
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        status = res.status;
        retryAfter = res.headers.get("retry-after");
        text = await res.text();
      } catch (err) {
        throw new Transient(networkReason(err, this.o.timeoutMs), null, "", null);
      }
      if (status === 429) throw new Transient("429 Too Many Requests", status, text, parseRetryAfter(retryAfter));
      if (status >= 500) throw new Transient(`${status} ${errorSummary(text)}`, status, text, null);
      if (status === 404 && opts.notFound === "null") return null;
      if (status < 200 || status >= 300) throw failure(request, status, text, attempts);
      let json: unknown;
      try { json = JSON.parse(text); } catch { throw new OpenPhoneError(`${request}: ${status} but the body is not JSON: ${text.slice(0, 200)}`, status, null); }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const i = parsed.error.issues[0]!;
        throw new OpenPhoneError(`${request}: the response does not match the spec at ${i.path.join(".") || "(top)"}: ${i.message}`, status, null);
      }
      return parsed.data;
    };
    try {
      // 5xx, timeouts and dropped connections: exponential backoff with equal jitter; 429: its Retry-After
      // (one longer than maxRetryAfterMs fails the request rather than stall the run).
      return await withRetries(attempt, { retries: this.o.maxAttempts - 1, baseMs: this.o.backoffBaseMs, maxMs: this.o.backoffMaxMs, jitter: true }, {
        retryable: (e) => e instanceof Transient,
        retryAfterMs: (e) => (e as Transient).retryAfterMs,
        maxRetryAfterMs: this.o.maxRetryAfterMs, longRetryAfter: "fail",
        onRetry: (n, e, waitMs) => this.o.onRetry?.({ request, attempt: n, waitMs, why: (e as Transient).why }),
      });
    } catch (err) {
      if (!(err instanceof Transient)) throw err;
      if (err.status === null) throw new OpenPhoneError(`${request} failed after ${attempts} attempts: ${err.why}`, null, null);
      throw failure(request, err.status, err.text, attempts);
    }
  }
}

/** A failure worth retrying: throttled, a server error, or no answer (status null). */
class Transient extends Error {
  constructor(readonly why: string, readonly status: number | null, readonly text: string, readonly retryAfterMs: number | null) { super(why); }
}

export { parseRetryAfter };

function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no response within ${timeoutMs} ms`;
  return `connection failed (${e.cause?.code ?? e.cause?.message ?? e.message ?? "unknown"})`;
}

function errorSummary(text: string): string {
  const body = parseErrorBody(text);
  if (!body) return text.slice(0, 200);
  const details = body.errors?.map((x) => `${x.path}: ${x.message}`).join("; ");
  return `${body.title}: ${body.message} [code ${body.code}${body.trace ? `, trace ${body.trace}` : ""}]${details ? ` (${details})` : ""}`;
}

function parseErrorBody(text: string): ApiErrorBody | null {
  try {
    const r = ApiErrorBody.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

function failure(request: string, status: number, text: string, attempts: number): OpenPhoneError {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  return new OpenPhoneError(`${request} failed${tries}: ${status} ${errorSummary(text)}`, status, parseErrorBody(text));
}
