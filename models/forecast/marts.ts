/**
 * The forecast marts: one coherent forecast at two grains (reconcile.ts). `volume_forecast` (read by
 * the weekly report): one row per day, line and channel. `volume_forecast_interval` (read by staffing
 * and planners): one row per interval, whose intervals add up to the day and whose lines add up to
 * 'All'. Both carry the point forecast, nested 80%/95% bounds and the serving model's version.
 */
import { join } from "node:path";
import type { Db } from "../../pipelines/core/duckdb.ts";
import { sqlTemplate } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import type { Path, SeriesBundle } from "../shared/series.ts";

export const DAILY_MART = "volume_forecast";
export const INTERVAL_MART = "volume_forecast_interval";
const SQL = join(import.meta.dirname, "sql");

type Bounds = keyof Path;
const BOUNDS: Bounds[] = ["forecast", "lower80", "upper80", "lower95", "upper95"];

/** Rows of (day, slot, line, channel, bounds…) for paths forecast from origin o. */
async function loadRows(db: Db, b: SeriesBundle, o: number, paths: Path[]): Promise<void> {
  const H = paths[0]!.forecast.length;
  const day: number[] = [];
  const slot: number[] = [];
  const isOpen: number[] = [];
  const line: string[] = [];
  const channel: string[] = [];
  const cols = Object.fromEntries(BOUNDS.map((k) => [k, [] as number[]])) as Record<Bounds, number[]>;
  b.keys.forEach((key, s) => {
    for (let h = 1; h <= H; h++) {
      const t = o + h;
      day.push(b.grid.dayNumber[b.grid.dayOf[t]!]!);
      slot.push(b.grid.slotOf[t]!);
      isOpen.push(b.grid.open ? b.grid.open[t]! : 1);
      line.push(key.line);
      channel.push(key.channel);
      for (const k of BOUNDS) cols[k].push(paths[s]![k][h - 1]!);
    }
  });
  await loadTable(db, "forecast_rows", [
    { name: "date", type: "DATE", values: day },
    { name: "slot", type: "DOUBLE", values: slot },
    { name: "is_open", type: "DOUBLE", values: isOpen },
    { name: "line", type: "VARCHAR", values: line },
    { name: "channel", type: "VARCHAR", values: channel },
    ...BOUNDS.map((k) => ({ name: k, type: "DOUBLE" as const, values: cols[k] })),
  ]);
}

export async function writeDailyMart(db: Db, paths: Paths, b: SeriesBundle, o: number, fc: Path[], version: string) {
  await loadRows(db, b, o, fc);
  return writeMart(db, paths, DAILY_MART, sqlTemplate(join(SQL, "daily_mart.sql"), { version: version.replaceAll("'", "''") }));
}

export async function writeIntervalMart(db: Db, paths: Paths, b: SeriesBundle, o: number, fc: Path[], minutes: number, version: string) {
  await loadRows(db, b, o, fc);
  return writeMart(db, paths, INTERVAL_MART, sqlTemplate(join(SQL, "interval_mart.sql"), { version: version.replaceAll("'", "''"), interval_minutes: String(minutes) }));
}
