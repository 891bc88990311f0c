/**
 * Privacy end to end: a small `commsight demo` (the run's shared demo, test/setup/sharedDemo.ts: two
 * years, logged at debug level, read here only), then a scan of every output it wrote — enriched
 * entities and marts (Parquet via DuckDB), the report (PDF via pdftotext, and its HTML), model files,
 * the ledger, state files, the warehouse catalog — and of everything it printed or logged (the demo
 * runs in a child process: its whole stdout and stderr), for the PII the generator planted (manifest
 * truths.pii). Only the raw zone may hold PII: data/sources, data/lake/raw and data/quarantine
 * (retention applies there).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sharedDemo } from "../setup/sharedDemo.ts";
import { PiiScanner } from "./scan.ts";

const RAW_ZONE = ["sources", "lake/raw", "quarantine"];
let data = "";
let exitCode = -1;
let logged = "";
let planted: { kind: string; value: string; entity: string }[] = [];
let scanner: PiiScanner;

beforeAll(async () => {
  const demo = await sharedDemo();
  data = demo.data;
  exitCode = demo.exitCode;
  logged = demo.output();
  planted = demo.manifest.truths.pii.values;
  scanner = new PiiScanner(planted.map((p) => p.value));
}, 1_800_000);

describe("no planted PII leaves the raw zone", () => {
  it("the demo ran through every stage, enrich included", () => {
    expect(exitCode, logged.slice(-2000)).toBe(0);
    expect(logged).toContain("enriched ");
    expect(planted.length).toBeGreaterThan(100);
    expect(new Set(planted.map((p) => p.kind))).toEqual(new Set(["phone", "email", "card"]));
  });

  it("the scanner does find the planted PII where it is allowed to be (the raw lake)", async () => {
    const { leaks } = await scanner.tree(join(data, "lake", "raw"), ["calls", "call_flow_events", "contacts", "survey_responses", "call_summaries"]);
    expect(new Set(leaks.map((l) => l.value)).size).toBeGreaterThan(planted.length * 0.9);
  });

  it("no enriched entity, mart, report, model, ledger or state file holds any of it", async () => {
    const { leaks, files } = await scanner.tree(data, RAW_ZONE);
    expect(files).toBeGreaterThan(500);
    expect(readdirSync(join(data, "reports")).some((f) => f.endsWith(".pdf"))).toBe(true);
    expect(existsSync(join(data, "lake", "enriched", "message_texts"))).toBe(true);
    expect(leaks.slice(0, 10)).toEqual([]);
  }, 900_000); // two years of enriched entities and marts, read through DuckDB

  it("nothing printed or logged holds any of it", () => {
    expect(logged.length).toBeGreaterThan(1000);
    expect(scanner.text("logs", logged)).toEqual([]);
  });

  it("the redacted texts carry typed placeholders where the PII was", async () => {
    const { openDb, rows } = await import("../../pipelines/core/duckdb.ts");
    const db = await openDb();
    try {
      const [r] = await rows<{ phone: number; email: number; card: number }>(db, `
        SELECT count(*) FILTER (WHERE text LIKE '%[PHONE]%') AS phone, count(*) FILTER (WHERE text LIKE '%[EMAIL]%') AS email,
               count(*) FILTER (WHERE text LIKE '%[CARD]%') AS card
        FROM read_parquet('${join(data, "lake", "enriched", "transcript_turns")}/*/*.parquet')`);
      expect(r!.phone).toBeGreaterThan(0);
      expect(r!.email).toBeGreaterThan(0);
      expect(r!.card).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
