/**
 * Small fixture marts for the weekly report, written with DuckDB as Parquet under <dir>/lake/marts/<mart>/.
 * Data runs Mon 2026-08-10 .. Wed 2026-11-18, so the default report week is 2026-11-09 .. 2026-11-15.
 * The KPI rows of that week and the week before carry hand-picked values the tests look for in the PDF.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { exec, openDb } from "../../pipelines/core/duckdb.ts";
import { EXTRA, writeExtraMarts, writeMetricsMart } from "./fixture-extra.ts";

export const FIXTURE = {
  business: "Fixture Plumbing & Heating",
  weekStart: "2026-11-09",
  weekEnd: "2026-11-15",
  prevStart: "2026-11-02",
  firstDay: "2026-08-10",
  lastDay: "2026-11-18",
  /** kpi_weekly 'All' for the report week and the week before. */
  current: {
    calls: 12345, inbound_calls: 9876, answered: 8620, answer_rate: 0.8728, abandoned: 432, avg_handle_seconds: 245.4,
    messages: 6789, nps: 42.06, nps_responses: 321, csat: 0.9124, csat_responses: 456, transfers: 617, transfer_rate: 0.0512,
  },
  previous: {
    calls: 11900, inbound_calls: 9500, answered: 8086, answer_rate: 0.8512, abandoned: 500, avg_handle_seconds: 230,
    messages: 7001, nps: 38.5, nps_responses: 300, csat: 0.92, csat_responses: 410, transfers: 600, transfer_rate: 0.0512,
  },
  risingTopic: "refund request",
  topContact: "ct_7f3a9e01",
} as const;

const LINES = "('Sales', 0), ('Support', 1), ('Billing', 2)";
const TOPICS = [
  "billing question", "appointment booking", "service outage", "refund request", "new quote",
  "technician late", "warranty claim", "invoice copy", "cancel service", "payment plan",
];

type KpiValues = (typeof FIXTURE)["current"] | (typeof FIXTURE)["previous"];
const kpiValues = (week: string, v: KpiValues) =>
  `(DATE '${week}', 'All', ${v.calls}, ${v.inbound_calls}, ${v.answered}, ${v.answer_rate}, ${v.abandoned}, ${v.avg_handle_seconds}, ` +
  `${v.messages}, ${v.nps}, ${v.nps_responses}, ${v.csat}, ${v.csat_responses}, ${v.transfers}, ${v.transfer_rate})`;

/** churn/forecast: the model marts; full: every other mart the leadership and staffing reports read (fixture-extra.ts). */
export type FixtureOptions = { churn?: boolean; forecast?: boolean; full?: boolean };

/** Write the fixture marts under <dir>/lake/marts and return a config pointing at <dir>. */
export async function buildFixture(dir: string, opts: FixtureOptions = {}): Promise<Config> {
  const marts = join(dir, "lake", "marts");
  const out = (mart: string) => {
    mkdirSync(join(marts, mart), { recursive: true });
    return join(marts, mart, "data.parquet");
  };
  const db = await openDb();
  try {
    await exec(db, `
      CREATE TEMP TABLE days AS
        SELECT CAST(d AS DATE) AS date, CAST(datediff('day', DATE '${FIXTURE.firstDay}', CAST(d AS DATE)) AS INTEGER) AS i
        FROM generate_series(DATE '${FIXTURE.firstDay}', DATE '${FIXTURE.lastDay}', INTERVAL 1 DAY) t(d);
      CREATE TEMP TABLE lines(line VARCHAR, li INTEGER);
      INSERT INTO lines VALUES ${LINES};
      CREATE TEMP TABLE weeks AS
        SELECT CAST(w AS DATE) AS week_start, CAST(datediff('week', DATE '${FIXTURE.firstDay}', CAST(w AS DATE)) AS INTEGER) AS wi
        FROM generate_series(DATE '${FIXTURE.firstDay}', DATE '2026-11-16', INTERVAL 7 DAY) t(w);
    `);

    // kpi_weekly: formula rows for every week and line, with the two hand-picked 'All' weeks replaced.
    await exec(db, `
      CREATE TEMP TABLE kpi AS
      SELECT week_start, line, calls, inbound_calls, answered, CAST(answered / inbound_calls AS DOUBLE) AS answer_rate, abandoned,
             CAST(200 + (wi * 7) % 60 AS DOUBLE) AS avg_handle_seconds, messages, CAST(30 + (wi * 3) % 15 AS DOUBLE) AS nps,
             CAST(200 + wi AS BIGINT) AS nps_responses, CAST((88 + (wi % 5)) / 100.0 AS DOUBLE) AS csat, CAST(300 + wi AS BIGINT) AS csat_responses,
             transfers, CAST(transfers / calls AS DOUBLE) AS transfer_rate
      FROM (
        SELECT w.week_start, w.wi, l.line,
               CAST(3000 + w.wi * 50 + l.li * 400 AS BIGINT) AS calls,
               CAST(2400 + w.wi * 40 + l.li * 300 AS BIGINT) AS inbound_calls,
               CAST(2000 + w.wi * 30 + l.li * 250 AS BIGINT) AS answered,
               CAST(100 + w.wi AS BIGINT) AS abandoned,
               CAST(1500 + w.wi * 20 AS BIGINT) AS messages,
               CAST(150 + w.wi AS BIGINT) AS transfers
        FROM weeks w, (SELECT * FROM lines UNION ALL SELECT 'All', 9) l
      )
      WHERE NOT (line = 'All' AND week_start IN (DATE '${FIXTURE.weekStart}', DATE '${FIXTURE.prevStart}'));
      INSERT INTO kpi VALUES ${kpiValues(FIXTURE.weekStart, FIXTURE.current)}, ${kpiValues(FIXTURE.prevStart, FIXTURE.previous)};
      COPY (SELECT * FROM kpi ORDER BY week_start, line) TO '${out("kpi_weekly")}' (FORMAT parquet);
    `);

    // daily_volume: dense, lines only (no 'All' rows), weekday/weekend shape plus growth.
    await exec(db, `
      COPY (
        SELECT d.date, l.line, c.channel, r.direction,
               CAST((CASE WHEN isodow(d.date) >= 6 THEN 0.4 ELSE 1.0 END)
                    * (CASE c.channel WHEN 'call' THEN 90 ELSE 55 END + l.li * 25 + (d.i * 7 + l.li * 3) % 23 + d.i / 4)
                    * (CASE r.direction WHEN 'incoming' THEN 1.0 ELSE 0.35 END) AS BIGINT) AS interactions
        FROM days d, lines l, (VALUES ('call'), ('message')) c(channel), (VALUES ('incoming'), ('outgoing')) r(direction)
        ORDER BY 1, 2, 3, 4
      ) TO '${out("daily_volume")}' (FORMAT parquet);
    `);

    // call_outcomes_daily: hive-partitioned by line (the partition column comes back through martScan).
    mkdirSync(join(marts, "call_outcomes_daily"), { recursive: true });
    await exec(db, `
      COPY (
        SELECT d.date, l.line, o.outcome,
               CAST(CASE o.outcome WHEN 'answered' THEN 70 + l.li * 10 WHEN 'missed' THEN 5 + l.li * 2
                                   WHEN 'abandoned' THEN 3 + l.li * 3 ELSE 4 END + (d.i + l.li) % 5 AS BIGINT) AS calls
        FROM days d, lines l, (VALUES ('answered'), ('missed'), ('abandoned'), ('voicemail')) o(outcome)
      ) TO '${join(marts, "call_outcomes_daily")}' (FORMAT parquet, PARTITION_BY (line), OVERWRITE_OR_IGNORE);
    `);

    // topic_daily: "refund request" jumps in the report week.
    const topics = TOPICS.map((t, k) => `('${t}', ${k})`).join(", ");
    await exec(db, `
      COPY (
        SELECT d.date, l.line, c.channel, t.topic,
               CAST(greatest(0, 12 - t.k + (d.i + t.k + l.li) % 4
                    + CASE WHEN t.topic = '${FIXTURE.risingTopic}' AND d.date BETWEEN DATE '${FIXTURE.weekStart}' AND DATE '${FIXTURE.weekEnd}'
                           THEN 9 ELSE 0 END) AS BIGINT) AS interactions
        FROM days d, lines l, (VALUES ('call'), ('message')) c(channel), (VALUES ${topics}) t(topic, k)
      ) TO '${out("topic_daily")}' (FORMAT parquet);
    `);

    // nps_weekly / csat_weekly: consistent with kpi_weekly for 'All'.
    await exec(db, `
      COPY (
        SELECT week_start, line, nps_responses AS responses,
               CAST(round(nps_responses * (0.5 + nps / 200)) AS BIGINT) AS promoters,
               CAST(0 AS BIGINT) AS passives,
               CAST(nps_responses - round(nps_responses * (0.5 + nps / 200)) AS BIGINT) AS detractors,
               nps
        FROM kpi WHERE week_start <= DATE '${FIXTURE.weekStart}'
      ) TO '${out("nps_weekly")}' (FORMAT parquet);
      COPY (
        SELECT week_start, line, csat_responses AS responses, CAST(round(csat_responses * csat) AS BIGINT) AS satisfied,
               csat, CAST(4.2 AS DOUBLE) AS avg_score
        FROM kpi WHERE week_start <= DATE '${FIXTURE.weekStart}'
      ) TO '${out("csat_weekly")}' (FORMAT parquet);
    `);

    if (opts.churn) {
      await exec(db, `
        COPY (
          SELECT CASE WHEN i = 0 THEN '${FIXTURE.topContact}' ELSE printf('ct_%08x', 1000 + i * 7919) END AS contact_id,
                 CASE WHEN i >= 58 THEN '${EXTRA.smallSegment}' ELSE (['residential', 'commercial', 'property manager'])[1 + i % 3] END AS segment,
                 DATE '${FIXTURE.weekEnd}' AS as_of,
                 CAST(CASE WHEN i = 0 THEN 0.973 ELSE 0.95 - i * 0.015 END AS DOUBLE) AS churn_probability,
                 CASE WHEN i < 12 THEN 'high' WHEN i < 30 THEN 'medium' ELSE 'low' END AS risk_band,
                 CASE WHEN i % 4 = 3 THEN NULL ELSE (['missed callbacks', 'low CSAT', 'declining volume'])[1 + i % 3] END AS top_factor
          FROM range(60) t(i)
        ) TO '${out("churn_risk")}' (FORMAT parquet);
      `);
    }
    if (opts.forecast) {
      await exec(db, `
        COPY (
          SELECT CAST(d AS DATE) AS date, l.line, 'call' AS channel,
                 f AS forecast, f * 0.85 AS lower80, f * 1.15 AS upper80, f * 0.75 AS lower95, f * 1.25 AS upper95,
                 'fc-2026.11.18' AS model_version
          FROM generate_series(DATE '2026-11-19', DATE '2026-12-05', INTERVAL 1 DAY) t(d),
               (SELECT * FROM lines UNION ALL SELECT 'All', 9) l,
               LATERAL (SELECT CAST((CASE WHEN isodow(CAST(d AS DATE)) >= 6 THEN 0.4 ELSE 1.0 END)
                               * (CASE WHEN l.line = 'All' THEN 420 ELSE 140 END) AS DOUBLE) AS f)
        ) TO '${out("volume_forecast")}' (FORMAT parquet);
      `);
    }
    if (opts.full) await writeExtraMarts(db, marts);
    await writeMetricsMart(db, marts);
  } finally {
    db.close();
  }
  return parseConfig({ business: { name: FIXTURE.business }, paths: { data: dir } });
}
