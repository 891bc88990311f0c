/**
 * The text stage on a small generated business (the run's shared demo, test/setup/sharedDemo.ts: two
 * years, generate → extract → enrich → transform and on, with the public demo pseudonym key; read here
 * only), then the planted truths must show: the outage week emerges (as a topic and as terms)
 * in that week and in no week before; every planted problem customer (manifest churnGroup) is
 * tagged; opted-out contacts' transcripts are never analysed; marts carry only keyed pseudonyms,
 * the same for the same key and unrelated under another key.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exec, lit, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { DEMO_PSEUDONYM_KEY, pseudonymOf } from "../../pipelines/privacy/pseudonym.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { compile } from "../../pipelines/transform/compile.ts";
import { registerSources } from "../../pipelines/transform/inputs.ts";
import { loadMacros, registerMacros } from "../../pipelines/transform/macros.ts";
import { loadProject } from "../../pipelines/catalog/project.ts";
import { TRANSFORMS_DIR, transformVars } from "../../pipelines/transform/run.ts";
import { sharedDemo } from "../setup/sharedDemo.ts";

let data = "";
let manifest: any;

async function q<T = Record<string, any>>(sql: string): Promise<T[]> {
  const db = await openDb();
  try {
    const lake = join(data, "lake");
    for (const m of ["emerging_topics", "emerging_terms", "contact_tags", "conversation_metrics", "calls", "interactions"]) {
      await exec(db, `CREATE VIEW ${m} AS SELECT * FROM read_parquet(${lit(join(lake, "marts", m) + "/**/*.parquet")}, hive_partitioning = true)`);
    }
    await exec(db, `CREATE VIEW call_texts AS SELECT * FROM read_parquet(${lit(join(lake, "enriched", "call_texts") + "/*/*.parquet")})`);
    await exec(db, `CREATE VIEW turns AS SELECT * FROM read_parquet(${lit(join(lake, "enriched", "transcript_turns") + "/*/*.parquet")})`);
    return await rows<T>(db, sql);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  const demo = await sharedDemo();
  data = demo.data;
  manifest = demo.manifest;
}, 1_800_000);

describe("text intelligence on the demo business", () => {
  it("the outage week is an emerging topic in that week and in no week before", async () => {
    const week = manifest.truths.outageWeek.weekStart;
    const flagged = await q<{ week: string; g2: number }>(`SELECT week_start::VARCHAR AS week, g2 FROM emerging_topics WHERE topic = 'outage' AND is_emerging ORDER BY week`);
    expect(flagged.map((f) => f.week)).toContain(week);
    expect(flagged.filter((f) => f.week < week)).toEqual([]);
    // and no other topic emerges before it either: the test is strict enough not to cry wolf
    const [others] = await q<{ n: number }>(`SELECT count(*) AS n FROM emerging_topics WHERE is_emerging AND week_start < DATE '${week}'`);
    expect(others!.n).toBe(0);
  });

  it("the customers' own word 'outage' emerges in that week and not before", async () => {
    const week = manifest.truths.outageWeek.weekStart;
    const flagged = await q<{ week: string }>(`SELECT DISTINCT week_start::VARCHAR AS week FROM emerging_terms WHERE term = 'outage' AND theme = 'all' AND is_emerging`);
    expect(flagged.map((f) => f.week)).toEqual([week]);
  });

  it("every planted problem customer is tagged, with a reason and the day it applied", async () => {
    const planted: string[] = manifest.truths.churnGroup.contactIds.map((id: string) => pseudonymOf(DEMO_PSEUDONYM_KEY, "contact", id));
    expect(planted.length).toBeGreaterThan(100);
    const tagged = await q<{ contact_id: string; reason: string; applied_on: string }>(
      `SELECT contact_id, reason, applied_on::VARCHAR AS applied_on FROM contact_tags WHERE tag = 'problem_customer'`);
    const byId = new Map(tagged.map((t) => [t.contact_id, t]));
    const missing = planted.filter((id) => !byId.has(id));
    expect(missing).toEqual([]);
    for (const id of planted.slice(0, 20)) expect(byId.get(id)!.reason).toMatch(/^\d+ negative experiences within 30 days \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\): /);
    // the tag says something: most contacts in touch do not carry it
    const [touch] = await q<{ n: number }>(`SELECT count(DISTINCT contact_id) AS n FROM interactions WHERE direction = 'incoming'`);
    expect(tagged.length).toBeLessThan(touch!.n * 0.25);
  });

  it("opted-out contacts' transcripts are not analysed; everyone else's are", async () => {
    const [r] = await q<{ opted: number; opted_analysed: number; turns_of_opted: number; analysed: number }>(`
      SELECT count(*) FILTER (WHERE opted_out) AS opted, count(*) FILTER (WHERE opted_out AND analysed) AS opted_analysed,
             (SELECT count(*) FROM turns WHERE call_id IN (SELECT call_id FROM call_texts WHERE opted_out)) AS turns_of_opted,
             count(*) FILTER (WHERE analysed) AS analysed
      FROM call_texts`);
    expect(r!.opted).toBeGreaterThan(0);
    expect(r!.opted_analysed).toBe(0);
    expect(r!.turns_of_opted).toBe(0);
    expect(r!.analysed).toBeGreaterThan(1000);
  });

  it("marts carry keyed pseudonyms: the same for the same key, unrelated under another key", async () => {
    const id = manifest.truths.churnGroup.contactIds[0] as string;
    const [calls] = await q<{ raw: number; pseudo: number; total: number }>(`
      SELECT count(*) FILTER (WHERE contact_id LIKE 'CT%' OR contact_id LIKE '+%') AS raw,
             count(*) FILTER (WHERE contact_id LIKE 'ct\\_%' ESCAPE '\\') AS pseudo, count(contact_id) AS total FROM calls`);
    expect(calls!.raw).toBe(0);
    expect(calls!.pseudo).toBe(calls!.total);
    const before = await q<{ n: number }>(`SELECT count(*) AS n FROM contact_tags WHERE contact_id = '${pseudonymOf(DEMO_PSEUDONYM_KEY, "contact", id)}'`);
    expect(before[0]!.n).toBeGreaterThan(0);
    // The staging model itself, compiled with another key, over the same raw contacts.
    const model = loadProject(TRANSFORMS_DIR).find((m) => m.name === "stg_contacts")!;
    const db = await openDb();
    try {
      await registerSources(db, join(data, "lake", "raw"), new Set(model.sources));
      const vars = { ...transformVars(parseConfig({})), pseudonym_key: "another-key" };
      await registerMacros(db, loadMacros(TRANSFORMS_DIR), vars);
      const again = await rows<{ contact_id: string }>(db, `SELECT contact_id FROM (${compile(model, { rawDir: join(data, "lake", "raw"), vars })})`);
      const ids = new Set(again.map((a) => a.contact_id));
      expect(ids.has(pseudonymOf("another-key", "contact", id))).toBe(true);
      expect(ids.has(pseudonymOf(DEMO_PSEUDONYM_KEY, "contact", id))).toBe(false);
      const published = new Set((await q<{ contact_id: string }>(`SELECT DISTINCT contact_id FROM contact_tags`)).map((t) => t.contact_id));
      expect([...ids].filter((x) => published.has(x))).toEqual([]);
    } finally {
      db.close();
    }
  });
});
