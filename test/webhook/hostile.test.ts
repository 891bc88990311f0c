/**
 * The webhook receiver against hostile clients (issue 17, item 7): a client that never finishes its
 * headers (slow-loris) or its body is cut off at the configured timeouts, connections over the cap
 * are closed at once, and a replay whose signature header is re-encoded (base64 without padding,
 * zeros before the timestamp) is still a replay. Meanwhile good events are stored.
 */
import { readdirSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listen, type Listener } from "../../pipelines/sources/webhook/server.ts";
import { sign } from "../../pipelines/sources/webhook/signature.ts";
import { tmpDir } from "../helpers/records.ts";
import { callEvent, OP_KEY, post } from "./helpers.ts";

let l: Listener | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await l?.close();
  l = null;
});

const landed = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".ndjson"))
  .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n").filter(Boolean).map((x) => (JSON.parse(x) as { id: string }).id));

async function start(o: { headersTimeoutMs?: number; requestTimeoutMs?: number; maxConnections?: number } = {}) {
  const dir = tmpDir("landing-");
  l = await listen({ host: "127.0.0.1", port: 0, landingDir: dir, keys: { openphone: OP_KEY }, ...o });
  const { port } = new URL(l.url);
  return { dir, url: `${l.url}/webhooks/openphone`, port: Number(port) };
}

/** A raw connection that sends `text` and reports when the server closes it (ms after opening), or null if it stays open `waitMs`. */
function hold(port: number, text: string, waitMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect(port, "127.0.0.1", () => s.write(text));
    sockets.push(s);
    s.on("data", () => {});
    s.on("error", () => {});
    s.on("close", () => resolve(Date.now() - t0));
    setTimeout(() => resolve(null), waitMs);
  });
}

describe("webhook receiver: hostile clients", () => {
  it("slow-loris: a client that never finishes its headers is cut off after the header timeout; good posts are stored meanwhile", async () => {
    const s = await start({ headersTimeoutMs: 500, requestTimeoutMs: 1500 });
    const slow = Array.from({ length: 5 }, () => hold(s.port, "POST /webhooks/openphone HTTP/1.1\r\nHost: x\r\nX-Slow: ", 5000));
    expect((await post(s.url, callEvent("EVL1", "ACL1"))).status).toBe(200);
    const closed = await Promise.all(slow);
    for (const ms of closed) {
      expect(ms).not.toBeNull();
      expect(ms!).toBeLessThan(3000);
    }
    expect(landed(s.dir)).toEqual(["openphone:EVL1"]);
  }, 20_000);

  it("a client that sends its headers but never its whole body is cut off after the request timeout", async () => {
    const s = await start({ headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const body = JSON.stringify(callEvent("EVB1", "ACB1"));
    const ms = await hold(s.port, `POST /webhooks/openphone HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nopenphone-signature: ${sign(OP_KEY, Date.now(), body)}\r\n\r\n${body.slice(0, 20)}`, 6000);
    expect(ms).not.toBeNull();
    expect(ms!).toBeLessThan(4000);
    expect(landed(s.dir)).toEqual([]); // a partial body is never stored
  }, 20_000);

  it("connections over the cap are closed at once; once they go, the receiver answers again", async () => {
    const s = await start({ maxConnections: 3, headersTimeoutMs: 800, requestTimeoutMs: 2000 });
    const held = Array.from({ length: 3 }, () => hold(s.port, "POST / HTTP/1.1\r\n", 6000));
    await new Promise((r) => setTimeout(r, 150));
    const over = await Promise.all(Array.from({ length: 4 }, () => hold(s.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 3000)));
    for (const ms of over) {
      expect(ms).not.toBeNull();
      expect(ms!).toBeLessThan(500); // refused at once, not queued
    }
    await Promise.all(held); // the held ones are cut off by the header timeout
    expect((await post(s.url, callEvent("EVC1", "ACC1"))).status).toBe(200);
  }, 20_000);

  it("a replay with the signature re-encoded (no base64 padding, zeros before the timestamp) is a replay, stored once", async () => {
    const s = await start();
    const body = JSON.stringify(callEvent("EVR1", "ACR1"));
    const sig = sign(OP_KEY, Date.now(), body);
    expect((await post(s.url, null, { raw: body, signature: sig })).status).toBe(200);
    const [scheme, v, ts, digest] = sig.split(";");
    const unpadded = `${scheme};${v};${ts};${digest!.replace(/=+$/, "")}`;
    const zeros = `${scheme};${v};00${ts};${digest}`;
    for (const replay of [unpadded, zeros]) {
      const r = await post(s.url, null, { raw: body, signature: replay });
      expect(r.status, replay).toBe(409);
      expect(r.body.error).toMatch(/replay/);
    }
    expect(landed(s.dir)).toEqual(["openphone:EVR1"]);
  });
});
