/**
 * A local HTTP server on 127.0.0.1 standing in for Slack, Linear, Asana, OpenPhone or a webhook
 * receiver: it records every request (method, path, headers, raw body) and answers from a script.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Seen = { method: string; path: string; headers: IncomingHttpHeaders; body: string; json: unknown };
export type Reply = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number; hang?: boolean };

export type FakeServer = { url: string; seen: Seen[]; close(): Promise<void>; server: Server };

/** `answer` may return a different reply per request (e.g. 503 first, then 200). */
export function fakeServer(answer: (req: Seen, n: number) => Reply): Promise<FakeServer> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown = null;
      try { json = body ? JSON.parse(body) : null; } catch { /* not JSON */ }
      const s: Seen = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json };
      seen.push(s);
      const r = answer(s, seen.length);
      if (r.hang) return; // never answers: the client is cut off mid-request
      const send = () => {
        res.writeHead(r.status, { "content-type": typeof r.body === "string" ? "text/plain" : "application/json", ...r.headers });
        res.end(typeof r.body === "string" ? r.body : JSON.stringify(r.body ?? {}));
      };
      if (r.delayMs) setTimeout(send, r.delayMs); else send();
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    resolve({
      url: `http://127.0.0.1:${port}`, seen, server,
      close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
    });
  }));
}
