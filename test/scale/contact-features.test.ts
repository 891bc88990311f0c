/**
 * contact_features (computed with running windows over one timeline per contact) against a
 * brute-force computation in JS straight from the definitions (each snapshot × each contact's whole
 * history), on a small synthetic lake: bursts of repeat contacts, ties on the same instant, gaps of
 * more than a year, surveys with only NPS or only CSAT, churned contacts, outbound calls, and
 * touches by contacts that are not customers yet. Both label kinds.
 */
import { describe, expect, it } from "vitest";
import "../../pipelines/app/config.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, lit, openDb, rows, type Db } from "../../pipelines/core/duckdb.ts";
import { compile } from "../../pipelines/transform/compile.ts";
import { loadProject } from "../../pipelines/catalog/project.ts";
import { loadMacros, registerMacros } from "../../pipelines/transform/macros.ts";
import { TRANSFORMS_DIR, transformVars } from "../../pipelines/transform/run.ts";

const DAY = 86_400_000;
const FIRST = Date.parse("2024-01-01T00:00:00Z");
const LAST = Date.parse("2025-12-31T00:00:00Z");
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const days = (a: string, b: string) => Math.round((Date.parse(a) - Date.parse(b)) / DAY);
const addDays = (d: string, n: number) => iso(Date.parse(d) + n * DAY);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

type Contact = { contact_id: string; segment: string; customer_since: string; churned: boolean; churned_on: string | null };
type Interaction = { interaction_id: string; channel: string; direction: string; contact_id: string | null; date: string; started_at: string; line: string; outcome: string; transfers: number | null };
type Survey = { response_id: string; interaction_id: string | null; contact_id: string | null; responded_at: string; date: string; nps: number | null; csat: number | null; comment: string | null };
type Lake = { contacts: Contact[]; interactions: Interaction[]; texts: { interaction_id: string; channel: string; text: string }[]; surveys: Survey[] };

function synthetic(seed: number): Lake {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const lake: Lake = { contacts: [], interactions: [], texts: [], surveys: [] };
  let n = 0;
  for (let c = 0; c < 40; c++) {
    const id = `C${c}`;
    const since = iso(FIRST + Math.floor(r() * 500) * DAY - 200 * DAY);
    const churned = r() < 0.3;
    const churnedOn = churned ? iso(Date.parse(since) + Math.floor(200 + r() * 500) * DAY) : null;
    lake.contacts.push({ contact_id: id, segment: pick(["Residential", "Business"]), customer_since: since, churned, churned_on: churnedOn });
    // a few bursts of touches (repeat contacts), some far apart (gaps of more than a year)
    const bursts = 1 + Math.floor(r() * 5);
    for (let b = 0; b < bursts; b++) {
      let t = FIRST + Math.floor(r() * ((LAST - FIRST) / DAY)) * DAY + Math.floor(r() * 10) * 3_600_000;
      const touches = 1 + Math.floor(r() * 5);
      for (let k = 0; k < touches && t <= LAST + 20 * 3_600_000; k++) {
        const channel = r() < 0.7 ? "call" : "message";
        const started = new Date(t).toISOString().replace("T", " ").slice(0, 19);
        const iid = `I${String(n++).padStart(4, "0")}`;
        lake.interactions.push({
          interaction_id: iid, channel, direction: "incoming", contact_id: id, date: started.slice(0, 10), started_at: started, line: "Support",
          outcome: channel === "call" ? pick(["answered", "answered", "missed", "voicemail", "abandoned"]) : "delivered", transfers: channel === "call" ? pick([0, 0, 1, 2, null]) : null,
        });
        if (r() < 0.2) lake.interactions.push({ ...lake.interactions[lake.interactions.length - 1]!, interaction_id: `I${String(n++).padStart(4, "0")}x` }); // same instant
        if (r() < 0.3) lake.texts.push({ interaction_id: iid, channel, text: pick(["the customer is frustrated, still not fixed", "all good, thanks", "this is unacceptable"]) });
        if (r() < 0.35) {
          const at = new Date(t + Math.floor(r() * 3) * DAY + 3_600_000).toISOString().replace("T", " ").slice(0, 19);
          const kind = r();
          lake.surveys.push({
            response_id: `S${n}`, interaction_id: r() < 0.8 ? iid : null, contact_id: r() < 0.7 ? id : null, responded_at: at, date: at.slice(0, 10),
            nps: kind < 0.7 ? Math.floor(r() * 11) : null, csat: kind > 0.4 ? 1 + Math.floor(r() * 5) : null,
            comment: r() < 0.3 ? pick(["Terrible, nobody followed up", "great service", null]) : null,
          });
        }
        t += Math.floor(r() * (r() < 0.7 ? 6 : 20)) * DAY + Math.floor(r() * 5) * 3_600_000;
      }
    }
    if (r() < 0.5) {
      const t = FIRST + Math.floor(r() * 700) * DAY;
      const started = new Date(t).toISOString().replace("T", " ").slice(0, 19);
      lake.interactions.push({ interaction_id: `O${n++}`, channel: "call", direction: "outgoing", contact_id: id, date: started.slice(0, 10), started_at: started, line: "Support", outcome: "answered", transfers: 0 });
    }
  }
  lake.interactions.push({ interaction_id: "Z1", channel: "call", direction: "incoming", contact_id: "NOBODY", date: "2025-06-01", started_at: "2025-06-01 10:00:00", line: "Support", outcome: "answered", transfers: 0 });
  return lake;
}

type Vars = { label: "explicit" | "inactivity"; horizon: number; inactivity: number; fcr: number };

/** The definitions of contact_features, computed the slow and obvious way. */
function bruteForce(lake: Lake, v: Vars): Map<string, Record<string, unknown>> {
  const negText = /(frustrat|terrible|awful|still not|unacceptable|unhappy|waste of time|worst|angry|disappoint|useless)/;
  const negComment = /(frustrat|terrible|awful|still not|unacceptable|unhappy|worst|angry|disappoint|useless|nobody followed)/;
  const negative = new Set(lake.texts.filter((t) => negText.test(t.text)).map((t) => t.interaction_id));
  const dates = lake.interactions.map((i) => i.date).sort(); // the calendar spans the data
  const first = dates[0]!, last = dates[dates.length - 1]!;
  const snapshots: string[] = [];
  // every Friday from 91 days in (the newest 260), and the last day of data
  const newest = addDays(last, -((new Date(`${last}T00:00:00Z`).getUTCDay() - 5 + 7) % 7));
  for (let k = 0; k < 260; k++) if (days(addDays(newest, -7 * k), first) >= 91) snapshots.push(addDays(newest, -7 * k));
  if (newest !== last && days(last, first) >= 91) snapshots.push(last);
  const byId = new Map(lake.interactions.map((i) => [i.interaction_id, i]));
  const out = new Map<string, Record<string, unknown>>();
  for (const c of lake.contacts) {
    const inbound = lake.interactions.filter((i) => i.contact_id === c.contact_id && i.direction === "incoming")
      .sort((a, b) => a.started_at.localeCompare(b.started_at) || a.interaction_id.localeCompare(b.interaction_id));
    let caseNo = 0;
    const cased = inbound.map((i, k) => {
      const repeat = k > 0 && days(i.date, inbound[k - 1]!.date) <= v.fcr;
      if (!repeat) caseNo++;
      return { ...i, repeat, caseNo };
    });
    const surveys = lake.surveys.filter((s) => (s.contact_id ?? (s.interaction_id ? byId.get(s.interaction_id)?.contact_id : null)) === c.contact_id);
    for (const asOf of snapshots) {
      if (c.customer_since > asOf || (c.churned_on !== null && c.churned_on <= asOf)) continue;
      const upto = cased.filter((i) => i.date <= asOf);
      const within = (i: { date: string }, d: number) => i.date > addDays(asOf, -d) && i.date <= asOf;
      const year = upto.filter((i) => within(i, 365));
      if (!year.length) continue;
      const lastContact = year.map((i) => i.date).sort().pop()!;
      if (v.label === "inactivity" && !(lastContact > addDays(asOf, -v.inactivity))) continue;
      const count = (d: number, f: (i: (typeof cased)[number]) => boolean) => upto.filter((i) => within(i, d) && f(i)).length;
      const lastCase = Math.max(...upto.map((i) => i.caseNo));
      const inCase = upto.filter((i) => i.caseNo === lastCase);
      const open = inCase.map((i) => i.date).sort().pop()! > addDays(asOf, -v.fcr) ? inCase.filter((i) => within(i, 365)).length : 0;
      const sUpto = surveys.filter((s) => s.date <= asOf);
      const sIn = (d: number) => sUpto.filter((s) => s.date > addDays(asOf, -d));
      const lastOf = (f: "nps" | "csat") => {
        const xs = sUpto.filter((s) => s[f] !== null).sort((a, b) => a.responded_at.localeCompare(b.responded_at) || a.response_id.localeCompare(b.response_id));
        return xs.length ? xs[xs.length - 1]![f] : null;
      };
      const score = (s: Survey) => (s.nps !== null && s.csat !== null ? (s.nps / 10 + (s.csat - 1) / 4) / 2 : s.nps !== null ? s.nps / 10 : s.csat !== null ? (s.csat - 1) / 4 : null);
      const mean = (xs: Survey[]) => { const ys = xs.map(score).filter((x): x is number => x !== null); return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : null; };
      const s30 = mean(sIn(30));
      const prior = mean(sUpto.filter((s) => s.date <= addDays(asOf, -30) && s.date > addDays(asOf, -365)));
      const nextTouches = cased.filter((i) => i.date > asOf && i.date <= addDays(asOf, v.inactivity)).length;
      const label = v.label === "inactivity"
        ? (addDays(asOf, v.inactivity) > last ? null : nextTouches === 0)
        : (addDays(asOf, v.horizon) > last ? null : c.churned && c.churned_on !== null && c.churned_on <= addDays(asOf, v.horizon));
      out.set(`${c.contact_id}|${asOf}`, {
        contact_id: c.contact_id, as_of: asOf, segment: c.segment,
        tenure_days: days(asOf, c.customer_since), recency_days: days(asOf, lastContact),
        calls_14d: count(14, (i) => i.channel === "call"), calls_90d: count(90, (i) => i.channel === "call"),
        messages_14d: count(14, (i) => i.channel === "message"), messages_90d: count(90, (i) => i.channel === "message"),
        missed_14d: count(14, (i) => i.channel === "call" && ["missed", "voicemail", "abandoned"].includes(i.outcome)),
        missed_90d: count(90, (i) => i.channel === "call" && ["missed", "voicemail", "abandoned"].includes(i.outcome)),
        transfers_14d: upto.filter((i) => within(i, 14)).reduce((a, i) => a + (i.transfers ?? 0), 0),
        transfers_90d: upto.filter((i) => within(i, 90)).reduce((a, i) => a + (i.transfers ?? 0), 0),
        repeat_contacts_14d: count(14, (i) => i.repeat), repeat_contacts_90d: count(90, (i) => i.repeat),
        unresolved_cases_90d: new Set(upto.filter((i) => within(i, 90) && i.repeat).map((i) => i.caseNo)).size,
        open_case_contacts: open,
        outbound_calls_90d: lake.interactions.filter((i) => i.contact_id === c.contact_id && i.direction === "outgoing" && i.channel === "call" && within(i, 90)).length,
        negative_texts_14d: count(14, (i) => negative.has(i.interaction_id)), negative_texts_90d: count(90, (i) => negative.has(i.interaction_id)),
        negative_comments_14d: sIn(14).filter((s) => negComment.test((s.comment ?? "").toLowerCase())).length,
        negative_comments_90d: sIn(90).filter((s) => negComment.test((s.comment ?? "").toLowerCase())).length,
        detractor_90d: sIn(90).filter((s) => s.nps !== null && s.nps <= 6).length,
        low_csat_90d: sIn(90).filter((s) => s.csat !== null && s.csat <= 2).length,
        last_nps: lastOf("nps"), last_csat: lastOf("csat"),
        survey_score_30d: s30, survey_score_trend: s30 !== null && prior !== null ? s30 - prior : null,
        contacts_365d: year.length, label,
      });
    }
  }
  return out;
}

async function load(db: Db, lake: Lake): Promise<void> {
  const table = async (name: string, cols: string, data: object[]) => {
    await exec(db, `CREATE OR REPLACE TABLE ${name} (${cols})`);
    const values = data.map((r) => `(${Object.values(r).map((x) => (x === null ? "NULL" : typeof x === "string" ? lit(x) : String(x))).join(", ")})`);
    if (values.length) await exec(db, `INSERT INTO ${name} VALUES ${values.join(",\n")}`);
  };
  await table("stg_contacts", "contact_id VARCHAR, segment VARCHAR, customer_since DATE, churned BOOLEAN, churned_on DATE", lake.contacts);
  await table("interactions", "interaction_id VARCHAR, channel VARCHAR, direction VARCHAR, contact_id VARCHAR, date DATE, started_at TIMESTAMP, line VARCHAR, outcome VARCHAR, transfers BIGINT", lake.interactions);
  const dayOf = new Map(lake.interactions.map((i) => [i.interaction_id, i.date]));
  await table("int_interaction_texts", "interaction_id VARCHAR, channel VARCHAR, text VARCHAR, date DATE", lake.texts.map((t) => ({ ...t, date: dayOf.get(t.interaction_id)! })));
  await table("stg_survey_responses", "response_id VARCHAR, interaction_id VARCHAR, contact_id VARCHAR, responded_at TIMESTAMP, date DATE, nps BIGINT, csat BIGINT, comment VARCHAR", lake.surveys);
  await exec(db, "CREATE OR REPLACE TABLE calendar AS SELECT DISTINCT date FROM interactions");
}

async function features(lake: Lake, v: Vars): Promise<Record<string, unknown>[]> {
  const config = parseConfig({
    models: { churn: { label: v.label === "explicit" ? { kind: "explicit", field: "churned", horizonDays: v.horizon } : { kind: "inactivity", days: v.inactivity } } },
    transform: { fcrWindowDays: v.fcr },
  });
  const ctx = { rawDir: "/nonexistent", vars: transformVars(config) };
  const models = loadProject(TRANSFORMS_DIR);
  const db = await openDb();
  try {
    await load(db, lake);
    await registerMacros(db, loadMacros(TRANSFORMS_DIR), ctx.vars);
    for (const name of ["int_feature_snapshots", "contact_features"]) {
      await exec(db, `CREATE TABLE ${name} AS ${compile(models.find((m) => m.name === name)!, ctx)}`);
    }
    return await rows(db, "SELECT * EXCLUDE (as_of), strftime(as_of, '%Y-%m-%d') AS as_of FROM contact_features");
  } finally {
    db.close();
  }
}

function expectSame(got: Record<string, unknown>[], want: Map<string, Record<string, unknown>>): void {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const g of got) {
    const key = `${g.contact_id}|${g.as_of}`;
    expect(seen.has(key), `duplicate row ${key}`).toBe(false);
    seen.add(key);
    const w = want.get(key);
    if (!w) { problems.push(`unexpected row ${key}`); continue; }
    for (const [col, x] of Object.entries(w)) {
      const y = g[col];
      const ok = typeof x === "number" && typeof y === "number" ? Math.abs(x - y) <= 1e-9 : x === y;
      if (!ok) problems.push(`${key}.${col}: expected ${JSON.stringify(x)}, got ${JSON.stringify(y)}`);
    }
  }
  for (const k of want.keys()) if (!seen.has(k)) problems.push(`missing row ${k}`);
  expect(problems.slice(0, 10)).toEqual([]);
}

describe("contact_features against a brute-force computation", () => {
  const lake = synthetic(7);

  it("explicit churn label: every row and column equal (floats to 1e-9)", async () => {
    const v: Vars = { label: "explicit", horizon: 14, inactivity: 90, fcr: 7 };
    const want = bruteForce(lake, v);
    expect(want.size).toBeGreaterThan(300);
    const values = [...want.values()];
    // the lake exercises what the windows compute: repeats, open cases, unresolved cases, survey trends
    for (const col of ["repeat_contacts_14d", "open_case_contacts", "unresolved_cases_90d", "negative_comments_90d", "outbound_calls_90d"]) {
      expect(values.some((r) => Number(r[col]) > 0), col).toBe(true);
    }
    expect(values.some((r) => r.survey_score_trend !== null)).toBe(true);
    expectSame(await features(lake, v), want);
  }, 60_000);

  it("inactivity label and another repeat window", async () => {
    const v: Vars = { label: "inactivity", horizon: 14, inactivity: 60, fcr: 3 };
    const want = bruteForce(lake, v);
    expect([...want.values()].some((r) => r.label === true) && [...want.values()].some((r) => r.label === false)).toBe(true);
    expectSame(await features(lake, v), want);
  }, 60_000);
});

