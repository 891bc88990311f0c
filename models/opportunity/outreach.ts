/**
 * Weekly outreach lists and what followed them (stage `outreach`, after the churn and opportunity
 * models). Each week, from the newest snapshot: contacts at risk of churning (churn_risk), contacts
 * likely to buy (opportunity_score) and recent buyers to check in with (opportunity_features:
 * days_since_outcome), each reason given at most its share of the weekly capacity
 * (models.opportunity.outreach), the best first, every row with its reason in plain words. A share
 * of the eligible candidates, chosen by a hash of contact and week (so reruns agree), is held out:
 * the comparison group nobody is asked to call. The `outreach` mart keeps the history (earlier weeks
 * are never rewritten); when it is empty (a first run, the demo) the last `backfillWeeks` weeks are
 * built from the serving models' scores of those snapshots, marked backfilled. `outreach_outcomes`
 * follows every listed and held-out contact: outbound calls to them within reachDays (attempted,
 * answered = reached), and within outcomeDays what followed — churned (the churn label), bought
 * (the opportunity label), contacted us again, CSAT of their calls. The phone team's CSV carries
 * pseudonymous ids unless `csvContactDetails` allows names and numbers.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../pipelines/core/config.ts";
import { exec, lit, openDb, rows, type Db } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths, martExists, martScan, type Paths } from "../../pipelines/core/paths.ts";
import { pseudonymKey } from "../../pipelines/privacy/pseudonym.ts";
import { loadChurnVersion, score as churnScore } from "../churn/predict.ts";
import { loadFeatureFrame, loadSnapshotFrame, rowsAt } from "../churn/mart.ts";
import { daysToIso } from "../shared/dates.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import { servingEntry } from "../shared/registry.ts";
import { opportunityConfig, type OutreachConfig } from "./config.ts";
import { loadOpportunityVersion, scoreOpportunity } from "./index.ts";

export const OUTREACH_MART = "outreach";
export const OUTCOMES_MART = "outreach_outcomes";
export const REASONS = ["churn_risk", "opportunity", "recent_buyer"] as const;
export type Reason = (typeof REASONS)[number];

type Candidate = { contact: string; reason: Reason; score: number | null; text: string };
type Row = { week_start: number; as_of: number; contact_id: string; grp: "call" | "holdout"; reason: Reason; priority: number; score: number | null; reason_text: string; backfilled: boolean };

const pct = (p: number) => `${Math.round(100 * p)}%`;

/** In the holdout when the hash of contact and week falls under the share (stable across reruns). */
export function heldOut(contact: string, asOf: string, share: number): boolean {
  const h = createHash("sha256").update(`${contact}|${asOf}|outreach-holdout`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < share;
}

/** One week's list: quotas per reason, best first, one row per contact, holdout drawn from the same ranks. */
export function buildWeek(candidates: Candidate[], cfg: OutreachConfig, asOfIso: string): Array<Omit<Row, "week_start" | "as_of" | "backfilled">> {
  const out: Array<Omit<Row, "week_start" | "as_of" | "backfilled">> = [];
  const taken = new Set<string>();
  const quota = (r: Reason) => Math.floor(cfg.capacity * cfg.shares[r]);
  const byReason = (r: Reason) => candidates.filter((c) => c.reason === r).sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || (a.contact < b.contact ? -1 : 1));
  let listed = 0;
  const place = (c: Candidate, limit: () => boolean) => {
    if (taken.has(c.contact) || !limit()) return;
    taken.add(c.contact);
    if (heldOut(c.contact, asOfIso, cfg.holdoutShare)) out.push({ contact_id: c.contact, grp: "holdout", reason: c.reason, priority: 0, score: c.score, reason_text: c.text });
    else { listed++; out.push({ contact_id: c.contact, grp: "call", reason: c.reason, priority: listed, score: c.score, reason_text: c.text }); }
  };
  for (const r of REASONS) {
    let mine = 0;
    for (const c of byReason(r)) {
      const before = listed;
      place(c, () => mine < quota(r) && listed < cfg.capacity);
      mine += listed - before;
    }
  }
  // Capacity a reason could not use goes to the next best candidates of any reason.
  for (const r of REASONS) for (const c of byReason(r)) place(c, () => listed < cfg.capacity);
  return out;
}

async function currentCandidates(db: Db, paths: Paths, cfg: OutreachConfig): Promise<{ asOf: number; list: Candidate[] }> {
  const opp = await rows<{ contact_id: string; as_of: number; p: number; reason: string }>(db,
    `SELECT contact_id, (as_of - DATE '1970-01-01')::INTEGER AS as_of, opportunity_probability AS p, top_reason AS reason FROM ${martScan(paths, "opportunity_score")}`);
  if (!opp.length) throw new Error("outreach: opportunity_score is empty");
  const asOf = Number(opp[0]!.as_of);
  const list: Candidate[] = opp.filter((r) => r.p >= cfg.minOpportunityProbability)
    .map((r) => ({ contact: r.contact_id, reason: "opportunity", score: r.p, text: `likely to buy (${pct(r.p)} within the horizon): ${r.reason}` }));
  if (martExists(paths, "churn_risk")) {
    const churn = await rows<{ contact_id: string; p: number; factor: string }>(db,
      `SELECT contact_id, churn_probability AS p, top_factor AS factor FROM ${martScan(paths, "churn_risk")} WHERE churn_probability >= ${cfg.minChurnProbability}`);
    for (const r of churn) list.push({ contact: r.contact_id, reason: "churn_risk", score: r.p, text: `at risk of leaving (${pct(r.p)} churn risk): ${r.factor}` });
  }
  list.push(...await buyers(db, paths, cfg, asOf));
  return { asOf, list };
}

async function buyers(db: Db, paths: Paths, cfg: OutreachConfig, asOf: number): Promise<Candidate[]> {
  const r = await rows<{ contact_id: string; days: number }>(db, `SELECT contact_id, days_since_outcome AS days FROM ${martScan(paths, "opportunity_features")}
    WHERE as_of = DATE '1970-01-01' + ${asOf}::INTEGER AND days_since_outcome BETWEEN 0 AND ${cfg.recentBuyerDays}`);
  // Fresher purchases first: the check-in matters most in the first days.
  return r.map((x) => ({ contact: x.contact_id, reason: "recent_buyer" as const, score: 1 - Number(x.days) / (cfg.recentBuyerDays + 1), text: `bought ${Number(x.days)} day${Number(x.days) === 1 ? "" : "s"} ago: check in and thank them` }));
}

/** Candidates of earlier snapshots, scored by the serving models (for an empty history). */
async function backfillCandidates(db: Db, paths: Paths, cfg: OutreachConfig, dates: number[]): Promise<Map<number, Candidate[]>> {
  const out = new Map<number, Candidate[]>(dates.map((d) => [d, []]));
  const oppEntry = servingEntry(paths, "opportunity");
  if (oppEntry) {
    const model = await loadOpportunityVersion(paths, oppEntry.version);
    try {
      const frame = await loadFeatureFrame(db, paths, "opportunity_features", `as_of IN (${dates.map((d) => `DATE '1970-01-01' + ${d}::INTEGER`).join(", ")})`);
      for (const d of dates) {
        const rs = rowsAt(frame, [d], false);
        const s = scoreOpportunity(model, frame, rs);
        rs.forEach((i, k) => {
          const p = s.probability[k]!;
          if (p >= cfg.minOpportunityProbability) out.get(d)!.push({ contact: frame.ids[i]!, reason: "opportunity", score: p, text: `likely to buy (${pct(p)} within the horizon): ${s.reason[k]}` });
        });
      }
    } finally {
      model.model.dispose();
    }
  }
  const churnEntry = martExists(paths, "contact_features") ? servingEntry(paths, "churn") : null;
  if (churnEntry) {
    try {
      const model = await loadChurnVersion(paths, churnEntry.version);
      try {
        const frame = await loadSnapshotFrame(db, paths, `as_of IN (${dates.map((d) => `DATE '1970-01-01' + ${d}::INTEGER`).join(", ")})`);
        for (const d of dates) {
          const rs = rowsAt(frame, [d], false);
          const s = churnScore(model, frame, rs);
          rs.forEach((i, k) => {
            const p = s.probability[k]!;
            if (p >= cfg.minChurnProbability) out.get(d)!.push({ contact: frame.ids[i]!, reason: "churn_risk", score: p, text: `at risk of leaving (${pct(p)} churn risk)` });
          });
        }
      } finally {
        model.dispose();
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, "outreach: the serving churn model could not score earlier snapshots; backfilled lists have no churn-risk rows");
    }
  }
  for (const d of dates) out.get(d)!.push(...await buyers(db, paths, cfg, d));
  return out;
}

export type OutreachResult = { weekStart: string; listed: number; heldOut: number; backfilledWeeks: number; outputs: string[]; rowsIn: number; rowsOut: number };

export async function buildOutreach(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<OutreachResult> {
  const paths = lakePaths(config);
  const cfg = opportunityConfig(config).outreach;
  const db = await openDb();
  try {
    const { asOf, list } = await currentCandidates(db, paths, cfg);
    const history: Row[] = [];
    if (martExists(paths, OUTREACH_MART)) {
      const old = await rows<Record<string, unknown>>(db, `SELECT (week_start - DATE '1970-01-01')::INTEGER AS week_start, (as_of - DATE '1970-01-01')::INTEGER AS as_of,
        contact_id, "group" AS grp, reason, priority, score, reason_text, backfilled FROM ${martScan(paths, OUTREACH_MART)} WHERE as_of < DATE '1970-01-01' + ${asOf}::INTEGER`);
      for (const r of old) history.push({ ...r, week_start: Number(r.week_start), as_of: Number(r.as_of), priority: Number(r.priority) } as Row);
    }
    const weeks: Row[] = [];
    const add = (d: number, cands: Candidate[], backfilled: boolean) => {
      for (const r of buildWeek(cands, cfg, daysToIso(d))) weeks.push({ ...r, week_start: d + 1, as_of: d, backfilled });
    };
    let backfilledWeeks = 0;
    if (history.length === 0 && cfg.backfillWeeks > 0) {
      const dates = (await rows<{ d: number }>(db, `SELECT DISTINCT (as_of - DATE '1970-01-01')::INTEGER AS d FROM ${martScan(paths, "opportunity_features")}
        WHERE as_of < DATE '1970-01-01' + ${asOf}::INTEGER ORDER BY d DESC LIMIT ${cfg.backfillWeeks}`)).map((r) => Number(r.d)).reverse();
      const back = await backfillCandidates(db, paths, cfg, dates);
      for (const d of dates) add(d, back.get(d)!, true);
      backfilledWeeks = dates.length;
    }
    add(asOf, list, false);
    const all = [...history, ...weeks];
    await loadTable(db, "outreach_rows", [
      { name: "week_start", type: "DATE", values: all.map((r) => r.week_start) },
      { name: "as_of", type: "DATE", values: all.map((r) => r.as_of) },
      { name: "contact_id", type: "VARCHAR", values: all.map((r) => r.contact_id) },
      { name: "grp", type: "VARCHAR", values: all.map((r) => r.grp) },
      { name: "reason", type: "VARCHAR", values: all.map((r) => r.reason) },
      { name: "priority", type: "DOUBLE", values: all.map((r) => r.priority) },
      { name: "score", type: "DOUBLE", values: all.map((r) => r.score ?? NaN) },
      { name: "reason_text", type: "VARCHAR", values: all.map((r) => r.reason_text) },
      { name: "backfilled", type: "VARCHAR", values: all.map((r) => String(r.backfilled)) },
    ]);
    const mart = await writeMart(db, paths, OUTREACH_MART, `
      SELECT week_start, as_of, contact_id, grp AS "group", reason, priority::BIGINT AS priority, score, reason_text,
             backfilled = 'true' AS backfilled, ${cfg.capacity}::BIGINT AS capacity
      FROM outreach_rows ORDER BY week_start, "group", priority, contact_id`);
    const outcomes = await writeOutcomes(db, paths, cfg);
    const csv = await writeCsv(db, paths, cfg, asOf, env);
    const current = weeks.filter((r) => r.as_of === asOf);
    return {
      weekStart: daysToIso(asOf + 1), listed: current.filter((r) => r.grp === "call").length, heldOut: current.filter((r) => r.grp === "holdout").length,
      backfilledWeeks, outputs: [mart.path, outcomes.path, csv], rowsIn: list.length, rowsOut: mart.rows + outcomes.rows,
    };
  } finally {
    db.close();
  }
}

async function writeOutcomes(db: Db, paths: Paths, cfg: OutreachConfig): Promise<{ path: string; rows: number }> {
  const scan = (m: string) => martScan(paths, m);
  const churn = martExists(paths, "contact_features")
    ? `LEFT JOIN ${scan("contact_features")} cf ON cf.contact_id = o.contact_id AND cf.as_of = o.as_of` : `LEFT JOIN (SELECT NULL::VARCHAR AS contact_id, NULL::DATE AS as_of, NULL::BOOLEAN AS label) cf ON false`;
  return writeMart(db, paths, OUTCOMES_MART, `
    WITH o AS (SELECT * FROM ${scan(OUTREACH_MART)}),
    bounds AS (SELECT max(date) AS last_day FROM ${scan("interactions")}),
    outbound AS (
      SELECT o.week_start, o.contact_id, count(*) AS attempts, count(*) FILTER (WHERE i.outcome = 'answered') AS answered,
             min(i.date) FILTER (WHERE i.outcome = 'answered') AS reached_on
      FROM o JOIN ${scan("interactions")} i ON i.contact_id = o.contact_id AND i.channel = 'call' AND i.direction = 'outgoing'
        AND i.date >= o.week_start AND i.date < o.week_start + ${cfg.reachDays}
      GROUP BY ALL
    ),
    inbound AS (
      SELECT o.week_start, o.contact_id, count(*) AS contacts
      FROM o JOIN ${scan("interactions")} i ON i.contact_id = o.contact_id AND i.direction = 'incoming'
        AND i.date >= o.week_start AND i.date < o.week_start + ${cfg.outcomeDays}
      GROUP BY ALL
    ),
    rated AS (
      SELECT o.week_start, o.contact_id, avg(c.csat) AS csat, count(c.csat) AS ratings
      FROM o JOIN ${scan("playbook_calls")} c ON c.contact_id = o.contact_id AND c.csat IS NOT NULL
        AND c.date >= o.week_start AND c.date < o.week_start + ${cfg.outcomeDays}
      GROUP BY ALL
    )
    SELECT o.week_start, o.contact_id, o."group", o.reason, o.backfilled,
           coalesce(ob.attempts, 0)::BIGINT AS call_attempts,
           coalesce(ob.answered, 0)::BIGINT AS calls_answered,
           coalesce(ob.answered, 0) > 0 AS reached,
           ob.reached_on,
           o.week_start + ${cfg.reachDays} - 1 <= b.last_day AS reach_window_complete,
           o.week_start + ${cfg.outcomeDays} - 1 <= b.last_day AS outcome_window_complete,
           cf.label AS churned,
           ofe.label AS bought,
           coalesce(ib.contacts, 0)::BIGINT AS inbound_contacts,
           r.csat
    FROM o CROSS JOIN bounds b
    LEFT JOIN outbound ob USING (week_start, contact_id)
    LEFT JOIN inbound ib USING (week_start, contact_id)
    LEFT JOIN rated r USING (week_start, contact_id)
    ${churn}
    LEFT JOIN ${scan("opportunity_features")} ofe ON ofe.contact_id = o.contact_id AND ofe.as_of = o.as_of
    ORDER BY o.week_start, o."group", o.contact_id`);
}

/** The phone team's list for the newest week: pseudonymous ids unless the config allows contact details. */
async function writeCsv(db: Db, paths: Paths, cfg: OutreachConfig, asOf: number, env: NodeJS.ProcessEnv): Promise<string> {
  const weekStart = daysToIso(asOf + 1);
  const file = join(paths.data, "exports", `outreach-${weekStart}.csv`);
  mkdirSync(join(paths.data, "exports"), { recursive: true });
  const list = `SELECT priority, contact_id, reason, reason_text, score FROM ${martScan(paths, OUTREACH_MART)}
    WHERE as_of = DATE '1970-01-01' + ${asOf}::INTEGER AND "group" = 'call'`;
  const contacts = join(paths.raw, "contacts");
  const sql = cfg.csvContactDetails && existsSync(contacts)
    ? `WITH l AS (${list}), c AS (
         SELECT 'ct_' || left(sha256(${lit(pseudonymKey(env).key)} || '|contact|' || id), 16) AS contact_id,
                trim(coalesce(defaultFields.firstName, '') || ' ' || coalesce(defaultFields.lastName, '')) AS name,
                defaultFields.phoneNumbers[1].value AS phone
         FROM read_parquet(${lit(join(contacts, "**", "*.parquet"))}, hive_partitioning = true, union_by_name = true))
       SELECT l.priority, l.contact_id, c.name, c.phone, l.reason, l.reason_text, round(l.score, 3) AS score
       FROM l LEFT JOIN c USING (contact_id) ORDER BY l.priority`
    : `SELECT priority, contact_id, reason, reason_text, round(score, 3) AS score FROM (${list}) ORDER BY priority`;
  const tmp = `${file}.${process.pid}.tmp`;
  await exec(db, `COPY (${sql}) TO ${lit(tmp)} (HEADER, DELIMITER ',')`);
  renameSync(tmp, file);
  return file;
}


