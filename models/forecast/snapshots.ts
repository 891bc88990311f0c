/**
 * Forecasts kept and scored. Every training run adds its daily forecast to `forecast_snapshots`
 * (one snapshot per origin, the last observed day; a rerun on the same data replaces it), and the
 * first run seeds it with the backtest's coherent forecasts (rolling origins a week apart), so
 * accuracy can be read on day one. `forecast_accuracy` then compares every snapshot day that has
 * happened with the actuals (accuracy_mart.sql): MASE, WAPE, bias and coverage per week, horizon
 * week, line and channel.
 */
import { join } from "node:path";
import { lit, sqlTemplate, type Db } from "../../pipelines/core/duckdb.ts";
import { martExists, martScan, type Paths } from "../../pipelines/core/paths.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import type { Path, SeriesBundle } from "../shared/series.ts";

export const SNAPSHOT_MART = "forecast_snapshots";
export const ACCURACY_MART = "forecast_accuracy";
const SQL = join(import.meta.dirname, "sql");

export type Snapshot = {
  /** Day ordinal (of the daily bundle) the forecast was made at the end of. */
  originDay: number;
  paths: Path[];
  source: "run" | "backtest";
  version: string;
  /** Keep only days up to this ordinal (a backtest's forecasts past the data are not kept). */
  lastDay?: number;
};

/** Merge snapshots into forecast_snapshots (older origins than `retentionDays` before the newest are dropped). */
export async function writeSnapshots(db: Db, paths: Paths, b: SeriesBundle, snaps: Snapshot[], retentionDays: number) {
  const cols = { origin: [] as number[], date: [] as number[], h: [] as number[], line: [] as string[], channel: [] as string[], source: [] as string[], version: [] as string[],
    forecast: [] as number[], lower80: [] as number[], upper80: [] as number[], lower95: [] as number[], upper95: [] as number[] };
  const g = b.grid;
  for (const sn of snaps) {
    b.keys.forEach((key, s) => {
      const p = sn.paths[s]!;
      for (let h = 1; h <= p.forecast.length; h++) {
        const k = sn.originDay + h;
        if (sn.lastDay !== undefined && k > sn.lastDay) break;
        cols.origin.push(g.dayNumber[sn.originDay]!); cols.date.push(g.dayNumber[k]!); cols.h.push(g.dayNumber[k]! - g.dayNumber[sn.originDay]!);
        cols.line.push(key.line); cols.channel.push(key.channel); cols.source.push(sn.source); cols.version.push(sn.version);
        cols.forecast.push(p.forecast[h - 1]!); cols.lower80.push(p.lower80[h - 1]!); cols.upper80.push(p.upper80[h - 1]!);
        cols.lower95.push(p.lower95[h - 1]!); cols.upper95.push(p.upper95[h - 1]!);
      }
    });
  }
  const num = (name: string, values: number[]) => ({ name, type: "DOUBLE" as const, values });
  await loadTable(db, "snapshot_rows", [
    { name: "origin_date", type: "DATE", values: cols.origin }, { name: "date", type: "DATE", values: cols.date }, num("horizon_days", cols.h),
    { name: "line", type: "VARCHAR", values: cols.line }, { name: "channel", type: "VARCHAR", values: cols.channel },
    num("forecast", cols.forecast), num("lower80", cols.lower80), num("upper80", cols.upper80), num("lower95", cols.lower95), num("upper95", cols.upper95),
    { name: "source", type: "VARCHAR", values: cols.source }, { name: "model_version", type: "VARCHAR", values: cols.version },
  ]);
  const existing = martExists(paths, SNAPSHOT_MART) ? `read_parquet(${lit(join(paths.marts, SNAPSHOT_MART, "data.parquet"))})` : "(SELECT * FROM snapshot_rows WHERE false)";
  return writeMart(db, paths, SNAPSHOT_MART, sqlTemplate(join(SQL, "snapshots_merge.sql"), { incoming: "snapshot_rows", existing, retention_days: String(retentionDays) }));
}

/** Rebuild forecast_accuracy from every snapshot and today's daily_volume. */
export async function writeAccuracy(db: Db, paths: Paths) {
  if (!martExists(paths, SNAPSHOT_MART)) throw new Error(`forecast: no ${SNAPSHOT_MART} mart to score under ${paths.marts}`);
  if (!martExists(paths, "daily_volume")) throw new Error(`forecast: the daily_volume mart is missing under ${paths.marts}`);
  return writeMart(db, paths, ACCURACY_MART, sqlTemplate(join(SQL, "accuracy_mart.sql"), { snapshots: martScan(paths, SNAPSHOT_MART), daily_volume: martScan(paths, "daily_volume") }));
}
