/** Retention by purpose: `commsight retention` deletes exactly the expired day partitions and logs them in the ledger. */
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, lit, openDb } from "../../pipelines/core/duckdb.ts";
import { readLedger } from "../../pipelines/core/ledger.ts";
import { enrichedPeriodOf, periodOf } from "../../pipelines/retention/retention.ts";
import { tmpDir } from "../helpers/records.ts";

const DAYS = Array.from({ length: 10 }, (_, i) => `2026-01-${String(i + 1).padStart(2, "0")}`);
let data = "";
let configFile = "";

async function partitions(dir: string, days: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const db = await openDb();
  try {
    await exec(db, `CREATE TABLE t AS SELECT 'id-' || d || '-' || i AS id, d::DATE AS date FROM unnest([${days.map(lit).join(", ")}]) u(d), range(3) r(i)`);
    await exec(db, `COPY t TO ${lit(dir)} (FORMAT parquet, PARTITION_BY (date), FILENAME_PATTERN 'part-{i}')`);
  } finally {
    db.close();
  }
}

const dates = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((p) => p.startsWith("date=")).map((p) => p.slice(5)).sort() : []);

beforeEach(async () => {
  data = tmpDir("retention-");
  await partitions(join(data, "lake", "raw", "messages"), DAYS);
  await partitions(join(data, "lake", "raw", "call_transcripts"), DAYS);
  await partitions(join(data, "lake", "raw", "calls"), DAYS);
  await partitions(join(data, "lake", "enriched", "message_texts"), DAYS);
  await partitions(join(data, "lake", "enriched", "transcript_turns"), DAYS);
  configFile = join(data, "config.yaml");
  writeFileSync(configFile, [
    "privacy:",
    "  retention:",
    // Daily semantics (one more day each night); the month step is test/retention/cutoff.test.ts.
    "    step: day",
    "    purposes:",
    "      - { name: analytics, days: 5, entities: [messages, call_transcripts] }",
    "      - { name: training, days: 2, entities: [call_transcripts] }",
    "      - { name: audit, days: 3, entities: [enriched.transcript_turns] }",
  ].join("\n"));
}, 60_000);

describe("retention", () => {
  it("keeps an entity for its longest purpose; enriched follows its raw source unless named", () => {
    const config = parseConfig({ privacy: { retention: { purposes: [
      { name: "a", days: 5, entities: ["messages", "call_transcripts"] }, { name: "b", days: 2, entities: ["call_transcripts"] },
    ] } } });
    expect(periodOf(config, "call_transcripts")).toEqual({ days: 5, purpose: "a" });
    expect(periodOf(config, "calls")).toBeNull();
    expect(enrichedPeriodOf(config, "message_texts")?.days).toBe(5);
    expect(enrichedPeriodOf(config, "text_terms")?.days).toBe(5); // shortest of its sources that have a period
  });

  it("--dry-run lists what would go and deletes nothing", async () => {
    expect(await main(["node", "commsight", "--data", data, "--config", configFile, "retention", "--dry-run", "--as-of", "2026-01-10"])).toBe(0);
    expect(dates(join(data, "lake", "raw", "messages"))).toEqual(DAYS);
    const entry = readLedger(join(data, "runs", "ledger.jsonl")).find((e) => e.stage === "retention-dry-run" && e.status === "ok")!;
    expect(entry.outputs.filter((o) => o.includes("raw/messages/"))).toHaveLength(4);
    expect(entry.outputs.every((o) => o.startsWith("would delete"))).toBe(true);
  });

  it("deletes exactly the partitions older than as-of − days, and records each in the ledger", async () => {
    expect(await main(["node", "commsight", "--data", data, "--config", configFile, "retention", "--as-of", "2026-01-10"])).toBe(0);
    // messages and transcripts: 5 days → before 2026-01-05 goes
    expect(dates(join(data, "lake", "raw", "messages"))).toEqual(DAYS.slice(4));
    expect(dates(join(data, "lake", "raw", "call_transcripts"))).toEqual(DAYS.slice(4));
    expect(dates(join(data, "lake", "enriched", "message_texts"))).toEqual(DAYS.slice(4));
    // an enriched entity with its own purpose: 3 days → before 2026-01-07 goes
    expect(dates(join(data, "lake", "enriched", "transcript_turns"))).toEqual(DAYS.slice(6));
    // no purpose names calls: kept whole
    expect(dates(join(data, "lake", "raw", "calls"))).toEqual(DAYS);
    const entry = readLedger(join(data, "runs", "ledger.jsonl")).find((e) => e.stage === "retention" && e.status === "ok")!;
    expect(entry.outputs).toContain("deleted raw/messages/date=2026-01-01: 3 rows (analytics, 5 days)");
    expect(entry.outputs).toHaveLength(4 * 3 + 6);
    expect(entry.rowsOut).toBe((4 * 3 + 6) * 3);
    // a second run finds nothing more to delete
    expect(await main(["node", "commsight", "--data", data, "--config", configFile, "retention", "--as-of", "2026-01-10"])).toBe(0);
    expect(readLedger(join(data, "runs", "ledger.jsonl")).filter((e) => e.stage === "retention" && e.status === "ok").at(-1)!.outputs).toEqual([]);
  });

  it("the quarantine and held-back records fall under the purpose named quarantine: files last written before as-of − days go, newer stay", async () => {
    const d = tmpDir("retention-q-");
    const file = (rel: string, when: string) => {
      mkdirSync(join(d, rel, ".."), { recursive: true });
      writeFileSync(join(d, rel), '{"entity":"calls","file":"x","line":1,"field":"from","reason":"from: expected an E.164 phone number","record":"{\\"from\\":\\"+13178888238\\"}"}\n');
      utimesSync(join(d, rel), new Date(when), new Date(when));
    };
    file("quarantine/calls.ndjson", "2026-01-01T12:00:00Z");
    file("quarantine/files/20260102T000000000Z.ndjson", "2026-01-02T12:00:00Z");
    file("quarantine/files/20260109T000000000Z.ndjson", "2026-01-09T12:00:00Z");
    file("quarantine/held/calls.ndjson", "2026-01-03T12:00:00Z");
    const cfg = join(d, "config.yaml");
    writeFileSync(cfg, "privacy:\n  retention:\n    purposes:\n      - { name: quarantine, days: 5, entities: [] }\n");
    expect(await main(["node", "commsight", "--data", d, "--config", cfg, "retention", "--as-of", "2026-01-10"])).toBe(0);
    expect(existsSync(join(d, "quarantine", "calls.ndjson"))).toBe(false);
    expect(existsSync(join(d, "quarantine", "files", "20260102T000000000Z.ndjson"))).toBe(false);
    expect(existsSync(join(d, "quarantine", "held", "calls.ndjson"))).toBe(false);
    expect(existsSync(join(d, "quarantine", "files", "20260109T000000000Z.ndjson"))).toBe(true);
    const entry = readLedger(join(d, "runs", "ledger.jsonl")).find((e) => e.stage === "retention" && e.status === "ok")!;
    expect(entry.outputs.filter((o) => o.includes("quarantine/quarantine"))).toHaveLength(3);
    expect(entry.outputs.join("\n")).not.toContain("+13178888238");
  });
});
