/**
 * The default schedule's nightly job, resolved from the stage graph, run over the small demo: a copy of
 * the run's shared demo (test/setup/sharedDemo.ts: `commsight demo` has landed, enriched, transformed and
 * trained two years, as a first night would), then a new day of messages arrives and the night runs: the
 * text marts follow the new day, retention
 * deletes what its purposes no longer allow, and the analysts' warehouse describes every dataset on
 * disk, shows no phone number, e-mail or card number anywhere, names no absolute path, and still
 * answers after the data folder is moved.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { ConfigError, parseConfig } from "../../pipelines/core/config.ts";
import { rows } from "../../pipelines/core/duckdb.ts";
import { readLedger } from "../../pipelines/core/ledger.ts";
import { openWarehouse } from "../../pipelines/lake/warehouse.ts";
import { tmpDir } from "../helpers/records.ts";
import { copyOfSharedDemo } from "../setup/sharedDemo.ts";

let data = "";
const nights: string[][][] = [];
const today = new Date().toISOString().slice(0, 10);
const minus = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const NEW_DAY = "2026-11-16";

const cli = (...args: string[]) => main(["node", "commsight", "--data", data, ...args]);
const parts = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((p) => p.startsWith("date=")).map((p) => p.slice(5)).sort() : []);

async function stdoutOf(fn: () => Promise<unknown>): Promise<string> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  try { await fn(); } finally { spy.mockRestore(); }
  return out;
}

async function runNightly(): Promise<void> {
  const job = parseConfig({ paths: { data } }).schedule.jobs.find((j) => j.name === "nightly")!;
  nights.push(job.steps);
  for (const step of job.steps) expect(await cli(...step), step.join(" ")).toBe(0);
}

/** A day of new inbound messages after the demo's last day, as the API would deliver them. */
function addNewDay(): number {
  const dir = join(data, "sources", "demo", "messages");
  const file = readdirSync(dir).filter((f) => f.endsWith(".ndjson")).sort().at(-1)!;
  const lines = readFileSync(join(dir, file), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const inbound = lines.filter((m) => m.direction === "incoming").slice(0, 40);
  const fresh = inbound.map((m, i) => ({
    ...m, id: `AC${"new".padEnd(30, "0")}${String(i).padStart(2, "0")}`, createdAt: `${NEW_DAY}T15:${String(i).padStart(2, "0")}:00.000Z`,
    updatedAt: `${NEW_DAY}T15:${String(i).padStart(2, "0")}:00.000Z`, text: "the outage again, still waiting and nothing works",
  }));
  writeFileSync(join(dir, `zz-${NEW_DAY}.ndjson`), fresh.map((m) => JSON.stringify(m)).join("\n") + "\n");
  return fresh.length;
}

beforeAll(async () => {
  data = await copyOfSharedDemo("nightly-");
  addNewDay();
  await runNightly();
}, 1_800_000);

afterAll(() => { /* tmpDir cleans up */ });

describe("the default nightly job", () => {
  it("resolves to extract, enrich, retention, transform, the models, outreach and the alerts, in that order", () => {
    // Each step is `run --select <stage>`: the path `run` takes, so a stage whose inputs did not change is skipped.
    expect(nights[0]).toEqual(["extract", "enrich", "retention", "transform", "train-churn", "train-forecast", "train-opportunity", "outreach", "alerts"].map((s) => ["run", "--select", s]));
  });

  it("schedule --list shows each job's resolved stages", async () => {
    const out = await stdoutOf(() => cli("schedule", "--list"));
    const nightly = out.slice(out.indexOf("nightly"), out.indexOf("staffing-weekly"));
    expect(nightly).toContain("select extract+ -report → extract → enrich → retention → transform → train-churn → train-forecast → train-opportunity → outreach → alerts");
    expect(nightly).toMatch(/enrich\s+commsight run --select enrich/);
    expect(nightly).toMatch(/retention\s+commsight run --select retention/);
  });

  it("brings the text marts up to the new day", async () => {
    expect(parts(join(data, "lake", "enriched", "message_texts"))).toContain(NEW_DAY);
    const db = await openWarehouse(join(data, "warehouse.duckdb"));
    try {
      const [s] = await rows<{ last: string }>(db, "SELECT max(date)::VARCHAR AS last FROM sentiment_daily WHERE source = 'message'");
      // The new day's messages arrive at 15:00 UTC, 10:00 in New York: the same business day.
      expect(s!.last).toBe(NEW_DAY);
      const [t] = await rows<{ n: number }>(db, `SELECT count(*) AS n FROM enriched.message_texts WHERE date = DATE '${NEW_DAY}'`);
      expect(t!.n).toBe(40);
    } finally { db.close(); }
  });

  it("runs retention: nothing is kept past its purpose, and every deleted partition is in the ledger", () => {
    const cutoff = minus(today, 183);
    const transcripts = parts(join(data, "lake", "raw", "call_transcripts"));
    const turns = parts(join(data, "lake", "enriched", "transcript_turns"));
    expect(transcripts.length).toBeGreaterThan(0);
    expect(transcripts[0]! >= cutoff, `oldest transcript day ${transcripts[0]} vs cutoff ${cutoff}`).toBe(true);
    expect(turns[0]! >= cutoff).toBe(true);
    // calls are contractual evidence (5 years): the whole two years stay
    expect(parts(join(data, "lake", "raw", "calls"))[0]! < minus(cutoff, 300)).toBe(true);
    // One retention entry per night (the demo itself runs no retention).
    const stages = readLedger(join(data, "runs", "ledger.jsonl")).filter((e) => e.stage === "retention" && e.status === "ok");
    expect(nights.length).toBe(1);
    expect(stages.length).toBe(nights.length);
    const first = stages[0]!;
    expect(first.outputs.some((o) => /deleted raw\/call_transcripts\/date=\d{4}-\d{2}-\d{2}: \d+ rows \(training, 183 days\)/.test(o))).toBe(true);
  });
});

describe("the analysts' warehouse", () => {
  it("has a described view, every column described, for every dataset folder under lake/enriched and lake/marts", async () => {
    const db = await openWarehouse(join(data, "warehouse.duckdb"));
    try {
      const views = await rows<{ schema_name: string; view_name: string; comment: string | null }>(db,
        "SELECT schema_name, view_name, comment FROM duckdb_views() WHERE NOT internal");
      const cols = await rows<{ schema_name: string; table_name: string; column_name: string; comment: string | null }>(db,
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal");
      const want = [
        ...readdirSync(join(data, "lake", "enriched")).map((n) => ["enriched", n]),
        ...readdirSync(join(data, "lake", "marts")).map((n) => ["main", n]),
      ].filter(([, n]) => !n!.startsWith("."));
      expect(want.length).toBeGreaterThan(40);
      for (const [schema, name] of want) {
        const v = views.find((x) => x.schema_name === schema && x.view_name === name);
        expect(v, `${schema}.${name} has a view`).toBeDefined();
        expect(v!.comment?.length ?? 0, `${schema}.${name} is described`).toBeGreaterThan(20);
        const missing = cols.filter((c) => c.schema_name === schema && c.table_name === name && !c.comment).map((c) => c.column_name);
        expect(missing, `${schema}.${name}: columns without a description`).toEqual([]);
      }
    } finally { db.close(); }
  });

  it("shows no phone number, e-mail address or card number in any relation, raw schema included, and names no absolute path", async () => {
    const db = await openWarehouse(join(data, "warehouse.duckdb"));
    try {
      const views = await rows<{ schema_name: string; view_name: string; sql: string }>(db, "SELECT schema_name, view_name, sql FROM duckdb_views() WHERE NOT internal");
      expect(views.filter((v) => v.schema_name === "raw").length).toBeGreaterThan(5);
      for (const v of views) expect(v.sql, `${v.schema_name}.${v.view_name}`).not.toMatch(/'\/|[A-Za-z]:\\|\/work\/|\/tmp\//);
      const patterns = {
        phone: String.raw`(\+\d{10,15})|(\(\d{3}\) ?\d{3}[ .-]\d{4})|(\b\d{3}[.-]\d{3}[.-]\d{4}\b)`,
        email: String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}`,
        card: String.raw`\b(\d{4}[ -]){3}\d{1,7}\b|\b\d{13,19}\b`,
      };
      const hits: string[] = [];
      let scanned = 0;
      for (const v of views) {
        const cols = await rows<{ column_name: string; data_type: string }>(db,
          `SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = '${v.schema_name}' AND table_name = '${v.view_name}'`);
        const text = cols.filter((c) => /VARCHAR|JSON|STRUCT|\[\]|MAP/.test(c.data_type)).map((c) => `coalesce("${c.column_name}"::VARCHAR, '')`);
        if (!text.length) continue;
        const s = `concat_ws(' ', ${text.join(", ")})`;
        const [r] = await rows<Record<string, number>>(db, `SELECT count(*) AS n, ${Object.entries(patterns).map(([k, p]) => `count(*) FILTER (WHERE regexp_matches(${s}, '${p}')) AS ${k}`).join(", ")} FROM ${v.schema_name}."${v.view_name}"`);
        scanned += r?.n ?? 0;
        for (const k of Object.keys(patterns)) if ((r?.[k] ?? 0) > 0) hits.push(`${v.schema_name}.${v.view_name}: ${r?.[k]} rows with a ${k}`);
      }
      expect(scanned).toBeGreaterThan(100_000);
      expect(hits).toEqual([]);
    } finally { db.close(); }
  }, 300_000);

  it("keeps working when the data folder is moved to another machine's path", async () => {
    const moved = join(tmpDir("moved-"), "somewhere", "else");
    mkdirSync(join(moved, ".."), { recursive: true });
    cpSync(data, moved, { recursive: true });
    const away = `${data}-gone`;
    renameSync(data, away); // nothing may still point at the old folder
    try {
      const db = await openWarehouse(join(moved, "warehouse.duckdb"));
      try {
        const views = await rows<{ schema_name: string; view_name: string }>(db, "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal");
        for (const v of views) {
          const [r] = await rows<{ n: number }>(db, `SELECT count(*) AS n FROM ${v.schema_name}."${v.view_name}"`);
          expect(r!.n, `${v.schema_name}.${v.view_name}`).toBeGreaterThanOrEqual(0);
        }
        const [k] = await rows<{ n: number }>(db, "SELECT count(*) AS n FROM kpi_weekly");
        expect(k!.n).toBeGreaterThan(50);
      } finally { db.close(); }
    } finally {
      renameSync(away, data);
    }
  });
});

describe("a job's selection", () => {
  it("naming a dataset or stage that does not exist is a config error naming it", () => {
    const job = (select: string[]) => ({ schedule: { jobs: [{ name: "x", cron: "0 * * * *", select }] } });
    expect(() => parseConfig(job(["marts.nope+"]))).toThrow(ConfigError);
    expect(() => parseConfig(job(["marts.nope+"]))).toThrow(/marts\.nope/);
    expect(() => parseConfig(job(["transfrom"]))).toThrow(/"transfrom" is no stage/);
    expect(() => parseConfig({ schedule: { jobs: [{ name: "x", cron: "0 * * * *", steps: [["transform"]], select: ["transform"] }] } })).toThrow(/either select/);
  });
});
