/**
 * `commsight forecast`: the forecaster on any regular series file, with the reference peers'
 * protocol (../shared/peers/README.md): the last `holdout` points are held out, the model is
 * fitted on the rest, forecasts `horizon` points and is scored on the first min(horizon, holdout)
 * held-out points, beside seasonal naive. JSON has the peers' shape (`methods.<name>.metrics`).
 *
 * Layout: when the time column holds dates with the same number of points every day, the series
 * is laid out on the calendar (weekday from the date, US federal holidays, skipped weekdays seen
 * as closed days); otherwise in index space, days of `season-length` points and a cycle of
 * (longest seasonal period ÷ season length) days. `--layout index` forces the latter.
 */
import { existsSync } from "node:fs";
import { lit, openDb } from "../../pipelines/core/duckdb.ts";
import { readColumns } from "../shared/columnar.ts";
import { isoToDays } from "../shared/dates.ts";
import { calendarGrid, indexGrid, type Grid } from "../shared/grid.ts";
import { initTf } from "../shared/tf.ts";
import { prepareSeries } from "./design.ts";
import { DEFAULT_LAMBDA, DEFAULT_MAX_ROWS, dayEndOrigins, fitEngine, forecastFrom, residualIntervals, type EngineOptions } from "./engine.ts";
import { maseScale, naiveBounds, pointMetrics, type PointMetrics } from "./evaluate.ts";

export type GenericForecastOptions = {
  input: string;
  timeCol: string;
  valueCol: string;
  seasonLength: number;
  horizon: number;
  holdout: number;
  seasonalPeriods?: number[];
  layout?: "auto" | "calendar" | "index";
  seed?: number;
};

export type MethodResult = { status: "ok"; metrics: PointMetrics; fit_seconds: number; model: string };

export type GenericForecastDoc = {
  tool: "commsight forecast";
  input: string;
  config: { season_length: number; seasonal_periods: number[]; horizon: number; holdout: number; layout: Grid["mode"]; slots_per_day: number; cycle_days: number };
  data: { n_total: number; n_train: number; n_test: number; n_eval: number; train_start: string; train_end: string; test_start: string; test_end: string };
  mase_scale: number;
  methods: Record<string, MethodResult>;
  total_seconds: number;
};

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export async function readSeriesFile(file: string, timeCol: string, valueCol: string): Promise<{ ts: string[]; y: Float64Array }> {
  if (!existsSync(file)) throw new Error(`forecast: input file ${file} does not exist`);
  const db = await openDb();
  try {
    const scan = /\.parquet$/i.test(file) ? `read_parquet(${lit(file)})` : `read_csv(${lit(file)}, header = true, all_varchar = true)`;
    const cols = await readColumns(db, `SELECT CAST(${ident(timeCol)} AS VARCHAR) AS ts, TRY_CAST(${ident(valueCol)} AS DOUBLE) AS y FROM ${scan}`);
    const y = cols.num("y");
    const bad = y.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`forecast: ${valueCol} is missing or not a number at row ${bad + 1}; fill gaps first`);
    return { ts: cols.str("ts").map((s) => s ?? ""), y };
  } catch (err) {
    if (/not found|does not have a column|Referenced column/i.test(String(err))) throw new Error(`forecast: ${file} has no column ${timeCol} or ${valueCol} (${(err as Error).message.split("\n")[0]})`);
    throw err;
  } finally {
    db.close();
  }
}

/** Choose the layout; returns the grid and the number of leading points it drops (whole days only). */
export function layoutFor(ts: string[], n: number, opts: Pick<GenericForecastOptions, "seasonLength" | "seasonalPeriods" | "layout">, futurePoints: number): { grid: Grid; drop: number } {
  const m = opts.seasonLength;
  if (opts.layout !== "index") {
    const days: number[] = [];
    const counts: number[] = [];
    let ok = true;
    for (const s of ts) {
      const d = /^\d{4}-\d{2}-\d{2}/.test(s) ? isoToDays(s.slice(0, 10)) : NaN;
      if (!Number.isFinite(d)) { ok = false; break; }
      if (days.length && d === days[days.length - 1]) counts[counts.length - 1]!++;
      else if (days.length && d < days[days.length - 1]!) { ok = false; break; }
      else { days.push(d); counts.push(1); }
    }
    const S = counts[0] ?? 0;
    if (ok && S > 0 && counts.every((c) => c === S) && (S === m || S === 1)) {
      return { grid: calendarGrid(days, S, Math.ceil(futurePoints / S) + 1), drop: 0 };
    }
    if (opts.layout === "calendar") throw new Error("forecast: --layout calendar needs dates with the same number of points each day (that number = --season-length, or 1 for daily data)");
  }
  const longest = Math.max(m, ...(opts.seasonalPeriods ?? []));
  const C = longest % m === 0 ? longest / m : 1;
  const drop = n % m;
  return { grid: indexGrid(n - drop, m, C, Math.ceil(futurePoints / m) + 1), drop };
}

export async function forecastFile(opts: GenericForecastOptions): Promise<GenericForecastDoc> {
  const started = performance.now();
  await initTf();
  const { ts, y: yAll } = await readSeriesFile(opts.input, opts.timeCol, opts.valueCol);
  const n = yAll.length;
  const Hd = opts.holdout;
  const H = opts.horizon;
  const m = opts.seasonLength;
  if (n - Hd < 2 * m + 2) throw new Error(`forecast: ${n} points are too few for a holdout of ${Hd} and season length ${m}`);
  const nEval = Math.min(H, Hd);
  const scale = maseScale(yAll, 0, n - Hd - 1, m);

  // Ours.
  const t0 = performance.now();
  const { grid, drop } = layoutFor(ts, n, opts, Math.max(0, H - Hd));
  const d = prepareSeries(grid, ["y"], [yAll.subarray(drop)]);
  const E = n - Hd - 1 - drop; // origin: the last training point, in grid indices
  const engine: EngineOptions = { H, lambda: DEFAULT_LAMBDA, seed: opts.seed ?? 7, maxRows: DEFAULT_MAX_ROWS };
  // Interval calibration: a model fitted before the last max(2H, 10 days) of training forecasts them.
  const cal = Math.min(Math.max(2 * H, 10 * grid.S), Math.floor(E / 3));
  const V = E - cal;
  const early = fitEngine(grid, d, V, engine);
  const iv = residualIntervals(early, grid, d, dayEndOrigins(grid, 0, E).filter((o) => o >= V), E);
  early.model.dispose();
  const fitted = fitEngine(grid, d, E, engine);
  const [path] = forecastFrom(fitted, grid, d, E, H, iv);
  fitted.model.dispose();
  const ours = performance.now() - t0;

  const actual = yAll.subarray(n - Hd, n - Hd + nEval);
  const cut = <T extends { subarray(a: number, b: number): T }>(a: T) => a.subarray(0, nEval);
  const naive = naiveBounds(yAll, n - Hd - 1, H, m);
  const iso = (i: number) => ts[i] ?? String(i);
  return {
    tool: "commsight forecast",
    input: opts.input,
    config: {
      season_length: m, seasonal_periods: opts.seasonalPeriods ?? [m], horizon: H, holdout: Hd,
      layout: grid.mode, slots_per_day: grid.S, cycle_days: grid.C,
    },
    data: {
      n_total: n, n_train: n - Hd, n_test: Hd, n_eval: nEval,
      train_start: iso(0), train_end: iso(n - Hd - 1), test_start: iso(n - Hd), test_end: iso(n - 1),
    },
    mase_scale: scale,
    methods: {
      commsight: {
        status: "ok",
        model: `direct multi-horizon ridge (tfjs) on log(1+y), ${grid.mode} layout, empirical intervals`,
        metrics: pointMetrics(actual, cut(path!.forecast), scale, { lower80: cut(path!.lower80), upper80: cut(path!.upper80), lower95: cut(path!.lower95), upper95: cut(path!.upper95) }),
        fit_seconds: ours / 1000,
      },
      snaive: {
        status: "ok",
        model: `seasonal naive (m = ${m})`,
        metrics: pointMetrics(actual, cut(naive.forecast), scale, { lower80: cut(naive.lower80), upper80: cut(naive.upper80), lower95: cut(naive.lower95), upper95: cut(naive.upper95) }),
        fit_seconds: 0,
      },
    },
    total_seconds: (performance.now() - started) / 1000,
  };
}
