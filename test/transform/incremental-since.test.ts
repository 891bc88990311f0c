/**
 * The incremental contract (issue 13): an incremental mart's SQL sees `{{ var('incremental_since') }}`
 * and `incremental_keys()`, computes only rows dated on or after since plus the rows of changed keys,
 * and the framework merges the changed keys into older partitions by key (delete + insert). After
 * any sequence of nights (new days, random changed old days, changed, added and deleted keys) the
 * published mart equals a full build over the same lake; a night with a new day computes far fewer
 * rows than a full build; a night with nothing new computes nothing.
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

// A 60-day running sum per contact and day with calls, the calls of the 7 days after (a changed day
// reaches back fcr_window_days = 7: lookback_days names the var), and the contact's tier (a keyed snapshot).
const PROJECT = {
  "staging/stg_contacts.sql": "SELECT id AS contact_id, tier FROM {{ source('contacts') }}",
  "staging/stg_calls.sql": "SELECT id AS call_id, contact AS contact_id, amount, date AS day FROM {{ source('calls') }}",
  "marts/feat.sql": `
WITH calls AS (
    SELECT * FROM {{ ref('stg_calls') }}
    WHERE day >= {{ var('incremental_since') }}::DATE - INTERVAL 59 DAY
       OR contact_id IN (SELECT key FROM incremental_keys())
),
daily AS (SELECT contact_id, day, sum(amount) AS amount, count(*) AS n FROM calls GROUP BY ALL),
windowed AS (
    SELECT contact_id, day, strftime(day, '%Y-%m') AS month,
           sum(amount) OVER w AS amount_60d, sum(n) OVER w AS calls_60d,
           coalesce(sum(n) OVER (PARTITION BY contact_id ORDER BY day RANGE BETWEEN INTERVAL 1 DAY FOLLOWING AND INTERVAL 7 DAY FOLLOWING), 0) AS calls_next_7d
    FROM daily
    WINDOW w AS (PARTITION BY contact_id ORDER BY day RANGE BETWEEN INTERVAL 59 DAY PRECEDING AND CURRENT ROW)
)
SELECT w.*, c.tier FROM windowed w JOIN {{ ref('stg_contacts') }} c USING (contact_id)
WHERE w.day >= {{ var('incremental_since') }}::DATE OR w.contact_id IN (SELECT key FROM incremental_keys())`,
  "marts/feat.yml": `description: per contact and day with calls, 60-day sums
incremental: { partition_by: day, lookback_days: [fcr_window_days], keyed_by: { stg_contacts: contact_id } }
columns:
  - {name: contact_id, type: VARCHAR, description: c, tests: [not_null]}
  - {name: day, type: DATE, description: d}
  - {name: month, type: VARCHAR, description: m}
  - {name: amount_60d, type: DOUBLE, description: a}
  - {name: calls_60d, type: HUGEINT, description: n}
  - {name: calls_next_7d, type: HUGEINT, description: calls in the 7 days after (a changed day reaches 7 days back)}
  - {name: tier, type: VARCHAR, description: t}
tests:
  - unique_combination: [contact_id, day]
`,
};


const day = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

/** The raw lake: one Parquet file per call day, the contacts as a snapshot. */
class Lake {
  calls = new Map<string, { id: string; contact: string; amount: number }[]>();
  contacts = new Map<string, string>();
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
    const values = [...this.contacts].map(([id, tier]) => `(${lit(id)}, ${lit(tier)})`).join(", ");
    await exec(this.db, `COPY (SELECT * FROM (VALUES ${values}) t(id, tier)) TO ${lit(join(dir, "data.parquet"))} (FORMAT parquet)`);
  }
}

const feat = (r: TransformResult) => r.models.find((m) => m.model === "feat")!;

describe("incremental marts compute only what changed (incremental_since, incremental_keys)", () => {
  const db = openDb();
  afterAll(async () => (await db).close());

  it("after new days, random changed old days and changed, added and deleted keys, the mart equals a full build", async () => {
    const rand = prng(20261203);
    const data = tmpDir("since-");
    const config = parseConfig({ paths: { data } });
    const paths = lakePaths(config);
    const dir = sqlProject(PROJECT);
    const lake = new Lake(paths, await db);
    let ids = 0;
    const contactIds = () => [...lake.contacts.keys()];
    const callsOn = (d: string) => Array.from({ length: 2 + Math.floor(rand() * 4) }, () => ({
      id: `AC${ids++}`, contact: contactIds()[Math.floor(rand() * lake.contacts.size)]!, amount: Math.round(rand() * 10_000) / 100,
    }));
    for (let i = 0; i < 12; i++) lake.contacts.set(`C${i}`, rand() < 0.5 ? "gold" : "basic");
    let last = 150;
    for (let i = 0; i <= last; i++) lake.calls.set(day(i), callsOn(day(i)));
    // A contact whose calls are all in January: deleted on its own later, its rows must go.
    lake.contacts.set("LONE", "basic");
    for (let i = 3; i < 9; i++) lake.calls.get(day(i))!.push({ id: `AC${ids++}`, contact: "LONE", amount: 1 });
    for (const d of lake.calls.keys()) await lake.writeDay(d);
    await lake.writeContacts();

    const read = async (p: Paths) => rows(await db, `SELECT contact_id, day::VARCHAR AS day, month, round(amount_60d, 9) AS a, calls_60d::BIGINT AS n, calls_next_7d::BIGINT AS next, tier
      FROM read_parquet(${lit(p.marts + "/feat/**/*.parquet")}, hive_partitioning = true) ORDER BY contact_id, day`);
    const full = async () => {
      const other = lakePaths(parseConfig({ paths: { data: tmpDir("since-full-") } }));
      cpSync(paths.raw, other.raw, { recursive: true });
      await runTransforms(parseConfig({ paths: { data: other.data } }), other, { dir, fullRefresh: true });
      return { rows: await read(other) };
    };

    const first = await runTransforms(config, paths, { dir });
    expect(feat(first).rebuilt).toBe("all");
    const fullRows = feat(first).rows;

    // Night: one new day. Only the partitions from since on are computed (a fraction of the whole).
    last++;
    lake.calls.set(day(last), callsOn(day(last)));
    await lake.writeDay(day(last));
    let r = await runTransforms(config, paths, { dir });
    expect(feat(r).rebuilt).not.toBe("all");
    expect(feat(r).computed).toBeLessThan(fullRows / 2);
    let want = await full();
    expect(await read(paths)).toEqual(want.rows);

    // Nights mixing: changed old days, changed / added / deleted contacts, new days.
    for (let night = 0; night < 4; night++) {
      const changedDays = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => day(Math.floor(rand() * last)));
      for (const d of changedDays) {
        lake.calls.set(d, callsOn(d));
        await lake.writeDay(d);
      }
      const ks = contactIds();
      lake.contacts.set(ks[Math.floor(rand() * ks.length)]!, `tier${night}`);
      if (night === 1) lake.contacts.delete(ks[0]!); // its rows go from every partition
      if (night === 2) lake.contacts.set(`C${100 + night}`, "new");
      await lake.writeContacts();
      if (night % 2 === 0) {
        last++;
        lake.calls.set(day(last), callsOn(day(last)));
        await lake.writeDay(day(last));
      }
      r = await runTransforms(config, paths, { dir });
      expect(feat(r).rebuilt, `night ${night}`).not.toBe("all");
      want = await full();
      const got = await read(paths);
      expect(got.length).toBeGreaterThan(100);
      expect(got, `night ${night}: changed ${changedDays.join(", ")}`).toEqual(want.rows);
    }

    // Only a contact changed, no day: its rows are merged by key into the partitions they are in.
    const some = contactIds()[3]!;
    lake.contacts.set(some, "only-key");
    await lake.writeContacts();
    r = await runTransforms(config, paths, { dir });
    expect(feat(r).computed).toBeLessThan(fullRows / 4);
    expect(await read(paths)).toEqual((await full()).rows);
    expect((await read(paths)).filter((x) => x.contact_id === some).every((x) => x.tier === "only-key")).toBe(true);

    // Only a contact deleted whose rows are all in January: January loses them, nothing else is touched.
    lake.contacts.delete("LONE");
    await lake.writeContacts();
    r = await runTransforms(config, paths, { dir });
    expect(feat(r).computed).toBe(0);
    expect(feat(r).rows).toBeGreaterThan(0); // January written again, without LONE
    expect((await read(paths)).some((x) => x.contact_id === "LONE")).toBe(false);
    expect(await read(paths)).toEqual((await full()).rows);

    // Nothing new: nothing computed.
    r = await runTransforms(config, paths, { dir });
    expect(feat(r).rebuilt).toBe("none");
    expect(await read(paths)).toEqual((await full()).rows);
  }, 120_000);
});
