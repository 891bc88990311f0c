import "./env.ts";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { OpenPhoneClient, parseRetryAfter } from "../../pipelines/sources/openphone/client.ts";
import { TokenBucket } from "../../pipelines/sources/openphone/rateLimit.ts";
import { API_KEY } from "./env.ts";

type Handler = (n: number, res: import("node:http").ServerResponse) => void;
let server: Server | null = null;
afterEach(async () => { server?.closeAllConnections(); await new Promise((r) => server?.close(r)); server = null; });

async function serve(handler: Handler) {
  const arrivals: number[] = [];
  server = createServer((req, res) => { arrivals.push(performance.now()); handler(arrivals.length, res); });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}
const ok = (res: import("node:http").ServerResponse) => { res.writeHead(200, { "content-type": "application/json" }); res.end('{"data":[]}'); };
const Any = z.object({ data: z.array(z.unknown()) });
const maxIn = (t: number[], ms: number) => t.reduce((best, x, i) => Math.max(best, t.filter((y) => y >= x && y - x < ms).length), 0);

describe("OpenPhone client", () => {
  it("paces 40 concurrent requests to at most 10 in any second at the server", async () => {
    const s = await serve((_n, res) => ok(res));
    const client = new OpenPhoneClient({ baseUrl: s.url, apiKey: API_KEY });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 40 }, () => client.get("/v1/phone-numbers", {}, Any)));
    const seconds = (performance.now() - t0) / 1000;
    expect(maxIn(s.arrivals, 1000)).toBeLessThanOrEqual(10);
    expect(seconds).toBeGreaterThan(4);   // 40 requests at ≤ 10/s
    expect(seconds).toBeLessThan(6);      // …but not needlessly slower (9/s)
  });

  it("honours Retry-After on 429 and gives up on 5xx after a bounded number of attempts, with the spec's error body", async () => {
    const s = await serve((n, res) => {
      if (n === 1) { res.writeHead(429, { "retry-after": "1" }); res.end("{}"); return; }
      if (n === 2) { ok(res); return; }
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "maintenance", code: "0101500", status: 500, docs: "https://openphone.com/docs", title: "Unknown", errors: [{ path: "/x", message: "down", schema: { type: "string" } }] }));
    });
    const client = new OpenPhoneClient({ baseUrl: s.url, apiKey: API_KEY, backoffBaseMs: 20, maxAttempts: 4 });
    await client.get("/v1/phone-numbers", {}, Any);
    expect(s.arrivals[1]! - s.arrivals[0]!).toBeGreaterThanOrEqual(990);
    await expect(client.get("/v1/calls", { phoneNumberId: "PN1", participants: ["+14155550100"] }, Any))
      .rejects.toThrow("GET /v1/calls?phoneNumberId=PN1&participants=+14155550100 failed after 4 attempts: 503 Unknown: maintenance [code 0101500] (/x: down)");
    expect(s.arrivals).toHaveLength(6);
  });

  it("404 is 'none' where the caller says so; Retry-After as an HTTP date; a bucket never lends more than its capacity", async () => {
    const s = await serve((_n, res) => { res.writeHead(404); res.end("{}"); });
    const client = new OpenPhoneClient({ baseUrl: s.url, apiKey: API_KEY });
    expect(await client.get("/v1/call-transcripts/AC1", {}, Any, { notFound: "null" })).toBeNull();
    expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThan(1000);
    expect(parseRetryAfter("2")).toBe(2000);
    let now = 0;
    const bucket = new TokenBucket(9, 1, () => now);
    await bucket.take();
    now = 10_000; // a long idle spell refills one token only
    const t = performance.now();
    await bucket.take();
    expect(performance.now() - t).toBeLessThan(50);
    expect(() => new OpenPhoneClient({ baseUrl: s.url, apiKey: API_KEY, requestsPerSecond: 10, burst: 5 })).toThrow(/≤ 10/);
  });
});
