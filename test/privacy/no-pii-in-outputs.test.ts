/**
 * Privacy end to end: a small `commsight demo` (6 months of data), then a scan of every output it
 * wrote — enriched entities and marts (Parquet via DuckDB), the report (PDF via pdftotext, and
 * its HTML), model files, the ledger, state files, the warehouse catalog — and of everything it
 * logged, for the PII the generator planted (manifest truths.pii). Only the raw zone may hold
 * PII: data/sources, data/lake/raw and data/quarantine (retention applies there).
 */
import fs, { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tmpDir } from "../helpers/records.ts";
import { PiiScanner } from "./scan.ts";

const RAW_ZONE = ["sources", "lake/raw", "quarantine"];
let data = "";
let exitCode = -1;
let logged = "";
let planted: { kind: string; value: string; entity: string }[] = [];
let scanner: PiiScanner;

beforeAll(async () => {
  data = tmpDir("pii-scan-");
  mkdirSync(data, { recursive: true });
  const config = join(data, "commsight.config.yaml");
  writeFileSync(config, "demo: { years: 0.5 }\n");
  // Everything a run prints or logs passes through these: stdout/stderr, and pino's synchronous fd writes.
  process.env.COMMSIGHT_LOG_LEVEL = "debug";
  const chunks: string[] = [];
  const keep = (c: unknown) => { chunks.push(typeof c === "string" ? c : Buffer.from(c as Uint8Array).toString("utf8")); };
  const out = vi.spyOn(process.stdout, "write").mockImplementation((c: unknown) => { keep(c); return true; });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((c: unknown) => { keep(c); return true; });
  const realWriteSync = fs.writeSync;
  const fdWrite = vi.spyOn(fs, "writeSync").mockImplementation(((fd: number, buf: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) { keep(buf); return typeof buf === "string" ? Buffer.byteLength(buf) : (buf as Uint8Array).length; }
    return (realWriteSync as (...a: unknown[]) => number)(fd, buf, ...rest);
  }) as typeof fs.writeSync);
  try {
    const { main } = await import("../../pipelines/app/cli.ts");
    exitCode = await main(["node", "commsight", "--data", data, "--config", config, "demo", "--scale", "small", "--seed", "42"]);
  } finally {
    out.mockRestore();
    err.mockRestore();
    fdWrite.mockRestore();
  }
  logged = chunks.join("");
  planted = JSON.parse(readFileSync(join(data, "sources", "demo", "manifest.json"), "utf8")).truths.pii.values;
  scanner = new PiiScanner(planted.map((p) => p.value));
}, 600_000);

afterAll(() => { delete process.env.COMMSIGHT_LOG_LEVEL; });

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
  });

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
