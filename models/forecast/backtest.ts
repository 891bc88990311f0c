/**
 * Rolling-origin backtest of one granularity (daily or intraday), time-honest throughout.
 * With T the last observed point and E = T − holdout:
 *   early model (targets ≤ V = E − calibration) → its residuals forecasting (V, E] give the
 *     intervals scored in the backtest;
 *   backtest model (targets ≤ E) → forecasts from origins E, E + step, … (each horizon H, targets
 *     ≤ T, features only from data up to each origin) scored per series against seasonal naive
 *     (MASE, sMAPE, 80%/95% coverage; intraday over business hours only, the intervals staffing
 *     plans); its residuals over (E, T] give the final intervals;
 *   final model (targets ≤ T) → the forecast.
 */
import type { SeriesBundle } from "../shared/series.ts";
import { dayEndOrigins, fitEngine, originRows, predictLog, residualIntervals, type EngineOptions, type Fitted } from "./engine.ts";
import { prepareSeries, type SeriesData } from "./design.ts";
import { coverage, mae, maseScale, seasonalNaive, smape } from "./evaluate.ts";
import { toBounds, type IntervalModel } from "./intervals.ts";

export type SeriesBacktest = {
  mase: number; smape: number; coverage80: number; coverage95: number;
  naiveMase: number; naiveSmape: number; mae: number; naiveMae: number; scale: number; beatsNaive: boolean; n: number;
};

export type BacktestMetrics = {
  mase: number; naiveMase: number; smape: number; naiveSmape: number; coverage80: number; coverage95: number;
  beatsNaive: boolean; seriesBeatingNaive: number; origins: string[]; horizonPoints: number; naivePeriod: number;
  series: Record<string, SeriesBacktest>;
};

export type Windows = { T: number; E: number; V: number; step: number };

export type GranularityRun = { metrics: BacktestMetrics; final: Fitted; finalIntervals: IntervalModel; holdoutIntervals: IntervalModel; windows: Windows; data: SeriesData };

const avg = (a: number[]) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);

export function windowsFor(b: SeriesBundle, H: number, holdout: number): Windows {
  const g = b.grid;
  const T = g.n - 1;
  const E = T - holdout;
  const cal = Math.max(2 * H, 10 * g.S);
  const V = E - cal;
  if (V < (4 * g.C + 8) * g.S) throw new Error(`forecast: ${g.n / g.S} days of data are too few for a ${holdout / g.S}-day backtest and ${cal / g.S} days of interval calibration`);
  return { T, E, V, step: 7 * g.S };
}

/** Score a fitted model from origins E, E + step, … against seasonal naive of period m. */
export function scoreOrigins(f: Fitted, iv: IntervalModel, b: SeriesBundle, d: SeriesData, w: Windows, H: number, m: number): BacktestMetrics {
  const origins: number[] = [];
  for (let o = w.E; o < w.T; o += w.step) origins.push(o);
  const rows = originRows(d.names.length, origins, H, w.T);
  const pred = predictLog(f, b.grid, d, rows);
  const per = d.names.map(() => ({ y: [] as number[], f: [] as number[], naive: [] as number[], lo80: [] as number[], hi80: [] as number[], lo95: [] as number[], hi95: [] as number[] }));
  const naiveCache = new Map<string, Float64Array>();
  const open = b.grid.open;
  for (let r = 0; r < pred.length; r++) {
    const s = rows.s[r]!;
    const o = rows.o[r]!;
    const t = rows.t[r]!;
    if (open && !open[t]) continue; // intraday accuracy is what staffing needs: business hours only
    const key = `${s}:${o}`;
    let naive = naiveCache.get(key);
    if (!naive) { naive = seasonalNaive(d.y[s]!, o, H, m); naiveCache.set(key, naive); }
    const bnd = toBounds(pred[r]!, iv);
    const p = per[s]!;
    p.y.push(d.y[s]![t]!); p.f.push(bnd.forecast); p.naive.push(naive[t - o - 1]!);
    p.lo80.push(bnd.lower80); p.hi80.push(bnd.upper80); p.lo95.push(bnd.lower95); p.hi95.push(bnd.upper95);
  }
  const series: Record<string, SeriesBacktest> = {};
  d.names.forEach((name, s) => {
    const p = per[s]!;
    const scale = open ? openScale(d.y[s]!, open, w.E, m) : maseScale(d.y[s]!, 0, w.E, m);
    const den = scale > 0 ? scale : 1;
    const m1 = mae(p.y, p.f);
    const m0 = mae(p.y, p.naive);
    series[name] = {
      mase: m1 / den, smape: smape(p.y, p.f), coverage80: coverage(p.y, p.lo80, p.hi80), coverage95: coverage(p.y, p.lo95, p.hi95),
      naiveMase: m0 / den, naiveSmape: smape(p.y, p.naive), mae: m1, naiveMae: m0, scale, beatsNaive: m1 < m0, n: p.y.length,
    };
  });
  const all = Object.values(series);
  const day = (o: number) => b.firstDay + b.grid.dayOf[o]!;
  return {
    mase: avg(all.map((s) => s.mase)), naiveMase: avg(all.map((s) => s.naiveMase)),
    smape: avg(all.map((s) => s.smape)), naiveSmape: avg(all.map((s) => s.naiveSmape)),
    coverage80: avg(all.map((s) => s.coverage80)), coverage95: avg(all.map((s) => s.coverage95)),
    beatsNaive: avg(all.map((s) => s.mase)) < avg(all.map((s) => s.naiveMase)),
    seriesBeatingNaive: all.filter((s) => s.beatsNaive).length,
    origins: origins.map((o) => new Date(day(o) * 86_400_000).toISOString().slice(0, 10)),
    horizonPoints: H, naivePeriod: m, series,
  };
}

/** In-sample mean |y_t − y_{t−m}| over business-hours points t ≤ to. */
function openScale(y: Float64Array, open: Uint8Array, to: number, m: number): number {
  let sum = 0;
  let k = 0;
  for (let t = m; t <= to; t++) if (open[t]) { sum += Math.abs(y[t]! - y[t - m]!); k++; }
  return k ? sum / k : NaN;
}

/** The three fits of one granularity; `onFit` reports progress (done, total). */
export function runGranularity(b: SeriesBundle, H: number, holdout: number, engine: EngineOptions, onFit: (done: number) => void = () => {}): GranularityRun {
  const d = prepareSeries(b.grid, b.names, b.y);
  const w = windowsFor(b, H, holdout);
  const g = b.grid;
  const m = g.S * g.C; // seasonal naive: the same interval one week earlier
  const early = fitEngine(g, d, w.V, engine);
  const holdoutIntervals = residualIntervals(early, g, d, dayEndOrigins(g, 0, w.E).filter((o) => o >= w.V), w.E);
  early.model.dispose();
  onFit(1);
  const mid = fitEngine(g, d, w.E, engine);
  const metrics = scoreOrigins(mid, holdoutIntervals, b, d, w, H, m);
  const finalIntervals = residualIntervals(mid, g, d, dayEndOrigins(g, 0, w.T).filter((o) => o >= w.E), w.T);
  mid.model.dispose();
  onFit(2);
  const final = fitEngine(g, d, w.T, engine);
  onFit(3);
  return { metrics, final, finalIntervals, holdoutIntervals, windows: w, data: d };
}
