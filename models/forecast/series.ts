/**
 * Daily incoming-call series per line plus 'All' (their sum) from `daily_volume`, made dense
 * over the mart's whole date range, and a holiday flag per day from the `calendar` mart —
 * or, where the calendar is absent or does not reach (the forecast horizon), US federal holidays.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../../pipelines/core/duckdb.ts";
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import { readColumns } from "../shared/columnar.ts";
import { usFederalHolidaySet } from "../shared/holidays.ts";

export const ALL = "All";

export type SeriesSet = {
  /** Day number (days since 1970-01-01) of index 0. */
  start: number;
  /** Number of observed days. */
  length: number;
  /** 'All' first, then the lines alphabetically. */
  names: string[];
  /** Observed interactions per series, indexed by day offset from start. */
  y: Float64Array[];
  /** Holiday flag (0/1) for day offsets 0 … length + extraDays - 1. */
  holiday: Uint8Array;
  holidaySource: "calendar" | "us-federal" | "calendar+us-federal";
};

export function martExists(paths: Paths, name: string): boolean {
  const dir = join(paths.marts, name);
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith(".parquet"));
}

/** Load the series; `extraDays` extends the holiday flags past the last observed day. */
export async function loadSeries(db: Db, paths: Paths, extraDays: number): Promise<SeriesSet> {
  if (!martExists(paths, "daily_volume")) throw new Error(`forecast: the daily_volume mart is missing under ${paths.marts}`);
  const cols = await readColumns(db, `
    WITH src AS (
      SELECT CAST(date AS DATE) AS date, CAST(line AS VARCHAR) AS line, channel, direction, interactions
      FROM ${martScan(paths, "daily_volume")}
    ),
    days AS (SELECT CAST(unnest(generate_series(min(date), max(date), INTERVAL 1 DAY)) AS DATE) AS date FROM src),
    lines AS (SELECT DISTINCT line FROM src WHERE line IS NOT NULL),
    v AS (
      SELECT date, line, sum(interactions) AS y FROM src
      WHERE channel = 'call' AND direction = 'incoming' GROUP BY ALL
    ),
    grid AS (
      SELECT days.date, lines.line, CAST(coalesce(v.y, 0) AS DOUBLE) AS y
      FROM days CROSS JOIN lines LEFT JOIN v ON v.date = days.date AND v.line = lines.line
    )
    SELECT line, date, y FROM grid
    UNION ALL
    SELECT '${ALL}' AS line, date, sum(y) AS y FROM grid GROUP BY date
    ORDER BY line, date`);
  const line = cols.str("line");
  const date = cols.date("date");
  const yAll = cols.num("y");
  if (cols.rowCount === 0) throw new Error("forecast: daily_volume has no rows");
  const names = [...new Set(line.map((s) => s ?? ""))].sort((a, b) => (a === ALL ? -1 : b === ALL ? 1 : a < b ? -1 : a > b ? 1 : 0));
  let start = Infinity;
  let end = -Infinity;
  for (const d of date) { if (d < start) start = d; if (d > end) end = d; }
  const length = end - start + 1;
  const y = names.map(() => new Float64Array(length));
  const index = new Map(names.map((n, i) => [n, i]));
  for (let r = 0; r < cols.rowCount; r++) y[index.get(line[r] ?? "")!]![date[r]! - start] = yAll[r]!;

  const total = length + extraDays;
  const holiday = new Uint8Array(total);
  const covered = new Uint8Array(total);
  let fromCalendar = false;
  if (martExists(paths, "calendar")) {
    const cal = await readColumns(db, `
      SELECT CAST(date AS DATE) AS date, CAST(coalesce(is_holiday, false) AS INTEGER) AS h
      FROM ${martScan(paths, "calendar")}`);
    const cd = cal.date("date");
    const ch = cal.num("h");
    for (let r = 0; r < cal.rowCount; r++) {
      const i = cd[r]! - start;
      if (i >= 0 && i < total) { covered[i] = 1; holiday[i] = ch[r]! ? 1 : 0; fromCalendar = true; }
    }
  }
  const derived = usFederalHolidaySet(start, start + total - 1);
  let usedDerived = false;
  for (let i = 0; i < total; i++) {
    if (covered[i]) continue;
    usedDerived = true;
    holiday[i] = derived.has(start + i) ? 1 : 0;
  }
  const holidaySource = fromCalendar ? (usedDerived ? "calendar+us-federal" : "calendar") : "us-federal";
  return { start, length, names, y, holiday, holidaySource };
}
