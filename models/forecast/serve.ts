/**
 * Serving a forecast: the coherent forecast from the last observed day with given models
 * (backtest.ts serveCoherent), and everything built on it — `volume_forecast(_interval)`, this
 * run's `forecast_snapshots` (beside the backtest's, on a retrain), `forecast_accuracy` and the
 * staffing plan. A retrain serves its candidate (or the serving version it did not beat); a night
 * the schedule does not retrain (models.retrain.forecast) serves the stored version alone: the
 * version holds what serving needs beyond the weights (scalers, the interval models of the
 * reconciled forecast, the reconciliation dispersions), the hierarchy follows from the series'
 * keys, so no backtest and no refit run.
 */
import type { Config } from "../../pipelines/core/config.ts";
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import type { BusinessCalendar } from "../shared/businessCalendar.ts";
import type { SeriesBundle } from "../shared/series.ts";
import { buildStaffing, type StaffingResult } from "../staffing/index.ts";
import { serveCoherent, type Dispersion, type Grain } from "./backtest.ts";
import type { Fitted } from "./engine.ts";
import type { IntervalModel } from "./intervals.ts";
import { writeDailyMart, writeIntervalMart } from "./marts.ts";
import type { Group } from "./reconcile.ts";
import { writeAccuracy, writeSnapshots, type Snapshot } from "./snapshots.ts";
import type { LoadedForecast } from "./store.ts";

/** What forecasts: a version's two fitted parts, its interval models and its reconciliation weights. */
export type Serving = {
  version: string;
  models: { daily: Fitted; intra: Fitted };
  iv: { daily: IntervalModel; intra: IntervalModel };
  phi: Dispersion;
};

/**
 * A stored version as a Serving. A version saved before dispersions were stored has none: with
 * `fallback` (a retrain's own) it borrows them, without it the version cannot serve (null).
 */
export function servingOf(inc: LoadedForecast, fallback?: Dispersion): Serving | null {
  const d = inc.meta.parts.daily;
  const i = inc.meta.parts.interval;
  const phi = { daily: d.dispersion ?? fallback?.daily, intra: i.dispersion ?? fallback?.intra, intraDay: i.dayDispersion ?? fallback?.intraDay };
  if (!phi.daily || !phi.intra || !phi.intraDay) return null;
  return { version: inc.version, models: { daily: inc.daily, intra: inc.interval }, iv: { daily: d.intervals, intra: i.intervals }, phi: phi as Dispersion };
}

export type Served = { outputs: string[]; rows: number; staffing: StaffingResult };

/**
 * Forecast from the last observed day (T) with `use` and write the forecast marts, this run's
 * snapshot (after `seeds`, e.g. a retrain's backtest forecasts), forecast_accuracy and the staffing plan.
 */
export async function serveForecast(
  db: Db, paths: Paths, config: Config, cal: BusinessCalendar,
  data: { daily: SeriesBundle; intraday: SeriesBundle; grains: { daily: Grain; intra: Grain; groups: Group[] } },
  use: Serving, seeds: Snapshot[] = [],
): Promise<Served> {
  const staffing = config.models.staffing;
  const { daily, intraday } = data;
  const out = serveCoherent(use.models, { ...data.grains, phi: use.phi }, use.iv);
  const T = daily.grid.n - 1;
  const dMart = await writeDailyMart(db, paths, daily, T, out.daily, use.version);
  const iMart = await writeIntervalMart(db, paths, intraday, intraday.grid.n - 1, out.intra, staffing.intervalMinutes, use.version);
  // Every run keeps its forecast (a run's own forecast wins over a backtest's from the same origin).
  const snaps = await writeSnapshots(db, paths, daily, [...seeds, { originDay: T, paths: out.daily, source: "run", version: use.version }], staffing.snapshotRetentionDays);
  const accuracy = await writeAccuracy(db, paths);
  const staff = await buildStaffing(db, paths, staffing, cal, intraday, intraday.grid.n - 1, out.intra, use.version);
  return {
    outputs: [dMart.path, iMart.path, snaps.path, accuracy.path, staff.mart, staff.shiftMart, staff.csv],
    rows: dMart.rows + iMart.rows + snaps.rows + accuracy.rows + staff.rows + staff.shiftRows,
    staffing: staff,
  };
}
