/**
 * contact_features and opportunity_features built for a slice (`incremental_since`, `incremental_keys()`,
 * the contract the incremental transform builds them with) equal the full build restricted to
 * as_of >= since or contact_id in the keys — every row and column, floats to 1e-9 — and read fewer
 * rows (DuckDB's profile of the query). The snapshots are Fridays plus the last day of data, and a
 * new day leaves the older snapshots as they were. A small synthetic lake: bursts and a case chain
 * longer than a year, gaps of more than a year, surveys that name no contact (found through their
 * interaction), surveys long before the slice (the last NPS/CSAT carried in), churned contacts,
 * outbound calls, sales topics, transcripts and outcomes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../pipelines/app/config.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, lit, openDb, rows, type Db } from "../../pipelines/core/duckdb.ts";
import { compile } from "../../pipelines/transform/compile.ts";
import { loadProject, type Model } from "../../pipelines/catalog/project.ts";
import { loadMacros, registerMacros } from "../../pipelines/transform/macros.ts";
import { TRANSFORMS_DIR, transformVars } from "../../pipelines/transform/run.ts";

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => iso(Date.parse(d) + n * DAY);
const FIRST = "2024-01-01";
const LAST = "2025-12-31"; // a Wednesday: the last day is a snapshot of its own
const FULL = "0001-01-01";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

type Row = Record<string, string | number | boolean | null>;
type Lake = Record<"contacts" | "interactions" | "texts" | "surveys" | "metrics" | "outcomes", Row[]>;

function synthetic(seed: number, last = LAST): Lake {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const lake: Lake = { contacts: [], interactions: [], texts: [], surveys: [], metrics: [], outcomes: [] };
  const span = (Date.parse(last) - Date.parse(FIRST)) / DAY;
  let n = 0;
  const touch = (contact: string, day: string, hour: number, direction = "incoming") => {
    const channel = direction === "outgoing" || r() < 0.7 ? "call" : "message";
    const id = `I${String(n++).padStart(5, "0")}`;
    lake.interactions.push({
      interaction_id: id, channel, direction, contact_id: contact, date: day, started_at: `${day} ${String(hour).padStart(2, "0")}:00:00`,
      line: pick(["Support", "Support", "Sales"]), outcome: channel === "call" ? pick(["answered", "answered", "missed", "voicemail"]) : "delivered",
      transfers: channel === "call" ? pick([0, 1, null]) : null, topic: pick(["billing", "pricing", "new_order", "outage"]),
      first_response_seconds: channel === "message" ? Math.floor(r() * 900) : null,
    });
    if (r() < 0.5) lake.texts.push({ interaction_id: id, channel, date: r() < 0.5 ? day : addDays(day, 1), sentiment: Math.round((r() * 2 - 1) * 100) / 100, text: pick(["still not fixed, frustrated", "thanks, all good", "this is unacceptable"]) });
    if (channel === "call" && r() < 0.6) lake.metrics.push({ call_id: id, date: day, customer_questions: Math.floor(r() * 4) });
    if (r() < 0.3) {
      const at = addDays(day, Math.floor(r() * 3));
      const kind = r();
      lake.surveys.push({
        response_id: `S${n}`, interaction_id: id, contact_id: r() < 0.7 ? contact : null, responded_at: `${at} 18:00:00`, date: at,
        nps: kind < 0.7 ? Math.floor(r() * 11) : null, csat: kind > 0.4 ? 1 + Math.floor(r() * 5) : null, comment: r() < 0.3 ? pick(["Terrible, nobody followed up", "great"]) : null,
      });
    }
  };
  for (let c = 0; c < 45; c++) {
    const id = `C${c}`;
    const since = addDays(FIRST, Math.floor(r() * 500) - 200);
    const churnedOn = r() < 0.3 ? addDays(since, 200 + Math.floor(r() * 500)) : null;
    lake.contacts.push({ contact_id: id, segment: pick(["Residential", "Business"]), customer_since: since, churned: churnedOn !== null, churned_on: churnedOn });
    for (let b = 1 + Math.floor(r() * 5); b > 0; b--) {
      let day = addDays(FIRST, Math.floor(r() * span));
      for (let k = 1 + Math.floor(r() * 5); k > 0 && day <= last; k--) {
        touch(id, day, 8 + Math.floor(r() * 10));
        if (r() < 0.15) touch(id, day, 9); // the same day
        day = addDays(day, Math.floor(r() * (r() < 0.7 ? 6 : 20)));
      }
    }
    if (r() < 0.5) touch(id, addDays(FIRST, Math.floor(r() * span)), 11, "outgoing");
    if (r() < 0.4) lake.outcomes.push({ contact_id: id, outcome_on: addDays(FIRST, Math.floor(r() * span)) });
  }
  // a contact calling every 5 days for the whole history: one case longer than any look-back
  lake.contacts.push({ contact_id: "LONG", segment: "Business", customer_since: "2023-01-01", churned: false, churned_on: null });
  for (let day = FIRST; day <= last; day = addDays(day, 5)) touch("LONG", day, 10);
  // surveys only in the first months, then touches: the last NPS/CSAT comes from long before the slice
  lake.contacts.push({ contact_id: "OLDNPS", segment: "Residential", customer_since: "2023-06-01", churned: false, churned_on: null });
  lake.surveys.push({ response_id: "SOLD1", interaction_id: null, contact_id: "OLDNPS", responded_at: "2024-01-20 10:00:00", date: "2024-01-20", nps: 3, csat: null, comment: null });
  lake.interactions.push({ interaction_id: "IOLD1", channel: "call", direction: "incoming", contact_id: "OLDNPS", date: "2024-02-01", started_at: "2024-02-01 10:00:00", line: "Support", outcome: "answered", transfers: 0, topic: "billing", first_response_seconds: null });
  lake.interactions.push({ interaction_id: "IOLD2", channel: "call", direction: "incoming", contact_id: "OLDNPS", date: "2024-02-02", started_at: "2024-02-02 10:00:00", line: "Support", outcome: "answered", transfers: 0, topic: "billing", first_response_seconds: null });
  lake.surveys.push({ response_id: "SOLD2", interaction_id: "IOLD2", contact_id: null, responded_at: "2024-02-03 10:00:00", date: "2024-02-03", nps: null, csat: 2, comment: null });
  for (const day of ["2024-11-01", "2025-06-01", "2025-11-20", "2025-12-28"]) {
    lake.interactions.push({ interaction_id: `IOLD${day}`, channel: "message", direction: "incoming", contact_id: "OLDNPS", date: day, started_at: `${day} 12:00:00`, line: "Support", outcome: "delivered", transfers: null, topic: "billing", first_response_seconds: 60 });
  }
  // many early touches of someone who is no customer: history a slice need not read (and several scan chunks)
  for (let k = 0; k < 6000; k++) {
    const day = addDays(FIRST, k % 150);
    lake.interactions.push({ interaction_id: `B${k}`, channel: "call", direction: "incoming", contact_id: "BULK", date: day, started_at: `${day} 10:00:00`, line: "Support", outcome: "answered", transfers: 0, topic: "billing", first_response_seconds: null });
  }
  return lake;
}

const COLUMNS = {
  stg_contacts: "contact_id VARCHAR, segment VARCHAR, customer_since DATE, churned BOOLEAN, churned_on DATE",
  interactions: "interaction_id VARCHAR, channel VARCHAR, direction VARCHAR, contact_id VARCHAR, date DATE, started_at TIMESTAMP, line VARCHAR, outcome VARCHAR, transfers BIGINT, topic VARCHAR, first_response_seconds DOUBLE",
  int_interaction_texts: "interaction_id VARCHAR, channel VARCHAR, date DATE, sentiment DOUBLE, text VARCHAR",
  stg_survey_responses: "response_id VARCHAR, interaction_id VARCHAR, contact_id VARCHAR, responded_at TIMESTAMP, date DATE, nps BIGINT, csat BIGINT, comment VARCHAR",
  conversation_metrics: "call_id VARCHAR, date DATE, customer_questions BIGINT",
  int_opportunity_outcomes: "contact_id VARCHAR, outcome_on DATE",
};

async function load(db: Db, lake: Lake): Promise<void> {
  const data: Record<keyof typeof COLUMNS, Row[]> = {
    stg_contacts: lake.contacts, interactions: lake.interactions, int_interaction_texts: lake.texts,
    stg_survey_responses: lake.surveys, conversation_metrics: lake.metrics, int_opportunity_outcomes: lake.outcomes,
  };
  for (const [name, cols] of Object.entries(COLUMNS)) {
    await exec(db, `CREATE OR REPLACE TABLE ${name} (${cols})`);
    const values = data[name as keyof typeof COLUMNS].map((r) => `(${Object.values(r).map((x) => (x === null ? "NULL" : typeof x === "string" ? lit(x) : String(x))).join(", ")})`);
    if (values.length) await exec(db, `INSERT INTO ${name} VALUES ${values.join(",\n")}`);
  }
  await exec(db, "CREATE OR REPLACE TABLE calendar AS SELECT DISTINCT date FROM interactions");
}

type Label = { kind: "explicit"; horizonDays: number; field: string } | { kind: "inactivity"; days: number };
const MARTS = ["contact_features", "opportunity_features"] as const;
type Mart = (typeof MARTS)[number];

class Project {
  private readonly models: Model[] = loadProject(TRANSFORMS_DIR);
  private readonly vars: Record<string, string | number>;
  constructor(readonly db: Db, label: Label = { kind: "explicit", field: "churned", horizonDays: 14 }, fcr = 7) {
    this.vars = transformVars(parseConfig({ models: { churn: { label } }, transform: { fcrWindowDays: fcr } }));
  }
  sql(name: string, since: string): string {
    return compile(this.models.find((m) => m.name === name)!, { rawDir: "/nonexistent", vars: { ...this.vars, incremental_since: since } });
  }
  async setup(): Promise<void> {
    await registerMacros(this.db, loadMacros(TRANSFORMS_DIR), this.vars);
    await exec(this.db, `CREATE OR REPLACE TABLE int_feature_snapshots AS ${this.sql("int_feature_snapshots", FULL)}`);
  }
  async keys(keys: string[]): Promise<void> {
    const body = keys.length ? keys.map((k) => `SELECT ${lit(k)} AS key`).join(" UNION ALL ") : "SELECT NULL::VARCHAR AS key WHERE false";
    await exec(this.db, `CREATE OR REPLACE MACRO incremental_keys() AS TABLE ${body}`);
  }
  async build(mart: Mart, since: string, keys: string[] = []): Promise<Map<string, Row>> {
    await this.keys(keys);
    const got = await rows<Row>(this.db, `SELECT * EXCLUDE (as_of), strftime(as_of, '%Y-%m-%d') AS as_of FROM (${this.sql(mart, since)})`);
    const out = new Map<string, Row>();
    for (const g of got) {
      const k = `${g.contact_id}|${g.as_of}`;
      expect(out.has(k), `duplicate row ${k}`).toBe(false);
      out.set(k, g);
    }
    return out;
  }
  /** Total rows through the query's operators, and rows out of its interactions scans (DuckDB's profile). */
  async profile(mart: Mart, since: string, keys: string[] = []): Promise<{ cardinality: number; interactions: number }> {
    await this.keys(keys);
    const dir = mkdtempSync(join(tmpdir(), "features-since-"));
    try {
      const file = join(dir, "profile.json");
      await exec(this.db, `PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = ${lit(file)}`);
      await rows(this.db, `SELECT count(*) AS n FROM (${this.sql(mart, since)})`);
      await exec(this.db, "PRAGMA disable_profiling");
      type Node = { operator_type?: string; operator_cardinality?: number; extra_info?: { Table?: string }; children?: Node[]; cumulative_cardinality?: number };
      const root = JSON.parse(readFileSync(file, "utf8")) as Node;
      let interactions = 0;
      const walk = (n: Node) => {
        if (n.operator_type === "TABLE_SCAN" && /interactions$/.test(n.extra_info?.Table ?? "")) interactions += Number(n.operator_cardinality ?? 0);
        for (const c of n.children ?? []) walk(c);
      };
      walk(root);
      return { cardinality: Number(root.cumulative_cardinality), interactions };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function expectSame(got: Map<string, Row>, want: Map<string, Row>, what: string): void {
  const problems: string[] = [];
  for (const [k, w] of want) {
    const g = got.get(k);
    if (!g) { problems.push(`${what}: missing ${k}`); continue; }
    for (const [col, x] of Object.entries(w)) {
      const y = g[col];
      const ok = typeof x === "number" && typeof y === "number" ? Math.abs(x - y) <= 1e-9 : x === y || (typeof x === "bigint" && x === y);
      if (!ok) problems.push(`${what}: ${k}.${col} full ${String(x)}, slice ${String(y)}`);
    }
  }
  for (const k of got.keys()) if (!want.has(k)) problems.push(`${what}: unexpected ${k}`);
  expect(problems.slice(0, 10)).toEqual([]);
}

const restrict = (full: Map<string, Row>, since: string, keys: string[]) =>
  new Map([...full].filter(([, r]) => String(r.as_of) >= since || keys.includes(String(r.contact_id))));

const isFriday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay() === 5;

describe("feature marts built for a slice (incremental_since, incremental_keys)", () => {
  const lake = synthetic(11);
  let db: Db;
  let p: Project;
  const full = new Map<Mart, Map<string, Row>>();

  beforeAll(async () => {
    db = await openDb();
    await load(db, lake);
    p = new Project(db);
    await p.setup();
    for (const m of MARTS) full.set(m, await p.build(m, FULL));
  }, 60_000);
  afterAll(() => db?.close());

  it("snapshots are the Fridays from 91 days in, and the last day of data", async () => {
    const spine = (await rows<{ d: string; last: string }>(db, "SELECT strftime(as_of, '%Y-%m-%d') AS d, strftime(last_day, '%Y-%m-%d') AS last FROM int_feature_snapshots ORDER BY as_of")).map((r) => r.d);
    const want: string[] = [];
    for (let d = addDays(FIRST, 91); d <= LAST; d = addDays(d, 1)) if (isFriday(d)) want.push(d);
    expect(spine).toEqual([...want, LAST]);
    const cf = full.get("contact_features")!;
    expect(cf.size).toBeGreaterThan(800);
    expect(new Set([...cf.values()].map((r) => r.as_of)).size).toBe(want.length + 1);
    // the lake exercises what the carry-ins and caps are for
    expect(cf.get("OLDNPS|2025-11-21")).toMatchObject({ last_nps: 3, last_csat: 2 });
    expect(Number(cf.get("LONG|2025-12-26")!.open_case_contacts)).toBe(Number(cf.get("LONG|2025-12-26")!.contacts_365d));
    expect([...full.get("opportunity_features")!.values()].some((r) => r.label === true)).toBe(true);
  });

  const cases: { since: string; keys: string[]; note: string }[] = [
    { since: addDays(FIRST, 30), keys: [], note: "before the first snapshot: everything" },
    { since: "2025-06-11", keys: [], note: "a Wednesday in the middle" },
    { since: "2025-11-14", keys: ["LONG", "OLDNPS"], note: "a Friday, with two changed contacts" },
    { since: "2025-12-26", keys: ["C3", "NOBODY"], note: "a week before the end, a changed key with no rows" },
    { since: LAST, keys: [], note: "the last day: its own snapshot only" },
    { since: addDays(LAST, 5), keys: ["C1", "C7", "LONG"], note: "after the last day: only the changed contacts' rows" },
  ];
  for (const c of cases) {
    it(`since ${c.since}, keys [${c.keys.join(", ")}] (${c.note}): the full build's rows, column by column`, async () => {
      for (const m of MARTS) {
        const want = restrict(full.get(m)!, c.since, c.keys);
        expect(want.size, m).toBeGreaterThan(0);
        expectSame(await p.build(m, c.since, c.keys), want, m);
      }
    }, 30_000);
  }

  it("a slice reads fewer rows than the full build", async () => {
    for (const m of MARTS) {
      const all = await p.profile(m, FULL);
      const week = await p.profile(m, "2025-12-24");
      expect(all.interactions, m).toBeGreaterThan(6000);
      expect(week.interactions, m).toBeLessThan(all.interactions * 0.5);
      expect(week.cardinality, m).toBeLessThan(all.cardinality * 0.5);
    }
  }, 30_000);

  it("the inactivity label and another repeat window give the same slices", async () => {
    const q = new Project(db, { kind: "inactivity", days: 60 }, 3);
    await q.setup();
    const cf = await q.build("contact_features", FULL);
    expect([...cf.values()].some((r) => r.label === true) && [...cf.values()].some((r) => r.label === false)).toBe(true);
    for (const [since, keys] of [["2025-09-03", []], ["2025-10-05", ["LONG", "C5"]]] as const) {
      expectSame(await q.build("contact_features", since, [...keys]), restrict(cf, since, [...keys]), `inactivity since ${since}`);
    }
  }, 30_000);

  it("a new day moves no older snapshot and changes no row whose label window it is not in", async () => {
    const before = full.get("contact_features")!;
    const next = addDays(LAST, 1);
    const other = await openDb();
    try {
      const grown = synthetic(11);
      grown.interactions.push({ ...lake.interactions.find((i) => i.contact_id === "C2")!, interaction_id: "NEW1", date: next, started_at: `${next} 09:00:00` });
      await load(other, grown);
      const q = new Project(other);
      await q.setup();
      const spine = (await rows<{ d: string }>(other, "SELECT strftime(as_of, '%Y-%m-%d') AS d FROM int_feature_snapshots ORDER BY as_of")).map((r) => r.d);
      const old = (await rows<{ d: string }>(db, "SELECT strftime(as_of, '%Y-%m-%d') AS d FROM int_feature_snapshots ORDER BY as_of")).map((r) => r.d);
      expect(spine).toEqual([...old.filter((d) => d !== LAST), next]);
      const after = await q.build("contact_features", FULL);
      const settled = (m: Map<string, Row>) => new Map([...m].filter(([, r]) => String(r.as_of) <= addDays(LAST, -14)));
      expect(settled(before).size).toBeGreaterThan(500);
      expectSame(settled(after), settled(before), "settled rows after a new day");
    } finally {
      other.close();
    }
  }, 30_000);
});
