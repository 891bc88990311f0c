/**
 * Enrich is incremental by day (issue 13): on a tiny generated business (~5 weeks, landed by the
 * real extract), the enriched lake after any sequence of runs equals a full run over the same raw
 * lake (every entity's rows, order-insensitive, and its partition list), while each run analyses
 * only what changed:
 *  - a new day (and the contacts created that day) is the only day analysed;
 *  - a run with nothing new analyses nothing and leaves every enriched file as it was;
 *  - a contact's opt-out flipped re-analyses exactly the days holding that contact's texts (found
 *    here with SQL over the raw lake), and the opt-out takes effect on all of them;
 *  - a raw day deleted (retention) loses its enriched partitions; an enriched partition deleted
 *    by hand is rebuilt; a new analysis version (another redaction setting) analyses everything.
 * The reference full runs are enrich runs with no state on a copy of the raw lake.
 */
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../pipelines/app/config.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { ENRICHED } from "../../pipelines/catalog/enriched.ts";
import { runEnrich, type EnrichResult } from "../../pipelines/enrich/run.ts";
import { commsight } from "../helpers/cli.ts";
import { compareEnriched, dayPartitions } from "./compare.ts";
import { tmpDir } from "../helpers/records.ts";

let top = "";
let source = ""; // the landed raw lake, never enriched
let lastDay = "";

const configFor = (data: string, over: Record<string, unknown> = {}) => parseConfig({ paths: { data }, ...over });
const enrich = (data: string, over: Record<string, unknown> = {}): Promise<EnrichResult> => runEnrich(configFor(data, over), lakePaths(configFor(data, over)));
const raw = (data: string) => join(data, "lake", "raw");
const enriched = (data: string) => join(data, "lake", "enriched");
const days = dayPartitions;

/** A data folder holding a copy of a raw lake (timestamps kept, as a landed lake's are). */
function withRaw(name: string, from: string): string {
  const data = join(top, name);
  rmSync(data, { recursive: true, force: true });
  cpSync(from, raw(data), { recursive: true, preserveTimestamps: true });
  return data;
}

/** The reference: a full enrich (no state) over a copy of this data folder's raw lake. */
async function fullRunOf(data: string): Promise<string> {
  const ref = withRaw(`ref-${Date.now()}`, raw(data));
  const r = await enrich(ref);
  expect(r.days.full).toBe(true);
  return ref;
}

/** Every enriched entity of two data folders: same partitions, same rows (as multisets). */
async function expectSameEnriched(a: string, b: string): Promise<void> {
  for (const c of await compareEnriched(enriched(a), enriched(b))) {
    expect(c.partitionsA, `${c.entity} partitions`).toEqual(c.partitionsB);
    expect(c.rowsA, `${c.entity} rows`).toBeGreaterThan(0);
    expect({ entity: c.entity, rows: c.rowsA, onlyInA: c.onlyInA, onlyInB: c.onlyInB }).toEqual({ entity: c.entity, rows: c.rowsB, onlyInA: 0, onlyInB: 0 });
  }
}

/** path → size:mtime of every enriched file. */
function enrichedFiles(data: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of ENRICHED) {
    for (const d of days(join(enriched(data), e.name))) {
      const dir = join(enriched(data), e.name, `date=${d}`);
      for (const f of readdirSync(dir)) { const s = statSync(join(dir, f)); out.set(join(e.name, d, f), `${s.size}:${s.mtimeMs}`); }
    }
  }
  return out;
}

/** Rewrite a raw Parquet file through a SELECT over it (`t`), in place. */
async function rewrite(file: string, select: string): Promise<void> {
  const db = await openDb();
  try { await exec(db, `COPY (${select.replaceAll("{{t}}", `read_parquet('${file}')`)}) TO '${file}.new' (FORMAT parquet)`); } finally { db.close(); }
  renameSync(`${file}.new`, file);
}

const frozen = process.env.COMMSIGHT_TODAY;
afterAll(() => { if (frozen === undefined) delete process.env.COMMSIGHT_TODAY; else process.env.COMMSIGHT_TODAY = frozen; });

beforeAll(() => {
  top = tmpDir("enrich-incremental-");
  const data = join(top, "landed");
  const cfg = join(top, "commsight.config.yaml");
  writeFileSync(cfg, "demo: { scale: small, seed: 11, years: 0.1 }\n");
  for (const step of [["generate"], ["run", "--select", "extract"]]) {
    const r = commsight(["--config", cfg, "--data", data, ...step, "--quiet"], { timeoutMs: 600_000 });
    expect(r.code, r.stderr).toBe(0);
  }
  source = raw(data);
  lastDay = days(join(source, "messages")).at(-1)!;
  // Today is the demo's last day: no enriched partition is past its retention period (which enrich would not rebuild).
  process.env.COMMSIGHT_TODAY = lastDay;
}, 900_000);

describe("enrich, incremental by day", () => {
  it("analyses only a new day (and its new contacts), and the result equals a full run", async () => {
    // The lake as it was the day before: the last day's partitions and the contacts created that day not landed yet.
    const data = withRaw("nightly", source);
    for (const e of readdirSync(raw(data))) rmSync(join(raw(data), e, `date=${lastDay}`), { recursive: true, force: true });
    await rewrite(join(raw(data), "contacts", "data.parquet"), `SELECT * FROM {{t}} WHERE createdAt < TIMESTAMP '${lastDay}'`);
    const first = await enrich(data);
    expect(first.days).toMatchObject({ full: true, unchanged: 0 });
    expect(days(join(enriched(data), "message_texts"))).not.toContain(lastDay);

    // The night: the day lands (and the contacts snapshot is rewritten with that day's contacts).
    for (const e of readdirSync(source)) if (existsSync(join(source, e, `date=${lastDay}`))) cpSync(join(source, e, `date=${lastDay}`), join(raw(data), e, `date=${lastDay}`), { recursive: true });
    cpSync(join(source, "contacts", "data.parquet"), join(raw(data), "contacts", "data.parquet"));
    const before = enrichedFiles(data);
    const night = await enrich(data);
    expect(night.days).toEqual({ analysed: 1, unchanged: first.days.analysed, removed: 0, full: false });
    const after = enrichedFiles(data);
    const touched = [...after].filter(([f, p]) => before.get(f) !== p).map(([f]) => f.split("/")[1]);
    expect(new Set(touched)).toEqual(new Set([lastDay]));
    await expectSameEnriched(data, await fullRunOf(data));

    // Nothing new: nothing analysed, nothing rewritten.
    const again = await enrich(data);
    expect(again.days).toEqual({ analysed: 0, unchanged: first.days.analysed + 1, removed: 0, full: false });
    expect(again.rowsIn).toBe(0);
    expect(enrichedFiles(data)).toEqual(after);
  }, 300_000);

  it("re-analyses exactly the days of a contact whose opt-out changed, and the opt-out covers all of them", async () => {
    const data = withRaw("optout", source);
    await enrich(data);
    const contacts = join(raw(data), "contacts", "data.parquet");
    const db = await openDb();
    let target: { id: string; phone: string };
    let expected: string[];
    try {
      // The contact (one number, not opted out) with calls on the most days.
      [target] = await rows<{ id: string; phone: string }>(db, `
        WITH c AS (
          SELECT id, defaultFields.phoneNumbers AS phones,
                 coalesce(list_bool_or(list_transform(customFields, f -> coalesce(f ->> 'key' = 'opted-out' AND TRY_CAST(f ->> 'value' AS BOOLEAN), false))), false) AS opted
          FROM read_parquet('${contacts}'))
        SELECT c.id, phones[1].value AS phone FROM c JOIN read_parquet('${raw(data)}/calls/*/*.parquet', hive_partitioning = true) k ON k.participants[1] = c.phones[1].value
        WHERE len(c.phones) = 1 AND NOT c.opted
        GROUP BY ALL ORDER BY count(DISTINCT k.date) DESC, c.id LIMIT 1`) as [{ id: string; phone: string }];
      // The days to analyse again: every day with a text, and with a message, call or survey answer of that contact.
      const scan = (e: string) => `read_parquet('${raw(data)}/${e}/*/*.parquet', hive_partitioning = true)`;
      expected = (await rows<{ d: string }>(db, `
        WITH text_days AS (SELECT date FROM ${scan("messages")} UNION SELECT date FROM ${scan("call_summaries")}
                           UNION SELECT date FROM ${scan("call_transcripts")} UNION SELECT date FROM ${scan("survey_responses")}),
        theirs AS (
          SELECT date FROM ${scan("calls")} WHERE participants[1] = '${target.phone}'
          UNION SELECT date FROM ${scan("messages")} WHERE (CASE WHEN direction = 'incoming' THEN "from" ELSE "to"[1] END) = '${target.phone}'
          UNION SELECT date FROM ${scan("survey_responses")} WHERE contactId = '${target.id}')
        SELECT DISTINCT strftime(date, '%Y-%m-%d') AS d FROM theirs WHERE date IN (SELECT date FROM text_days) ORDER BY 1`)).map((r) => r.d);
    } finally { db.close(); }
    expect(expected.length).toBeGreaterThan(1);
    await rewrite(contacts, `SELECT * REPLACE (CASE WHEN id = '${target!.id}' THEN list_transform(customFields,
      f -> CASE WHEN f ->> 'key' = 'opted-out' THEN json_object('name', f ->> 'name', 'key', 'opted-out', 'type', 'boolean', 'value', true) ELSE f END) ELSE customFields END AS customFields) FROM {{t}}`);
    const r = await enrich(data);
    expect(r.days.analysed).toBe(expected.length);
    expect(r.days.full).toBe(false);
    expect(r.optedOutCalls).toBeGreaterThan(0);
    await expectSameEnriched(data, await fullRunOf(data));
    // Every one of the contact's calls is now marked opted out, on every day.
    const check = await openDb();
    try {
      const [c] = await rows<{ calls: number; opted: number }>(check, `
        SELECT count(*) AS calls, count(*) FILTER (WHERE t.opted_out) AS opted
        FROM read_parquet('${enriched(data)}/call_texts/*/*.parquet') t JOIN read_parquet('${raw(data)}/calls/*/*.parquet') k ON k.id = t.call_id
        WHERE k.participants[1] = '${target!.phone}'`);
      expect(c!.calls).toBeGreaterThan(0);
      expect(c!.opted).toBe(c!.calls);
    } finally { check.close(); }
  }, 300_000);

  it("keeps what was analysed from texts retention deleted past their period, as a run before the deletion has it", async () => {
    const minus = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    const shortTranscripts = { privacy: { retention: { purposes: [{ name: "training", days: 20, entities: ["call_transcripts"] }] } } };
    const data = withRaw("expiry", source);
    const reference = withRaw("expiry-ref", source);
    try {
      process.env.COMMSIGHT_TODAY = minus(lastDay, 10);
      await enrich(data, shortTranscripts);
      // Ten days later: ten more days of transcripts pass their period; retention deletes their raw partitions after enrich.
      process.env.COMMSIGHT_TODAY = lastDay;
      const crossing = await enrich(data, shortTranscripts);
      expect(crossing.days.analysed).toBeLessThanOrEqual(10);
      const cutoff = minus(lastDay, 20);
      const expired = days(join(raw(data), "call_transcripts")).filter((d) => d < cutoff);
      expect(expired.length).toBeGreaterThan(5);
      for (const d of expired) rmSync(join(raw(data), "call_transcripts", `date=${d}`), { recursive: true });
      const before = enrichedFiles(data);
      const after = await enrich(data, shortTranscripts);
      expect(after.days).toMatchObject({ analysed: 0, removed: 0 });
      expect(enrichedFiles(data)).toEqual(before);
      // The same as a run that analysed those days while their transcripts were still there.
      await enrich(reference, shortTranscripts);
      await expectSameEnriched(data, reference);
      const [n] = await (async () => {
        const db = await openDb();
        try { return await rows<{ n: number }>(db, `SELECT count(*)::INT AS n FROM read_parquet('${enriched(data)}/call_texts/*/*.parquet', hive_partitioning = true) WHERE date < '${cutoff}' AND analysed`); } finally { db.close(); }
      })();
      expect(n!.n).toBeGreaterThan(0);
    } finally {
      process.env.COMMSIGHT_TODAY = lastDay;
    }
  }, 300_000);

  it("follows deleted raw days and damaged enriched partitions, and a new analysis version analyses everything", async () => {
    const data = withRaw("repairs", source);
    const first = await enrich(data);
    const all = days(join(raw(data), "messages"));
    // Retention deletes the first raw day of every entity; someone deletes an enriched partition of another day.
    for (const e of readdirSync(raw(data))) rmSync(join(raw(data), e, `date=${all[0]}`), { recursive: true, force: true });
    const damaged = days(join(enriched(data), "call_texts"))[3]!;
    rmSync(join(enriched(data), "call_texts", `date=${damaged}`), { recursive: true });
    const r = await enrich(data);
    expect(r.days).toEqual({ analysed: 1, unchanged: first.days.analysed - 2, removed: 1, full: false });
    for (const e of ENRICHED) expect(days(join(enriched(data), e.name))).not.toContain(all[0]);
    expect(days(join(enriched(data), "call_texts"))).toContain(damaged);
    await expectSameEnriched(data, await fullRunOf(data));

    const redactLess = { privacy: { redact: ["phone", "email"] } };
    const v = await enrich(data, redactLess);
    expect(v.days).toMatchObject({ full: true, analysed: first.days.analysed - 1, unchanged: 0 });
  }, 300_000);
});
