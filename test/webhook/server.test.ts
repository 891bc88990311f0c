import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listen, type Listener } from "../../pipelines/sources/webhook/server.ts";
import { sign } from "../../pipelines/sources/webhook/signature.ts";
import { tmpDir } from "../helpers/records.ts";
import { callEvent, OP_KEY, post, survey, SURVEY_KEY } from "./helpers.ts";

let l: Listener | null = null;
afterEach(async () => { await l?.close(); l = null; });

const landed = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".ndjson"))
  .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n").filter(Boolean).map((x) => JSON.parse(x) as { id: string; endpoint: string }));

async function start(keys: Record<string, string> = { openphone: OP_KEY, surveys: SURVEY_KEY }) {
  const dir = tmpDir("landing-");
  l = await listen({ host: "127.0.0.1", port: 0, landingDir: dir, keys, maxBodyBytes: 4096, toleranceMs: 300_000 });
  return { dir, url: `${l.url}/webhooks/openphone`, surveys: `${l.url}/webhooks/surveys` };
}

describe("webhook receiver over HTTP on loopback", () => {
  it("stores a signed event before answering 200, and refuses bad, oversized, malformed, stale and replayed ones", async () => {
    const s = await start();
    const ok = await post(s.url, callEvent("EV1", "AC1"));
    expect(ok).toEqual({ status: 200, body: { status: "stored" } });
    expect(landed(s.dir).map((x) => x.id)).toEqual(["openphone:EV1"]); // on disk when the answer came

    expect((await post(s.url, callEvent("EV2", "AC2"), { key: Buffer.from("wrong").toString("base64") })).status).toBe(401);
    expect((await post(s.url, callEvent("EV2", "AC2"), { signature: null })).status).toBe(401);
    expect((await post(s.url, callEvent("EV2", "AC2"), { signature: "v1,abc" })).status).toBe(401);
    const tampered = JSON.stringify(callEvent("EV2", "AC2"));
    expect((await post(s.url, null, { raw: tampered.replace("AC2", "AC3"), signature: sign(OP_KEY, Date.now(), tampered) })).status).toBe(401);
    expect((await post(s.url, callEvent("EV2", "AC2", { padding: "x".repeat(5000) }))).status).toBe(413);
    expect((await post(s.url, null, { raw: "{not json" })).status).toBe(400);
    expect((await post(s.url, { hello: "world" })).status).toBe(400);
    const stale = await post(s.url, callEvent("EV2", "AC2"), { ts: Date.now() - 10 * 60_000 });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toMatch(/outside ±300 s: refused as a possible replay/);
    expect((await post(s.url, callEvent("EV2", "AC2"), { ts: Date.now() + 10 * 60_000 })).status).toBe(400);

    // The very same signed delivery twice is a replay (409); the same event re-signed is a retry (200, stored once).
    const body = JSON.stringify(callEvent("EV3", "AC3"));
    const sig = sign(OP_KEY, Date.now(), body);
    expect((await post(s.url, null, { raw: body, signature: sig })).status).toBe(200);
    expect((await post(s.url, null, { raw: body, signature: sig })).status).toBe(409);
    expect(await post(s.url, null, { raw: body })).toEqual({ status: 200, body: { status: "duplicate" } });
    expect(landed(s.dir).map((x) => x.id)).toEqual(["openphone:EV1", "openphone:EV3"]);
  });

  it("concurrent posts: every distinct event stored exactly once, retries of the same event not stored again", async () => {
    const s = await start();
    const events = Array.from({ length: 60 }, (_, i) => callEvent(`EVC${i}`, `AC${100 + i}`));
    const results = await Promise.all([...events, ...events.slice(0, 20)].map((e) => post(s.url, e)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.status === "stored")).toHaveLength(60);
    const ids = landed(s.dir).map((x) => x.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it("survey responses post to their own endpoint with their own key; an endpoint without a key answers 503", async () => {
    const s = await start();
    expect((await post(s.surveys, survey("SR1", "AC1", 9, null), { key: SURVEY_KEY, header: "commsight-signature" })).status).toBe(200);
    expect((await post(s.surveys, survey("SR2", "AC1", 9, null), { key: OP_KEY, header: "commsight-signature" })).status).toBe(401);
    expect(landed(s.dir).map((x) => [x.endpoint, x.id])).toEqual([["surveys", "surveys:SR1"]]);
    await l!.close();
    const t = await start({ openphone: OP_KEY });
    expect((await post(t.surveys, survey("SR3", "AC1", 9, null), { key: SURVEY_KEY, header: "commsight-signature" })).status).toBe(503);
  });
});
