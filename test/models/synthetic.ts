/** Synthetic marts for the model tests, built with DuckDB (deterministic: hash-based noise). */
import { mkdirSync, mkdtempSync } from "node:fs";
import { expect } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec, openDb } from "../../pipelines/core/duckdb.ts";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { daysToIso, isoToDays } from "../../models/shared/dates.ts";
import { usFederalHolidaySet } from "../../models/shared/holidays.ts";

export function tempConfig(models: Record<string, unknown> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), "commsight-models-"));
  return parseConfig({ paths: { data: dir }, models });
}

/** Uniform(0,1) from a hash of the given SQL expressions. */
const u = (...parts: string[]) => `((hash(${parts.join(", ")}) % 1000003)::DOUBLE + 0.5) / 1000003`;

/**
 * contact_features: `contacts` contacts × `snapshots` weekly snapshots (Sundays from 2026-01-04);
 * the last two have NULL labels (the 14-day outcome window is incomplete). Churn truly depends on
 * recent repeat contacts, missed calls and detractor responses (plus a little on tenure), with
 * noise; calls_90d is pure noise. With `shuffleLabels`, labels are permuted within each snapshot
 * (a control: nothing to learn).
 */
export async function makeChurnMarts(config: Config, opts: { contacts?: number; snapshots?: number; shuffleLabels?: boolean } = {}): Promise<void> {
  const contacts = opts.contacts ?? 1500;
  const snaps = opts.snapshots ?? 30;
  const paths = lakePaths(config);
  const dir = join(paths.marts, "contact_features");
  mkdirSync(dir, { recursive: true });
  const db = await openDb();
  try {
    await exec(db, `
      CREATE TABLE cf AS
      WITH c AS (
        SELECT 'c' || lpad(i::VARCHAR, 5, '0') AS contact_id,
               (['Residential', 'Commercial', 'PropertyManager'])[1 + (i % 3)] AS segment,
               ${u("i", "'tenure'")} AS ut
        FROM range(${contacts}) t(i)
      ),
      s AS (SELECT k, (DATE '2026-01-04' + 7 * k::INTEGER)::DATE AS as_of FROM range(${snaps}) t(k)),
      base AS (
        SELECT c.contact_id, c.segment, s.k, s.as_of,
               (60 + floor(c.ut * 1500) + 7 * s.k)::INTEGER AS tenure_days,
               floor(-ln(${u("c.contact_id", "s.k", "'rep'")}) * 0.5)::BIGINT AS repeat_contacts_14d,
               floor(-ln(${u("c.contact_id", "s.k", "'miss'")}) * 0.4)::BIGINT AS missed_14d,
               floor(-ln(${u("c.contact_id", "s.k", "'det'")}) * 0.5)::BIGINT AS detractor_90d,
               floor(-ln(${u("c.contact_id", "s.k", "'calls'")}) * 4)::BIGINT AS calls_90d,
               floor(-ln(${u("c.contact_id", "s.k", "'msg'")}) * 3)::BIGINT AS messages_90d,
               ${u("c.contact_id", "s.k", "'rec'")} AS ur,
               ${u("c.contact_id", "s.k", "'nps'")} AS un,
               ${u("c.contact_id", "s.k", "'noise'")} AS unoise,
               ${u("c.contact_id", "s.k", "'y'")} AS uy,
               s.k >= ${snaps - 2} AS unlabelled
        FROM c CROSS JOIN s
      )
      SELECT contact_id, as_of, segment, tenure_days, floor(ur * 120)::INTEGER AS recency_days,
             calls_90d, messages_90d, missed_14d, repeat_contacts_14d, detractor_90d,
             CASE WHEN un < 0.4 THEN NULL ELSE CASE WHEN detractor_90d > 0 THEN floor(un * 7) ELSE 6 + floor(un * 5) END END::DOUBLE AS last_nps,
             CASE WHEN unlabelled THEN NULL
                  ELSE uy < 1 / (1 + exp(-(-4.2 + 1.3 * repeat_contacts_14d + 1.0 * missed_14d + 1.4 * detractor_90d
                                          - 0.25 * ln(tenure_days / 365.0) + 0.8 * (unoise - 0.5))))
             END AS label
      FROM base`);
    if (opts.shuffleLabels) {
      await exec(db, `
        CREATE OR REPLACE TABLE cf AS
        WITH a AS (SELECT * EXCLUDE (label), row_number() OVER (PARTITION BY as_of ORDER BY contact_id) AS rn FROM cf),
             b AS (SELECT as_of, label, row_number() OVER (PARTITION BY as_of ORDER BY hash(contact_id, 'shuffle')) AS rn FROM cf)
        SELECT a.* EXCLUDE (rn), b.label FROM a JOIN b USING (as_of, rn)`);
    }
    await exec(db, `COPY (SELECT * FROM cf ORDER BY as_of, contact_id) TO '${join(dir, "data.parquet")}' (FORMAT parquet)`);
  } finally {
    db.close();
  }
}

export const VOLUME_END = "2026-11-15";

/**
 * daily_volume over two years to VOLUME_END: three lines with their own weekly shape (Support
 * closed on Sundays), yearly growth (`scale` multiplies every volume), holidays at ~10% of normal, lognormal noise; dense,
 * including messages and outgoing rows (which the forecast must ignore). With `calendar`,
 * also writes the calendar mart; with `intraday`, the interactions and calls marts (each daily
 * count spread over the day by a two-peak profile, calls with handle and queue times).
 */
export async function makeVolumeMarts(config: Config, opts: { days?: number; calendar?: boolean; scale?: number; intraday?: boolean } = {}): Promise<void> {
  const days = opts.days ?? 730;
  const scale = opts.scale ?? 1;
  const end = isoToDays(VOLUME_END);
  const start = end - days + 1;
  const holidays = [...usFederalHolidaySet(start, end + 400)].map(daysToIso);
  const paths = lakePaths(config);
  mkdirSync(join(paths.marts, "daily_volume"), { recursive: true });
  const db = await openDb();
  try {
    await exec(db, `CREATE TABLE hol AS SELECT CAST(d AS DATE) AS date FROM (VALUES ${holidays.map((d) => `('${d}')`).join(", ")}) t(d)`);
    await exec(db, `
      CREATE TABLE dv AS
      WITH d AS (SELECT CAST(range AS DATE) AS date FROM range(DATE '${daysToIso(start)}', DATE '${daysToIso(end + 1)}', INTERVAL 1 DAY)),
      l AS (SELECT * FROM (VALUES ('Sales', 60.0, 25.0, 12.0, 0.25), ('Support', 140.0, 45.0, 0.0, 0.15), ('Billing', 30.0, 6.0, 4.0, 0.10)) t(line, weekday, sat, sun, growth)),
      k AS (SELECT * FROM (VALUES ('call', 'incoming', 1.0), ('call', 'outgoing', 0.4), ('message', 'incoming', 0.7), ('message', 'outgoing', 0.5)) t(channel, direction, share)),
      mu AS (
        SELECT d.date, l.line, k.channel, k.direction,
               ${scale} * k.share
               * CASE isodow(d.date) WHEN 6 THEN l.sat WHEN 7 THEN l.sun ELSE l.weekday * (1.15 - 0.05 * isodow(d.date)) END
               * exp(l.growth * (d.date - DATE '${daysToIso(start)}') / 365.0)
               * CASE WHEN d.date IN (SELECT date FROM hol) THEN 0.1 ELSE 1 END AS mu
        FROM d CROSS JOIN l CROSS JOIN k
      )
      SELECT date, line, channel, direction,
             greatest(0, round(mu * exp(0.12 * sqrt(-2 * ln(${u("date", "line", "channel", "direction", "'a'")}))
                                        * cos(2 * pi() * ${u("date", "line", "channel", "direction", "'b'")}))
                           + (${u("date", "line", "channel", "direction", "'c'")} - 0.5) * 2 * sqrt(mu)))::BIGINT AS interactions
      FROM mu`);
    await exec(db, `COPY (SELECT * FROM dv ORDER BY date, line, channel, direction) TO '${join(paths.marts, "daily_volume", "data.parquet")}' (FORMAT parquet)`);
    if (opts.intraday) await writeIntraday(db, paths);
    if (opts.calendar) {
      mkdirSync(join(paths.marts, "calendar"), { recursive: true });
      await exec(db, `COPY (
        SELECT CAST(range AS DATE) AS date, CAST(range AS DATE) IN (SELECT date FROM hol) AS is_holiday,
               isodow(CAST(range AS DATE)) >= 6 AS is_weekend,
               NOT (CAST(range AS DATE) IN (SELECT date FROM hol)) AND isodow(CAST(range AS DATE)) < 7 AS is_open
        FROM range(DATE '${daysToIso(start)}', DATE '${daysToIso(end + 1)}', INTERVAL 1 DAY)
      ) TO '${join(paths.marts, "calendar", "data.parquet")}' (FORMAT parquet)`);
    }
  } finally {
    db.close();
  }
}

/**
 * interactions (one row per interaction, started_at spread over 08:00–20:00 by a morning and an
 * afternoon peak) and calls (incoming calls with handle times per line, queue times, 6% abandoned
 * in the queue) consistent with daily_volume.
 */
async function writeIntraday(db: Awaited<ReturnType<typeof openDb>>, paths: ReturnType<typeof lakePaths>): Promise<void> {
  await exec(db, `
    CREATE TABLE ix AS
    WITH rows AS (
      SELECT dv.date, dv.line, dv.channel, dv.direction, r.k,
             ${u("dv.date", "dv.line", "dv.channel", "dv.direction", "r.k", "'t'")} AS ut,
             ${u("dv.date", "dv.line", "dv.channel", "dv.direction", "r.k", "'p'")} AS up
      FROM dv, range(dv.interactions) r(k)
    )
    SELECT 'i' || hash(date, line, channel, direction, k)::VARCHAR AS interaction_id, channel, date, line, direction,
           -- two peaks: 10:00 and 14:30, each ±1.2 h (triangular), clipped to business hours
           date + to_minutes(CAST(least(1199, greatest(480, (CASE WHEN up < 0.55 THEN 600 ELSE 870 END) + (ut + ${u("date", "line", "k", "'v'")} - 1) * 72)) AS BIGINT)) AS started_at
    FROM rows`);
  for (const [mart, sql] of [
    ["interactions", "SELECT * FROM ix"],
    ["calls", `SELECT interaction_id AS call_id, date, started_at, line, direction,
                      CASE WHEN ${u("interaction_id", "'ab'")} < 0.06 THEN 'queue' END AS abandoned_in,
                      CASE WHEN ${u("interaction_id", "'ab'")} < 0.06 THEN NULL
                           ELSE CASE line WHEN 'Sales' THEN 420 WHEN 'Support' THEN 360 ELSE 240 END * (0.5 + ${u("interaction_id", "'h'")}) END AS handle_seconds,
                      60 * ${u("interaction_id", "'q'")} AS queue_seconds
               FROM ix WHERE channel = 'call'`],
  ] as const) {
    mkdirSync(join(paths.marts, mart), { recursive: true });
    await exec(db, `COPY (${sql}) TO '${join(paths.marts, mart, "data.parquet")}' (FORMAT parquet)`);
  }
}

/** A forecast row's prediction intervals are nested around the point: lower95 ≤ lower80 ≤ forecast ≤ upper80 ≤ upper95. */
export function expectNestedBounds(r: { lower95: number; lower80: number; forecast: number; upper80: number; upper95: number }): void {
  expect(r.lower95).toBeLessThanOrEqual(r.lower80);
  expect(r.lower80).toBeLessThanOrEqual(r.forecast);
  expect(r.forecast).toBeLessThanOrEqual(r.upper80);
  expect(r.upper80).toBeLessThanOrEqual(r.upper95);
}
