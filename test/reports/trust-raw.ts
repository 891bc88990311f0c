/**
 * The trust test's own figures from the raw lake: one row per raw call (rc), per message (rm) and the
 * lines, derived here from the raw calls and their call-flow events in business-local days, and the
 * metrics and satisfaction groups recomputed over them. Never the product's metric macros or marts.
 */
import { join } from "node:path";

export const TZ = "America/New_York";
export type Query = <T = Record<string, number | string | null>>(sql: string) => Promise<T[]>;
/** A timestamp column's business-local day. */
export const local = (col: string) => `CAST(timezone('${TZ}', ${col}) AS DATE)`;

export type Agg = { n: number; sum: number; sum2: number };
export const mean = (a: Agg | undefined) => (a && a.n ? a.sum / a.n : null);
export const margin = (a: Agg | undefined) => (a && a.n > 1 ? 1.96 * Math.sqrt(Math.max(a.sum2 / a.n - (a.sum / a.n) ** 2, 0) / a.n) : null);

/** Queries over one data folder's raw lake; `q` runs SQL with raw.*, enriched.* and prediction.* names. */
export function rawLake(data: string, q: Query) {
  /** One row per raw call, derived here from the raw calls and their call-flow events (business-local day). */
  const RAW_CALLS = `
    ev AS (SELECT callId, seq, type, occurredAt, reason, "by" AS by_ FROM raw.call_flow_events),
    waits AS (
      SELECT callId, sum(epoch(next_at - occurredAt)) AS wait FROM (
        SELECT callId, type, occurredAt, lead(occurredAt) OVER w AS next_at, lead(type) OVER w AS next_type
        FROM ev WHERE type IN ('queue_entered', 'queue_left') WINDOW w AS (PARTITION BY callId ORDER BY seq))
      WHERE type = 'queue_entered' AND next_type = 'queue_left' GROUP BY callId),
    flow AS (
      SELECT callId, count(*) FILTER (WHERE type = 'transfer') AS transfers, bool_or(type = 'queue_left' AND reason = 'abandoned') AS left_queue,
             bool_or(type = 'voicemail') AS voicemail, bool_or(type = 'queue_entered') AS queued, bool_or(type = 'hangup' AND by_ = 'caller') AS caller_hung_up
      FROM ev GROUP BY callId),
    lines AS (SELECT id, name FROM read_parquet('PHONE_NUMBERS')),
    rc AS (
      SELECT r.id, ${local("r.createdAt")} AS d, timezone('${TZ}', r.createdAt) AS ts, l.name AS line, r.direction = 'incoming' AS inbound,
             r.answeredAt IS NOT NULL AS answered, epoch(r.completedAt - r.answeredAt) AS handle, coalesce(w.wait, 0) AS wait,
             coalesce(f.transfers, 0) AS transfers, coalesce(f.voicemail, false) AND r.answeredAt IS NULL AS voicemail,
             r.answeredAt IS NULL AND NOT coalesce(f.voicemail, false) AND r.direction = 'incoming'
               AND (r.status = 'abandoned' OR coalesce(f.left_queue, false) OR (NOT coalesce(f.queued, false) AND coalesce(f.caller_hung_up, false))) AS abandoned,
             r.answeredAt IS NULL AND coalesce(f.left_queue, false) AS abandoned_in_queue
      FROM raw.calls r LEFT JOIN lines l ON l.id = r.phoneNumberId LEFT JOIN flow f ON f.callId = r.id LEFT JOIN waits w ON w.callId = r.id),
    rm AS (SELECT m.id, ${local("m.createdAt")} AS d, l.name AS line, m.direction FROM raw.messages m LEFT JOIN lines l ON l.id = m.phoneNumberId)`;

  let rawCallsBuilt = false;
  /** SQL over the test's own per-call table (rc), texts (rm) and lines, built once from the raw lake. */
  async function qc<T>(sql: string): Promise<T[]> {
    if (!rawCallsBuilt) {
      const ctes = RAW_CALLS.replace("PHONE_NUMBERS", join(data, "lake", "raw", "phone_numbers", "*.parquet"));
      await q(`CREATE OR REPLACE TEMP TABLE rc AS WITH ${ctes} SELECT * FROM rc`);
      await q(`CREATE OR REPLACE TEMP TABLE rm AS WITH ${ctes} SELECT * FROM rm`);
      await q(`CREATE OR REPLACE TEMP TABLE lines AS WITH ${ctes} SELECT * FROM lines`);
      rawCallsBuilt = true;
    }
    return q<T>(/^\s*SELECT/i.test(sql) ? sql : `WITH ${sql}`);
  }


  /** Per group: n, Σx, Σx² of each metric over [start, end], from the raw lake (group: 'All', a line or a segment). */
  async function rawMetrics(start: string, end: string, minSl: number): Promise<Map<string, Map<string, Agg>>> {
    const between = (c: string) => `${c} BETWEEN DATE '${start}' AND DATE '${end}'`;
    const r = await qc<{ g: string; metric: string; n: number; sum: number; sum2: number }>(`
      facts AS (
        SELECT line, 'calls' AS metric, 1.0 AS x FROM rc WHERE ${between("d")}
        UNION ALL SELECT line, 'inbound_calls', 1.0 FROM rc WHERE inbound AND ${between("d")}
        UNION ALL SELECT line, 'abandoned_calls', 1.0 FROM rc WHERE abandoned AND ${between("d")}
        UNION ALL SELECT line, 'answer_rate', CASE WHEN answered THEN 1.0 ELSE 0.0 END FROM rc WHERE inbound AND ${between("d")}
        UNION ALL SELECT line, 'service_level', CASE WHEN answered AND wait <= ${minSl} THEN 1.0 ELSE 0.0 END FROM rc WHERE inbound AND (answered OR abandoned_in_queue) AND ${between("d")}
        UNION ALL SELECT line, 'asa_seconds', wait FROM rc WHERE inbound AND answered AND ${between("d")}
        UNION ALL SELECT line, 'aht_seconds', handle FROM rc WHERE inbound AND answered AND ${between("d")}
        UNION ALL SELECT line, 'transfer_rate', CASE WHEN transfers > 0 THEN 1.0 ELSE 0.0 END FROM rc WHERE inbound AND answered AND ${between("d")}
        UNION ALL SELECT line, 'messages', 1.0 FROM rm WHERE ${between("d")}
        UNION ALL SELECT NULL, 'nps', CASE WHEN nps >= 9 THEN 100.0 WHEN nps <= 6 THEN -100.0 ELSE 0.0 END FROM raw.survey_responses WHERE nps IS NOT NULL AND ${between(local("respondedAt"))}
        UNION ALL SELECT NULL, 'csat', CASE WHEN csat >= 4 THEN 1.0 ELSE 0.0 END FROM raw.survey_responses WHERE csat IS NOT NULL AND ${between(local("respondedAt"))}
      )
      SELECT 'All' AS g, metric, count(*) AS n, sum(x) AS sum, sum(x * x) AS sum2 FROM facts GROUP BY ALL
      UNION ALL SELECT line, metric, count(*), sum(x), sum(x * x) FROM facts WHERE line IS NOT NULL GROUP BY ALL`);
    const out = new Map<string, Map<string, Agg>>();
    for (const x of r) {
      if (!out.has(x.g)) out.set(x.g, new Map());
      out.get(x.g)!.set(x.metric, { n: Number(x.n), sum: Number(x.sum), sum2: Number(x.sum2) });
    }
    return out;
  }

  /** Survey responses by line and segment of the surveyed interaction's customer (raw interactions, raw contacts). */
  async function rawSatisfactionGroups(start: string, end: string): Promise<Map<string, Map<string, Agg>>> {
    const contacts = join(data, "lake", "raw", "contacts", "*.parquet");
    const r = await qc<{ g: string; metric: string; n: number; sum: number; sum2: number }>(`
      seg AS (
        SELECT id AS contact_id, json_extract_string(f, '$.value') AS segment
        FROM (SELECT id, unnest(customFields) AS f FROM read_parquet('${contacts}')) WHERE json_extract_string(f, '$.key') = 'segment'),
      phones AS (
        SELECT defaultFields.phoneNumbers[1].value AS phone, arg_max(id, updatedAt) AS contact_id
        FROM read_parquet('${contacts}') WHERE defaultFields.phoneNumbers[1].value IS NOT NULL GROUP BY 1),
      inter AS (
        SELECT r.id, l.name AS line, r.participants[1] AS phone FROM raw.calls r LEFT JOIN lines l ON l.id = r.phoneNumberId
        UNION ALL SELECT m.id, l.name, CASE WHEN m.direction = 'incoming' THEN m."from" ELSE m."to"[1] END FROM raw.messages m LEFT JOIN lines l ON l.id = m.phoneNumberId),
      s AS (
        SELECT s.nps, s.csat, i.line, coalesce(sg.segment, 'Unknown') AS segment
        FROM raw.survey_responses s LEFT JOIN inter i ON i.id = s.interactionId
        LEFT JOIN phones p ON p.phone = i.phone
        LEFT JOIN seg sg ON sg.contact_id = coalesce(s.contactId, p.contact_id)
        WHERE ${local("s.respondedAt")} BETWEEN DATE '${start}' AND DATE '${end}'),
      facts AS (
        SELECT line, segment, 'nps' AS metric, CASE WHEN nps >= 9 THEN 100.0 WHEN nps <= 6 THEN -100.0 ELSE 0.0 END AS x FROM s WHERE nps IS NOT NULL
        UNION ALL SELECT line, segment, 'csat', CASE WHEN csat >= 4 THEN 1.0 ELSE 0.0 END FROM s WHERE csat IS NOT NULL)
      SELECT 'Line: ' || line AS g, metric, count(*) AS n, sum(x) AS sum, sum(x * x) AS sum2 FROM facts WHERE line IS NOT NULL GROUP BY ALL
      UNION ALL SELECT 'Segment: ' || segment, metric, count(*), sum(x), sum(x * x) FROM facts GROUP BY ALL`);
    const out = new Map<string, Map<string, Agg>>();
    for (const x of r) {
      if (!out.has(x.g)) out.set(x.g, new Map());
      out.get(x.g)!.set(x.metric, { n: Number(x.n), sum: Number(x.sum), sum2: Number(x.sum2) });
    }
    return out;
  }

  return { qc, rawMetrics, rawSatisfactionGroups };
}
