/**
 * The rest of the marts the leadership and staffing reports read, for the fixture business of
 * fixture.ts (report week 2026-11-09 .. 2026-11-15, data to 2026-11-18), each with a planted fact the
 * tests look for: Tuesday 10:00 has the worst service level, a transfer loop, a small segment that must
 * be suppressed, a spiking topic, and a staffing plan whose peak is Thu 26 Nov 11:00 with 9 agents.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { exec, type Db } from "../../pipelines/core/duckdb.ts";

export const EXTRA = {
  worstSlot: { day: "2026-11-10", hour: 10, serviceLevel: 0.4 },
  loop: "Support → Billing → Support",
  loopCalls: 12,
  smallSegment: "VIP",
  spikingTopic: "refund request",
  staffingPeak: { date: "2026-11-26", time: "11:00", agents: 9 },
  staffingDays: ["2026-11-19", "2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"],
  latestData: "2026-11-18 17:45",
} as const;

export async function writeExtraMarts(db: Db, marts: string): Promise<void> {
  const out = (mart: string) => {
    mkdirSync(join(marts, mart), { recursive: true });
    return join(marts, mart, "data.parquet");
  };
  await exec(db, `
    COPY (
      SELECT 60 AS interval_minutes, CAST(d.date AS TIMESTAMP) + to_hours(h) AS interval_start, d.date, l.line,
             CAST(6 + h % 3 AS BIGINT) AS offered, CAST(5 + h % 3 AS BIGINT) AS answered, CAST(1 AS BIGINT) AS abandoned,
             CAST(1 AS BIGINT) AS abandoned_in_queue, CAST(15 + h AS DOUBLE) AS asa_seconds,
             CAST(CASE WHEN d.date = DATE '${EXTRA.worstSlot.day}' AND h = ${EXTRA.worstSlot.hour} THEN ${EXTRA.worstSlot.serviceLevel} ELSE 0.8 + l.li * 0.05 END AS DOUBLE) AS service_level,
             CAST(300 AS DOUBLE) AS aht_seconds, CAST(1.0 / (6 + h % 3) AS DOUBLE) AS missed_rate
      FROM days d, lines l, range(8, 20) t(h)
      WHERE isodow(d.date) <= 5
    ) TO '${out("service_level_interval")}' (FORMAT parquet);
  `);
  // satisfaction: business total consistent with kpi_weekly, lines, and segments (one too small to show).
  await exec(db, `
    COPY (
      WITH base AS (
        SELECT 'week' AS period, week_start AS period_start, 'all' AS dimension, 'All' AS value, nps, nps_responses, csat, csat_responses FROM kpi WHERE line = 'All'
        UNION ALL SELECT 'week', week_start, 'line', line, nps, nps_responses, csat, csat_responses FROM kpi WHERE line <> 'All'
        UNION ALL SELECT 'week', week_start, 'segment', 'Consumer', 35.0, 200, 0.9, 210 FROM weeks
        UNION ALL SELECT 'week', week_start, 'segment', '${EXTRA.smallSegment}', 100.0, 3, 1.0, 3 FROM weeks
        UNION ALL SELECT 'month', CAST(date_trunc('month', week_start) AS DATE), 'all', 'All', avg(nps), sum(nps_responses), avg(csat), sum(csat_responses)
          FROM kpi WHERE line = 'All' GROUP BY 2
      )
      SELECT period, period_start, dimension, value, CAST(nps_responses AS BIGINT) AS nps_responses,
             CAST(0 AS BIGINT) AS promoters, CAST(0 AS BIGINT) AS passives, CAST(0 AS BIGINT) AS detractors,
             CAST(nps AS DOUBLE) AS nps, CAST(nps - 6 AS DOUBLE) AS nps_ci_low, CAST(nps + 6 AS DOUBLE) AS nps_ci_high,
             CAST(csat_responses AS BIGINT) AS csat_responses, CAST(0 AS BIGINT) AS satisfied, CAST(csat AS DOUBLE) AS csat,
             CAST(greatest(csat - 0.03, 0) AS DOUBLE) AS csat_ci_low, CAST(least(csat + 0.03, 1) AS DOUBLE) AS csat_ci_high
      FROM base
    ) TO '${out("satisfaction")}' (FORMAT parquet);
  `);
  await exec(db, `
    COPY (
      SELECT m.month, d.dimension, d.value, CAST(d.cases AS BIGINT) AS cases,
             CAST(round(d.cases * (d.rate + m.k * 0.01)) AS BIGINT) AS resolved_first_contact, CAST(d.rate + m.k * 0.01 AS DOUBLE) AS fcr_rate
      FROM (VALUES ('2026-06', 0), ('2026-07', 1), ('2026-08', 2), ('2026-09', 3), ('2026-10', 4), ('2026-11', 5)) m(month, k),
           (VALUES ('all', 'All', 900, 0.7), ('line', 'Support', 400, 0.65), ('line', 'Sales', 300, 0.75),
                   ('topic', 'billing question', 200, 0.6), ('topic', 'service outage', 120, 0.5), ('topic', 'warranty claim', 3, 0.1)) d(dimension, value, cases, rate)
    ) TO '${out("fcr")}' (FORMAT parquet);
    COPY (
      SELECT week_start, 'All' AS line, CAST(2000 + wi * 10 AS BIGINT) AS answered_calls, CAST(100 + wi AS BIGINT) AS transferred_calls,
             CAST(120 + wi AS BIGINT) AS transfers, CAST(10 + wi % 3 AS BIGINT) AS looped_calls,
             CAST((100 + wi) / (2000 + wi * 10) AS DOUBLE) AS transfer_rate, CAST((10 + wi % 3) / (100 + wi) AS DOUBLE) AS loop_rate
      FROM weeks
    ) TO '${out("transfers_weekly")}' (FORMAT parquet);
    COPY (
      SELECT '2026-11' AS month, line, team_path, CAST(hops AS BIGINT) AS hops, is_loop, CAST(calls AS BIGINT) AS calls, CAST(calls AS BIGINT) AS answered, CAST(420.0 AS DOUBLE) AS avg_handle_seconds
      FROM (VALUES ('Support', '${EXTRA.loop}', 2, true, ${EXTRA.loopCalls}), ('Support', 'Support → Billing', 1, false, 30),
                   ('Sales', 'Sales → Support', 1, false, 3)) t(line, team_path, hops, is_loop, calls)
    ) TO '${out("transfer_paths")}' (FORMAT parquet);
    COPY (
      SELECT month, menu, CAST(visits AS BIGINT) AS visits, CAST(visits - dropped AS BIGINT) AS chose_option, CAST(dropped AS BIGINT) AS dropped,
             CAST(dropped / visits AS DOUBLE) AS drop_off_rate, CAST(8.5 AS DOUBLE) AS avg_seconds_in_menu, CAST(8 AS DOUBLE) AS median_seconds_in_menu
      FROM (VALUES ('2026-11', 'main', 900, 27), ('2026-11', 'billing', 200, 70), ('2026-11', 'support', 400, 12),
                   ('2026-10', 'main', 1800, 60), ('2026-10', 'billing', 400, 80), ('2026-10', 'support', 800, 24)) t(month, menu, visits, dropped)
    ) TO '${out("ivr_funnel")}' (FORMAT parquet);
    COPY (
      SELECT d.date, 'refund request' AS topic, CAST(CASE WHEN d.date IN (DATE '2026-11-10', DATE '2026-11-11') THEN 40 ELSE 8 END AS BIGINT) AS interactions,
             CAST(8 AS DOUBLE) AS baseline, CAST(CASE WHEN d.date IN (DATE '2026-11-10', DATE '2026-11-11') THEN 11.3 ELSE 0 END AS DOUBLE) AS z_score,
             d.date IN (DATE '2026-11-10', DATE '2026-11-11') AS is_anomaly
      FROM days d
    ) TO '${out("topic_anomalies")}' (FORMAT parquet);
    COPY (
      SELECT 'AC' || i AS interaction_id, 'call' AS channel, DATE '2026-11-18' AS date, '2026-11' AS month,
             TIMESTAMP '2026-11-18 08:00:00' + to_minutes(CAST(i * 45 AS BIGINT)) AS started_at, 'Support' AS line, 'incoming' AS direction,
             'ct_' || i AS contact_id, 'US1' AS agent_id, 'answered' AS outcome, CAST(0 AS BIGINT) AS transfers, 'refund request' AS topic,
             CAST(NULL AS DOUBLE) AS first_response_seconds
      FROM range(14) t(i)
    ) TO '${out("interactions")}' (FORMAT parquet);
  `);
  // The staffing mart in the models stage's shape (models/staffing/sql/staffing_mart.sql), weekdays 08:00-17:30, 'All' and one line.
  await exec(db, `
    COPY (
      SELECT CAST(d AS TIMESTAMP) + to_minutes(CAST(s * 30 AS BIGINT)) AS interval_start, 30 AS interval_minutes, line, 'call' AS channel,
             CASE WHEN line = 'All' THEN 'pooled' ELSE 'dedicated' END AS pooling,
             f AS forecast, f * 0.8 AS lower80, f * 1.25 AS upper80, f AS offered, CAST(320 AS DOUBLE) AS aht_seconds, CAST(NULL AS DOUBLE) AS patience_seconds,
             f * 320 / 1800 AS workload_erlangs,
             CAST(a AS INTEGER) AS agents_needed, CAST(a + 1 AS INTEGER) AS agents_needed_upper80, CAST(NULL AS INTEGER) AS agents_erlang_a,
             CAST(ceil(a / 0.7) AS INTEGER) AS scheduled, CAST(ceil(a / 0.7) AS INTEGER) AS rostered, CAST(0.82 AS DOUBLE) AS service_level,
             CAST(15 AS DOUBLE) AS asa_seconds, CAST(0.7 AS DOUBLE) AS occupancy,
             CAST(NULL AS DOUBLE) AS abandon_rate, 'erlang_c' AS method, 'fc-fixture' AS model_version
      FROM generate_series(DATE '2026-11-19', DATE '2026-12-02', INTERVAL 1 DAY) g(d), range(16, 36) t(s), (VALUES ('All'), ('Support')) l(line),
           LATERAL (SELECT CAST(CASE WHEN CAST(d AS DATE) = DATE '${EXTRA.staffingPeak.date}' AND s = 22 THEN 40 ELSE 10 + s % 5 END AS DOUBLE) AS f),
           LATERAL (SELECT CASE WHEN CAST(d AS DATE) = DATE '${EXTRA.staffingPeak.date}' AND s = 22 THEN ${EXTRA.staffingPeak.agents} ELSE 3 + s % 3 END AS a)
      WHERE isodow(CAST(d AS DATE)) <= 5
    ) TO '${out("staffing")}' (FORMAT parquet);
  `);
}

/**
 * The metrics layer of the fixture: day rows (and their weeks) derived here from the fixture marts above, so
 * that rules and reports read the same planted numbers (a week's NPS/CSAT and a transfer week on its Monday,
 * a month's FCR on its first day), and the definitions from the seed the transforms publish.
 */
export async function writeMetricsMart(db: Db, marts: string): Promise<void> {
  const out = (mart: string) => {
    mkdirSync(join(marts, mart), { recursive: true });
    return join(marts, mart, "data.parquet");
  };
  const scan = (m: string) => `read_parquet('${join(marts, m)}/**/*.parquet', hive_partitioning = true, union_by_name = true)`;
  const seed = join(import.meta.dirname, "..", "..", "transforms", "seeds", "metric_definitions.csv");
  const has = (m: string) => existsSync(join(marts, m));
  if (!has("calendar")) {
    await exec(db, `
      COPY (
        SELECT date, CAST(isodow(date) AS BIGINT) AS iso_weekday, CAST(NULL AS VARCHAR) AS holiday, isodow(date) <= 5 AS is_open
        FROM (SELECT DISTINCT date FROM ${scan("call_outcomes_daily")})
      ) TO '${out("calendar")}' (FORMAT parquet);
    `);
  }
  await exec(db, `
    COPY (SELECT metric, label, unit, kind, counted, time_basis, CAST(higher_is_better AS BOOLEAN) AS higher_is_better,
                 CAST(min_sample AS BIGINT) AS min_sample, definition FROM read_csv('${seed}', header = true)) TO '${out("metric_definitions")}' (FORMAT parquet);
    CREATE TEMP TABLE facts AS
      SELECT date, line, 'inbound_calls' AS metric, sum(calls) AS n, sum(calls) AS sum_x, sum(calls) AS sum_x2 FROM ${scan("call_outcomes_daily")} GROUP BY ALL
      UNION ALL SELECT date, line, 'abandoned_calls', sum(calls) FILTER (WHERE outcome = 'abandoned'), sum(calls) FILTER (WHERE outcome = 'abandoned'),
        sum(calls) FILTER (WHERE outcome = 'abandoned') FROM ${scan("call_outcomes_daily")} GROUP BY ALL
      UNION ALL SELECT date, line, 'answer_rate', sum(calls), sum(calls) FILTER (WHERE outcome = 'answered'), sum(calls) FILTER (WHERE outcome = 'answered') FROM ${scan("call_outcomes_daily")} GROUP BY ALL
      UNION ALL SELECT date, line, 'abandonment_rate', sum(calls), sum(calls) FILTER (WHERE outcome = 'abandoned'), sum(calls) FILTER (WHERE outcome = 'abandoned') FROM ${scan("call_outcomes_daily")} GROUP BY ALL
      ${has("service_level_interval") ? `UNION ALL SELECT date, line, 'service_level', sum(answered + abandoned_in_queue), sum(service_level * (answered + abandoned_in_queue)),
        sum(service_level * (answered + abandoned_in_queue)) FROM ${scan("service_level_interval")} WHERE interval_minutes = 60 GROUP BY ALL` : ""}
      ${has("transfers_weekly") ? `UNION ALL SELECT week_start, 'All', 'transfer_rate', answered_calls, transferred_calls, transferred_calls FROM ${scan("transfers_weekly")}` : ""}
      ${has("satisfaction") ? `UNION ALL SELECT period_start, CASE WHEN dimension = 'all' THEN 'All' ELSE value END, 'nps', nps_responses, nps * nps_responses, (nps * nps + 2500) * nps_responses
        FROM ${scan("satisfaction")} WHERE period = 'week' AND dimension IN ('all', 'line')
      UNION ALL SELECT period_start, CASE WHEN dimension = 'all' THEN 'All' ELSE value END, 'csat', csat_responses, csat * csat_responses, csat * csat_responses
        FROM ${scan("satisfaction")} WHERE period = 'week' AND dimension IN ('all', 'line')` : ""}
      ${has("fcr") ? `UNION ALL SELECT CAST(month || '-01' AS DATE), CASE WHEN dimension = 'all' THEN 'All' ELSE value END, 'fcr_rate', cases, resolved_first_contact, resolved_first_contact
        FROM ${scan("fcr")} WHERE dimension IN ('all', 'line')` : ""};
    CREATE TEMP TABLE day_rows AS
      SELECT date, 'line' AS dimension, line AS member, metric, n, sum_x, sum_x2 FROM facts WHERE line <> 'All'
      UNION ALL SELECT date, 'all', 'All', metric, n, sum_x, sum_x2 FROM facts WHERE line = 'All'
      UNION ALL SELECT date, 'all', 'All', metric, sum(n), sum(sum_x), sum(sum_x2) FROM facts
        WHERE line <> 'All' AND metric NOT IN (SELECT DISTINCT metric FROM facts WHERE line = 'All') GROUP BY ALL;
    COPY (
      WITH p AS (
        SELECT 'day' AS period, date AS period_start, dimension, member, metric, n, sum_x, sum_x2 FROM day_rows
        UNION ALL SELECT 'week', CAST(date_trunc('week', date) AS DATE), dimension, member, metric, sum(n), sum(sum_x), sum(sum_x2) FROM day_rows GROUP BY ALL
      )
      SELECT p.period, p.period_start, p.dimension, p.member, p.metric, d.unit, CAST(p.n AS BIGINT) AS n, CAST(p.sum_x AS DOUBLE) AS sum_x,
             CAST(p.sum_x2 AS DOUBLE) AS sum_x2, CAST(CASE WHEN d.kind = 'count' THEN p.n ELSE p.sum_x / p.n END AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS margin95
      FROM p JOIN read_csv('${seed}', header = true) d USING (metric)
      WHERE p.n > 0
    ) TO '${out("metrics")}' (FORMAT parquet);
  `);
}
