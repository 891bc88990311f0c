/**
 * `commsight listen`: the webhook receiver (node:http). Per request, in this order: size (413),
 * signature (401; too old or too far ahead: 400, see signature.ts), the same signed delivery seen
 * twice (409), body shape (400), then the event is appended to the landing zone and fsynced before
 * the 200. An event id already stored answers 200 without storing it again, so a sender retrying
 * after a lost answer is not told it failed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LandingWriter, sealAbandoned } from "../../lake/landing.ts";
import { assertLoopbackAllowed } from "../openphone/client.ts";
import { SurveyPost, WebhookEnvelope, type Endpoint, type LandedEvent } from "./events.ts";
import { verify } from "./signature.ts";

export type ListenOptions = {
  host: string;
  port: number;
  landingDir: string;
  /** Base64 signing keys; an endpoint without one answers 503. */
  keys: Partial<Record<Endpoint, string>>;
  maxBodyBytes?: number;
  toleranceMs?: number;
  now?: () => number;
  onEvent?: (e: { endpoint: Endpoint; status: number; reason: string; id?: string }) => void;
  /** A client must send its headers within this (slow-loris); default 10 s. */
  headersTimeoutMs?: number;
  /** …and its whole request, body included, within this; default 30 s. */
  requestTimeoutMs?: number;
  /** Connections held open at once; more are refused (closed) until one ends. Default 256. */
  maxConnections?: number;
};

export type Listener = { url: string; server: Server; close(): Promise<void> };

const ROUTES: Record<string, { endpoint: Endpoint; header: string }> = {
  "/webhooks/openphone": { endpoint: "openphone", header: "openphone-signature" },
  "/webhooks/surveys": { endpoint: "surveys", header: "commsight-signature" },
};

export async function listen(o: ListenOptions): Promise<Listener> {
  assertLoopbackAllowed(new URL(`http://${o.host.includes(":") ? `[${o.host}]` : o.host}`), "the listen address");
  const maxBody = o.maxBodyBytes ?? 1 << 20;
  const tolerance = o.toleranceMs ?? 5 * 60_000;
  const now = o.now ?? Date.now;
  sealAbandoned(o.landingDir);
  const writer = new LandingWriter(o.landingDir);
  const stored = knownIds(o.landingDir);
  const seenSignatures = new Map<string, number>();

  const answer = (res: ServerResponse, status: number, reason: string, endpoint: Endpoint | null, id?: string) => {
    res.writeHead(status, { "content-type": "application/json", connection: status >= 400 ? "close" : "keep-alive" });
    res.end(JSON.stringify(status < 300 ? { status: reason } : { error: reason }));
    if (endpoint) o.onEvent?.({ endpoint, status, reason, id });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/healthz") return answer(res, 200, "ok", null);
    const route = ROUTES[path];
    if (!route) return answer(res, 404, `no such endpoint ${path}`, null);
    if (req.method !== "POST") return answer(res, 405, "POST only", route.endpoint);
    const key = o.keys[route.endpoint];
    if (!key) return answer(res, 503, `${route.endpoint} endpoint has no signing key configured`, route.endpoint);
    if (Number(req.headers["content-length"] ?? 0) > maxBody) return answer(res, 413, `body over ${maxBody} bytes`, route.endpoint);
    const body = await readBody(req, maxBody);
    if (body === null) return answer(res, 413, `body over ${maxBody} bytes`, route.endpoint);
    const header = req.headers[route.header];
    const verdict = verify(Array.isArray(header) ? header[0] : header, key, body, now(), tolerance);
    if (!verdict.ok) return answer(res, verdict.status, verdict.reason, route.endpoint);
    // A replay is the same timestamp and digest however the header spells them (base64 re-encoded, zeros in front).
    const sig = canonicalSignature(String(header));
    for (const [s, until] of seenSignatures) if (until < now()) seenSignatures.delete(s);
    if (seenSignatures.has(sig)) return answer(res, 409, "this signed delivery was already received (replay)", route.endpoint);
    seenSignatures.set(sig, verdict.timestampMs + tolerance);
    let json: unknown;
    try { json = JSON.parse(body.toString("utf8")); } catch { return answer(res, 400, "body is not JSON", route.endpoint); }
    const shape = route.endpoint === "openphone" ? WebhookEnvelope.safeParse(json) : SurveyPost.safeParse(json);
    if (!shape.success) {
      const i = shape.error.issues[0]!;
      return answer(res, 400, `not a valid ${route.endpoint} payload: ${i.path.join(".") || "(top)"}: ${i.message}`, route.endpoint);
    }
    const id = `${route.endpoint}:${(shape.data as { id: string }).id}`;
    if (stored.has(id)) return answer(res, 200, "duplicate", route.endpoint, id);
    const line: LandedEvent = { at: new Date(now()).toISOString(), endpoint: route.endpoint, id, body: json };
    stored.add(id); // before the await: a concurrent retry of the same event is a duplicate, not a second copy
    try {
      await writer.append([JSON.stringify(line)]);
    } catch (err) {
      stored.delete(id);
      throw err;
    }
    answer(res, 200, "stored", route.endpoint, id);
  };

  const headersTimeout = o.headersTimeoutMs ?? 10_000;
  // Node checks the header and request timeouts on `connectionsCheckingInterval`: a slow client is cut off within a second of its limit.
  const server = createServer({
    headersTimeout, requestTimeout: Math.max(o.requestTimeoutMs ?? 30_000, headersTimeout + 1), connectionsCheckingInterval: Math.min(1000, headersTimeout),
  }, (req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) answer(res, 500, `not stored: ${(err as Error).message}`, null);
    });
  });
  server.maxConnections = o.maxConnections ?? 256;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await writer.close();
    },
  };
}

/** `hmac;1;<ts>;<digest>` with the timestamp as a number and the digest as canonical base64. */
function canonicalSignature(header: string): string {
  const [, , ts, digest] = header.split(";");
  return `${Number(ts)};${Buffer.from(digest ?? "", "base64").toString("base64")}`;
}

/** Read at most `max` bytes; null when the body is larger (the rest is not read). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) { req.removeAllListeners("data"); req.resume(); resolve(null); return; }
      chunks.push(c);
    });
    req.on("end", () => { if (size <= max) resolve(Buffer.concat(chunks)); });
    req.on("error", reject);
  });
}

/** Event ids already in the landing zone (unconsumed or consumed), so a retried delivery is not stored twice. */
function knownIds(dir: string): Set<string> {
  const ids = new Set<string>();
  for (const d of [dir, join(dir, "consumed")]) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((x) => x.endsWith(".ndjson"))) {
      for (const l of readFileSync(join(d, f), "utf8").split("\n")) {
        const m = /"id":"((?:openphone|surveys):[^"]*)"/.exec(l);
        if (m) ids.add(m[1]!);
      }
    }
  }
  return ids;
}
