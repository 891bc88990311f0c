import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { commitStreams, streamPaths } from "../../pipelines/lake/commit.ts";
import { webhookStream } from "../../pipelines/sources/webhook/events.ts";
import { tmpDir } from "../helpers/records.ts";
import { callEvent, event, OP_KEY, post, summaryEvent, survey, SURVEY_KEY } from "./helpers.ts";

const root = join(import.meta.dirname, "..", "..");
const stream = (p: Paths) => webhookStream(streamPaths(p, "webhooks"));

async function q(paths: Paths, sql: string) {
  const db = await openDb();
  try { return await rows(db, sql.replaceAll("$RAW", paths.raw)); } finally { db.close(); }
}

/** `commsight listen` in a child process; resolves with its URL once it is listening. */
function listener(data: string) {
  const child = spawn(process.execPath, [join(root, "pipelines/bin/commsight.mjs"), "--data", data, "listen", "--port", "0"], {
    env: { ...process.env, OPENPHONE_WEBHOOK_SECRET: OP_KEY, COMMSIGHT_SURVEY_WEBHOOK_SECRET: SURVEY_KEY, COMMSIGHT_LOOPBACK_ONLY: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => { out += d; const m = /listening on (http:\/\/\S+)/.exec(out); if (m) resolve(m[1]!); });
    child.on("exit", (code) => reject(new Error(`listen exited (${code}) before listening`)));
  });
  return { child, url };
}

describe("webhook events reach the lake through the landing zone", () => {
  it("a listener killed right after acknowledging loses nothing: the next extract lands every event once", async () => {
    const data = tmpDir("wh-");
    const paths = lakePaths(parseConfig({ paths: { data } }));
    const { child, url } = listener(data);
    const base = await url;
    const events = [
      event("EV1", "call.ringing", { ...callEvent("x", "AC1").data.object, status: "ringing", answeredAt: null, completedAt: null, updatedAt: null, duration: 0 }),
      callEvent("EV2", "AC1"),
      callEvent("EV3", "AC2"),
      summaryEvent("EV4", "AC1", "first summary"),
      summaryEvent("EV5", "AC1", "a later, better summary"),
      event("EV6", "call.transcript.completed", { callId: "AC2", createdAt: "2025-03-04T10:05:00Z", dialogue: [], duration: 30, status: "completed" }),
      event("EV7", "message.received", { id: "AC9", object: "message", from: "+14155550100", to: ["+14155550001"], direction: "incoming", status: "received", text: "hi", phoneNumberId: "PN1", userId: null, createdAt: "2025-03-04T10:06:00Z", updatedAt: "2025-03-04T10:06:00Z" }),
      event("EV8", "contact.deleted", { id: "CT1" }),
      event("EV9", "call.completed", { id: "AC3" }), // missing required fields: quarantined, not fatal
    ];
    for (const e of events) expect((await post(`${base}/webhooks/openphone`, e)).status).toBe(200);
    expect((await post(`${base}/webhooks/surveys`, survey("SR1", "AC1", 10, 5), { key: SURVEY_KEY, header: "commsight-signature" })).status).toBe(200);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));

    const r = await commitStreams(paths, [stream(paths)]);
    const by = Object.fromEntries(r.entities.map((e) => [e.entity, e]));
    expect(by.calls).toMatchObject({ read: 4, landed: 2, quarantined: 1 });
    expect(by.call_summaries).toMatchObject({ read: 2, landed: 1 });
    expect(by.messages).toMatchObject({ read: 1, landed: 1 });
    expect(by.survey_responses).toMatchObject({ read: 1, landed: 1 });
    expect(by.webhook_events).toMatchObject({ read: 1, quarantined: 1 });
    expect(r.quarantined.map((x) => x.reason).join("\n")).toMatch(/event type contact.deleted is not imported[\s\S]*answeredAt/);
    expect(await q(paths, "SELECT id, status, _extra::VARCHAR AS extra FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id")).toEqual([
      { id: "AC1", status: "completed", extra: '{"callRoute":"phone-number","contactIds":["CT1"]}' },  // the ringing version was replaced
      { id: "AC2", status: "completed", extra: '{"callRoute":"phone-number","contactIds":["CT1"]}' },
    ]);
    expect(await q(paths, "SELECT summary FROM read_parquet('$RAW/call_summaries/*/*.parquet')")).toEqual([{ summary: ["a later, better summary"] }]);
    // Consumed: the segment moved to consumed/, and a second extract finds nothing new.
    expect(readdirSync(join(data, "landing", "webhooks", "consumed")).length).toBe(1);
    expect((await commitStreams(paths, [stream(paths)])).lines).toBe(0);
  }, 60_000);

  it("a crash between the lake commit and marking the events consumed: the rerun gives the same lake", async () => {
    const data = tmpDir("wh-");
    const paths = lakePaths(parseConfig({ paths: { data } }));
    const { LandingWriter } = await import("../../pipelines/lake/landing.ts");
    const w = new LandingWriter(streamPaths(paths, "webhooks").dir);
    const at = "2025-03-04T10:00:00.000Z";
    await w.append([callEvent("EV1", "AC1"), callEvent("EV2", "AC2"), summaryEvent("EV3", "AC1", "s")].map((e) => JSON.stringify({ at, endpoint: "openphone", id: `openphone:${e.id}`, body: e })));
    await w.close();
    await expect(commitStreams(paths, [stream(paths)], { beforeConsume: () => { throw new Error("killed"); } })).rejects.toThrow("killed");
    const before = await q(paths, "SELECT * EXCLUDE (_source_file, _source_line) FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id");
    const again = await commitStreams(paths, [stream(paths)]);
    expect(again.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 2, landed: 0, updated: 0, unchanged: 2 });
    expect(await q(paths, "SELECT * EXCLUDE (_source_file, _source_line) FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id")).toEqual(before);
    expect(existsSync(join(data, "landing", "webhooks", "consumed"))).toBe(true);
  });
});
