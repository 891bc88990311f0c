/**
 * `merge: replace` marts downstream of other marts (issue 13): a mart that reads an incremental mart
 * and a whole mart rebuilds only the partitions of the days those marts actually changed (a content
 * diff of what they publish: a changed contact rewrites whole months of the upstream incremental mart,
 * a few rows of which differ), plus the months of a contact whose watched column changed
 * (`keyed_by: { stg_contacts: contact_id(segment) }`: any other change to the contact is no change to
 * it). After any sequence of nights (new days, changed old days, changed, added and deleted contacts,
 * an upstream published by a `--select` run whose state was not written) it equals a full build.
 */
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, lit, openDb, rows, type Db } from "../../pipelines/core/duckdb.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { runTransforms, type TransformResult } from "../../pipelines/transform/run.ts";
import { sqlProject, tmpDir } from "../helpers/records.ts";
import { mulberry32 as prng } from "../../models/shared/rng.ts";

const PROJECT = {
  "staging/stg_contacts.sql": "SELECT id AS contact_id, segment, tier FROM {{ source('contacts') }}",
  "staging/stg_calls.sql": "SELECT id AS call_id, contact AS contact_id, amount, date FROM {{ source('calls') }}",
  // Upstream incremental mart: the tier is the contact's (derived), so a changed contact rewrites its months.
  "marts/calls_m.sql": `SELECT c.call_id, c.date, strftime(c.date, '%Y-%m') AS month, c.contact_id, c.amount, k.tier
FROM {{ ref('stg_calls') }} c LEFT JOIN {{ ref('stg_contacts') }} k USING (contact_id)`,
  "marts/calls_m.yml": `description: calls with the contact's tier
incremental: { partition_by: month, lookback_days: 0, keyed_by: { stg_contacts: contact_id }, merge: partition }
columns:
  - {name: call_id, type: VARCHAR, description: c, tests: [unique]}
  - {name: date, type: DATE, description: d}
  - {name: month, type: VARCHAR, description: m}
  - {name: contact_id, type: VARCHAR, description: k}
  - {name: amount, type: DOUBLE, description: a}
  - {name: tier, type: VARCHAR, description: t}
`,
  // Upstream whole mart: a contact's running count of calls, dated (a changed day reaches later days).
  "marts/runs.sql": `SELECT date, contact_id, sum(n) OVER (PARTITION BY contact_id ORDER BY date) AS calls_so_far
FROM (SELECT date, contact_id, count(*) AS n FROM {{ ref('stg_calls') }} GROUP BY ALL)`,
  "marts/runs.yml": `description: running calls per contact and day
columns:
  - {name: date, type: DATE, description: d}
  - {name: contact_id, type: VARCHAR, description: k}
  - {name: calls_so_far, type: HUGEINT, description: n}
`,
  // The replace mart: per period (day, week, month), tier and segment.
  "marts/summary.sql": `
WITH facts AS (
    SELECT c.date, c.contact_id, c.tier, k.segment, c.amount AS x FROM {{ ref('calls_m') }} c LEFT JOIN {{ ref('stg_contacts') }} k USING (contact_id)
    UNION ALL
    SELECT r.date, r.contact_id, NULL, k.segment, r.calls_so_far::DOUBLE FROM {{ ref('runs') }} r LEFT JOIN {{ ref('stg_contacts') }} k USING (contact_id)
),
reach AS (SELECT date FROM facts WHERE {{ var('is_incremental') }}::BOOLEAN AND contact_id IN (SELECT key FROM incremental_keys())),
months AS (
    SELECT value AS month FROM incremental_partitions()
    UNION SELECT strftime(date, '%Y-%m') FROM reach
    UNION SELECT strftime(date_trunc('week', date), '%Y-%m') FROM reach
),
scoped AS (
    SELECT * FROM facts
    WHERE NOT {{ var('is_incremental') }}::BOOLEAN OR strftime(date, '%Y-%m') IN (SELECT month FROM months)
       OR strftime(date_trunc('week', date), '%Y-%m') IN (SELECT month FROM months)
),
periods AS (
    SELECT 'day' AS period, date AS period_start, * FROM scoped
    UNION ALL SELECT 'week', date_trunc('week', date)::DATE, * FROM scoped
    UNION ALL SELECT 'month', date_trunc('month', date)::DATE, * FROM scoped
)
SELECT period, period_start, coalesce(tier, '-') AS tier, coalesce(segment, '-') AS segment, count(*) AS n, sum(x::DECIMAL(38, 6))::DOUBLE AS sx,
       strftime(period_start, '%Y-%m') AS month
FROM periods
GROUP BY ALL
HAVING NOT {{ var('is_incremental') }}::BOOLEAN OR strftime(period_start, '%Y-%m') IN (SELECT month FROM months)`,
  "marts/summary.yml": `description: per period, tier and segment
incremental: { partition_by: month, lookback_days: 6, keyed_by: { stg_contacts: contact_id(segment) }, merge: replace }
columns:
  - {name: period, type: VARCHAR, description: p}
  - {name: period_start, type: DATE, description: s}
  - {name: tier, type: VARCHAR, description: t}
  - {name: segment, type: VARCHAR, description: g}
  - {name: n, type: BIGINT, description: n}
  - {name: sx, type: DOUBLE, description: x}
  - {name: month, type: VARCHAR, description: m}
tests:
  - unique_combination: [period, period_start, tier, segment]
`,
};

const day = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

class Lake {
  calls = new Map<string, { id: string; contact: string; amount: number }[]>();
  contacts = new Map<string, { segment: string; tier: string }>();
  constructor(readonly paths: Paths, readonly db: Db) {}
  async writeDay(d: string): Promise<void> {
    const dir = join(this.paths.raw, "calls", `date=${d}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const values = this.calls.get(d)!.map((c) => `(${lit(c.id)}, ${lit(c.contact)}, ${c.amount})`).join(", ");
    await exec(this.db, `COPY (SELECT id, contact, amount::DOUBLE AS amount FROM (VALUES ${values}) t(id, contact, amount)) TO ${lit(join(dir, "part-0.parquet"))} (FORMAT parquet)`);
  }
  async writeContacts(): Promise<void> {
    const dir = join(this.paths.raw, "contacts");
    mkdirSync(dir, { recursive: true });
    const values = [...this.contacts].map(([id, c]) => `(${lit(id)}, ${lit(c.segment)}, ${lit(c.tier)})`).join(", ");
    await exec(this.db, `COPY (SELECT * FROM (VALUES ${values}) t(id, segment, tier)) TO ${lit(join(dir, "data.parquet"))} (FORMAT parquet)`);
  }
}

const model = (r: TransformResult, name: string) => r.models.find((m) => m.model === name)!;

describe("merge: replace marts rebuild the days their upstream marts changed", () => {
  const db = openDb();
  afterAll(async () => (await db).close());

  it("after new days, changed old days, changed contacts and a --select run, the replace mart equals a full build", async () => {
    const rand = prng(20261204);
    const data = tmpDir("replace-");
    const config = parseConfig({ paths: { data } });
    const paths = lakePaths(config);
    const dir = sqlProject(PROJECT);
    const lake = new Lake(paths, await db);
    let ids = 0;
    const contactIds = () => [...lake.contacts.keys()];
    const callsOn = () => Array.from({ length: 2 + Math.floor(rand() * 4) }, () => ({
      id: `AC${ids++}`, contact: contactIds()[Math.floor(rand() * lake.contacts.size)]!, amount: Math.round(rand() * 10_000) / 100,
    }));
    for (let i = 0; i < 15; i++) lake.contacts.set(`C${i}`, { segment: rand() < 0.5 ? "home" : "business", tier: rand() < 0.5 ? "gold" : "basic" });
    let last = 120;
    for (let i = 0; i <= last; i++) lake.calls.set(day(i), callsOn());
    for (const d of lake.calls.keys()) await lake.writeDay(d);
    await lake.writeContacts();

    const read = async (p: Paths, mart: string) => rows(await db, `SELECT * EXCLUDE (month), month FROM read_parquet(${lit(p.marts + `/${mart}/**/*.parquet`)}, hive_partitioning = true)
      ORDER BY ALL`);
    const check = async (what: string) => {
      const other = lakePaths(parseConfig({ paths: { data: tmpDir("replace-full-") } }));
      cpSync(paths.raw, other.raw, { recursive: true });
      await runTransforms(parseConfig({ paths: { data: other.data } }), other, { dir, fullRefresh: true });
      const got = await read(paths, "summary");
      expect(got.length, what).toBeGreaterThan(100);
      expect(got, what).toEqual(await read(other, "summary"));
      rmSync(other.data, { recursive: true, force: true });
    };

    const first = await runTransforms(config, paths, { dir });
    const fullComputed = model(first, "summary").rows;

    // A new day: only its month is computed.
    last++;
    lake.calls.set(day(last), callsOn());
    await lake.writeDay(day(last));
    let r = await runTransforms(config, paths, { dir });
    expect(model(r, "summary").rebuilt).not.toBe("all");
    expect(model(r, "summary").computed).toBeLessThan(fullComputed / 2);
    await check("a new day");

    // A contact's tier changes (not watched by summary, but calls_m's rows change): the months of its calls.
    const some = contactIds()[2]!;
    lake.contacts.get(some)!.tier = "platinum";
    await lake.writeContacts();
    r = await runTransforms(config, paths, { dir });
    expect(model(r, "summary").rebuilt).not.toBe("all");
    await check("a tier changed");

    // A tier change of a contact with no calls: calls_m rewrites nothing that differs, summary computes nothing.
    lake.contacts.set("QUIET", { segment: "home", tier: "basic" });
    await lake.writeContacts();
    await runTransforms(config, paths, { dir });
    lake.contacts.get("QUIET")!.tier = "gold";
    await lake.writeContacts();
    r = await runTransforms(config, paths, { dir });
    expect(model(r, "summary").rebuilt).toBe("none");
    await check("a contact without calls changed");

    // Nights mixing changed old days, segment changes (watched), added and deleted contacts, new days.
    for (let night = 0; night < 4; night++) {
      for (let k = 0; k < 1 + Math.floor(rand() * 2); k++) {
        const d = day(Math.floor(rand() * last));
        lake.calls.set(d, callsOn());
        await lake.writeDay(d);
      }
      const ks = contactIds();
      const c = lake.contacts.get(ks[Math.floor(rand() * ks.length)]!)!;
      if (night % 2 === 0) c.segment = `seg${night}`; else c.tier = `tier${night}`;
      if (night === 1) lake.contacts.delete(ks[0]!);
      if (night === 2) lake.contacts.set(`C${100 + night}`, { segment: "new", tier: "new" });
      await lake.writeContacts();
      last++;
      lake.calls.set(day(last), callsOn());
      await lake.writeDay(day(last));
      r = await runTransforms(config, paths, { dir });
      expect(model(r, "summary").rebuilt, `night ${night}`).not.toBe("all");
      await check(`night ${night}`);
    }

    // Upstream published alone (a --select run: its state not written, as a run killed after calls_m):
    // the next run's own diff of calls_m finds nothing, the journal still has the days summary must rebuild.
    lake.contacts.get(contactIds()[4]!)!.tier = "journalled";
    await lake.writeContacts();
    await runTransforms(config, paths, { dir, select: "calls_m" });
    r = await runTransforms(config, paths, { dir });
    expect(model(r, "summary").rebuilt).not.toBe("none");
    await check("after a --select run");

    // Nothing new: nothing computed.
    r = await runTransforms(config, paths, { dir });
    expect(model(r, "summary").rebuilt).toBe("none");
  }, 180_000);
});
