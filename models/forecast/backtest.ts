/**
 * Rolling-origin backtest of the coherent forecast (both grains at once, reconcile.ts), time-honest
 * throughout. With T the last observed day and E = T − holdout:
 *   early models (targets ≤ V = E − calibration) → base forecasts from every day end in [V, E):
 *     their errors give each series' dispersion φ (reconciliation weights), and the errors of the
 *     *reconciled* forecasts give the prediction intervals scored in the backtest;
 *   backtest models (targets ≤ E) → coherent forecasts from origins E, E + 7 days, … (horizon H,
 *     targets ≤ T) scored per series against seasonal naive (MASE, sMAPE, 80%/95% coverage;
 *     intraday over opening hours only, the intervals staffing plans) — and, for the record, the
 *     base forecasts before reconciliation; their reconciled errors over (E, T] give the final intervals;
 *   final models (targets ≤ T) → the forecast.
 */
import type { Grid } from "../shared/grid.ts";
import type { Path, SeriesBundle } from "../shared/series.ts";
import { prepareSeries, type SeriesData } from "./design.ts";
import { dayEndOrigins, fitEngine, forecastPoints, type EngineOptions, type Fitted } from "./engine.ts";
import { coverage, mae, maseScale, seasonalNaive, smape } from "./evaluate.ts";
import { fitIntervals, toBounds, type IntervalModel } from "./intervals.ts";
import { daySums, dispersions, hierarchyOf, reconcile, type Group } from "./reconcile.ts";

export type SeriesBacktest = {
  mase: number; smape: number; coverage80: number; coverage95: number;
  naiveMase: number; naiveSmape: number; mae: number; naiveMae: number; scale: number; beatsNaive: boolean; n: number;
  /** MASE of the base model's forecast before reconciliation. */
  baseMase: number;
};

export type LevelMetrics = { series: number; mase: number; baseMase: number; naiveMase: number; coverage80: number; coverage95: number };

export type BacktestMetrics = {
  mase: number; naiveMase: number; smape: number; naiveSmape: number; coverage80: number; coverage95: number;
  beatsNaive: boolean; seriesBeatingNaive: number; origins: string[]; horizonPoints: number; naivePeriod: number;
  /** Mean MASE of the base forecasts (before reconciliation) over the same points. */
  baseMase: number;
  /** The hierarchy's levels: 'All' per channel, and the lines. */
  levels: { total: LevelMetrics; lines: LevelMetrics };
  series: Record<string, SeriesBacktest>;
};

export type Windows = { T: number; E: number; V: number; step: number };

/** One grain's data and layout. */
export type Grain = { b: SeriesBundle; d: SeriesData; w: Windows; H: number; m: number };

/** φ per series: the daily model's days, the intraday model's intervals, and its day sums. */
export type Dispersion = { daily: number[]; intra: number[]; intraDay: number[] };

/** A coherent forecast from one origin day: paths per series at both grains (bounds included). */
export type CoherentPaths = { originDay: number; daily: Path[]; intra: Path[] };

export type JointRun = {
  daily: Grain; intra: Grain; groups: Group[]; phi: Dispersion;
  metrics: { daily: BacktestMetrics; interval: BacktestMetrics };
  holdoutIntervals: { daily: IntervalModel; intra: IntervalModel };
  finalIntervals: { daily: IntervalModel; intra: IntervalModel };
  final: { daily: Fitted; intra: Fitted };
  /** The backtest's coherent forecasts (targets up to T), one per origin: the first forecast snapshots. */
  backtestPaths: CoherentPaths[];
};

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

/** The grain's last index of day ordinal k. */
const dayEnd = (g: Grid, k: number) => (k + 1) * g.S - 1;

/** Intraday fallback shape: the mean of the same weekday's observed slots over the last 4 weeks before the origin. */
function profileFor(intra: Grain, originDay: number) {
  const { b, d } = intra;
  const g = b.grid;
  return (s: number, h: number) => {
    const target = originDay + 1 + h;
    const shape = new Float64Array(g.S);
    for (let k = 1; k <= 4; k++) {
      const day = target - 7 * k;
      if (day > originDay || day < 0) continue;
      for (let q = 0; q < g.S; q++) shape[q]! += d.y[s]![day * g.S + q]!;
    }
    return shape;
  };
}

/** Base point forecasts of both grains from the end of day `k`. */
function basePaths(f: { daily: Fitted; intra: Fitted }, daily: Grain, intra: Grain, k: number) {
  return {
    daily: forecastPoints(f.daily, daily.b.grid, daily.d, dayEnd(daily.b.grid, k), daily.H),
    intra: forecastPoints(f.intra, intra.b.grid, intra.d, dayEnd(intra.b.grid, k), intra.H),
  };
}

function coherentFrom(f: { daily: Fitted; intra: Fitted }, daily: Grain, intra: Grain, groups: Group[], phi: Dispersion, k: number) {
  const base = basePaths(f, daily, intra, k);
  const rec = reconcile(base.daily, base.intra, intra.b.grid.S, groups, phi, profileFor(intra, k));
  return { base, rec };
}

/** Log-scale residuals of reconciled forecasts from origins `days` (targets ≤ last day), per grain → interval models. */
function reconciledIntervals(f: { daily: Fitted; intra: Fitted }, daily: Grain, intra: Grain, groups: Group[], phi: Dispersion, days: number[], lastDay: number) {
  const acc = { daily: { p: [] as number[], r: [] as number[] }, intra: { p: [] as number[], r: [] as number[] } };
  for (const k of days) {
    const { rec } = coherentFrom(f, daily, intra, groups, phi, k);
    for (const [grain, paths, a] of [[daily, rec.daily, acc.daily], [intra, rec.intra, acc.intra]] as const) {
      const last = dayEnd(grain.b.grid, lastDay);
      const o = dayEnd(grain.b.grid, k);
      paths.forEach((p, s) => {
        for (let h = 1; h <= p.length && o + h <= last; h++) {
          const pred = Math.log1p(p[h - 1]!);
          a.p.push(pred);
          a.r.push(Math.log1p(Math.max(0, grain.d.y[s]![o + h]!)) - pred);
        }
      });
    }
  }
  return { daily: fitIntervals(Float64Array.from(acc.daily.p), Float64Array.from(acc.daily.r)), intra: fitIntervals(Float64Array.from(acc.intra.p), Float64Array.from(acc.intra.r)) };
}

/** Point forecasts → paths with bounds from an interval model. */
export function withBounds(points: Float64Array[], iv: IntervalModel): Path[] {
  return points.map((p) => {
    const out = { forecast: new Float64Array(p.length), lower80: new Float64Array(p.length), upper80: new Float64Array(p.length), lower95: new Float64Array(p.length), upper95: new Float64Array(p.length) };
    for (let h = 0; h < p.length; h++) {
      const b = toBounds(Math.log1p(Math.max(0, p[h]!)), iv);
      out.forecast[h] = Math.max(0, p[h]!); out.lower80[h] = Math.min(b.lower80, out.forecast[h]!); out.upper80[h] = Math.max(b.upper80, out.forecast[h]!);
      out.lower95[h] = Math.min(b.lower95, out.lower80[h]!); out.upper95[h] = Math.max(b.upper95, out.upper80[h]!);
    }
    return out;
  });
}

/** In-sample mean |y_t − y_{t−m}| over opening-hours points t ≤ to. */
function openScale(y: Float64Array, open: Uint8Array, to: number, m: number): number {
  let sum = 0;
  let k = 0;
  for (let t = m; t <= to; t++) if (open[t]) { sum += Math.abs(y[t]! - y[t - m]!); k++; }
  return k ? sum / k : NaN;
}

type Collected = { y: number[]; f: number[]; base: number[]; naive: number[]; lo80: number[]; hi80: number[]; lo95: number[]; hi95: number[] };

/** Score coherent (and base) forecasts from origin days against seasonal naive, per series. */
function score(grain: Grain, origins: number[], runs: Array<{ base: Float64Array[]; rec: Path[] }>, groups: Group[]): BacktestMetrics {
  const { b, d, w, H, m } = grain;
  const g = b.grid;
  const per: Collected[] = d.names.map(() => ({ y: [], f: [], base: [], naive: [], lo80: [], hi80: [], lo95: [], hi95: [] }));
  origins.forEach((k, i) => {
    const o = dayEnd(g, k);
    const run = runs[i]!;
    d.names.forEach((_, s) => {
      const naive = seasonalNaive(d.y[s]!, o, H, m);
      const p = per[s]!;
      const rec = run.rec[s]!;
      for (let h = 1; h <= H && o + h <= w.T; h++) {
        const t = o + h;
        if (g.open && !g.open[t]) continue; // intraday accuracy is what staffing needs: opening hours only
        p.y.push(d.y[s]![t]!); p.f.push(rec.forecast[h - 1]!); p.base.push(run.base[s]![h - 1]!); p.naive.push(naive[h - 1]!);
        p.lo80.push(rec.lower80[h - 1]!); p.hi80.push(rec.upper80[h - 1]!); p.lo95.push(rec.lower95[h - 1]!); p.hi95.push(rec.upper95[h - 1]!);
      }
    });
  });
  const series: Record<string, SeriesBacktest> = {};
  d.names.forEach((name, s) => {
    const p = per[s]!;
    const scale = g.open ? openScale(d.y[s]!, g.open, w.E, m) : maseScale(d.y[s]!, 0, w.E, m);
    const den = scale > 0 ? scale : 1;
    const m1 = mae(p.y, p.f);
    const m0 = mae(p.y, p.naive);
    series[name] = {
      mase: m1 / den, smape: smape(p.y, p.f), coverage80: coverage(p.y, p.lo80, p.hi80), coverage95: coverage(p.y, p.lo95, p.hi95),
      naiveMase: m0 / den, naiveSmape: smape(p.y, p.naive), mae: m1, naiveMae: m0, scale, beatsNaive: m1 < m0, n: p.y.length,
      baseMase: mae(p.y, p.base) / den,
    };
  });
  const all = Object.values(series);
  const level = (idx: number[]): LevelMetrics => {
    const xs = idx.map((s) => series[d.names[s]!]!);
    return { series: xs.length, mase: avg(xs.map((x) => x.mase)), baseMase: avg(xs.map((x) => x.baseMase)), naiveMase: avg(xs.map((x) => x.naiveMase)), coverage80: avg(xs.map((x) => x.coverage80)), coverage95: avg(xs.map((x) => x.coverage95)) };
  };
  return {
    mase: avg(all.map((s) => s.mase)), naiveMase: avg(all.map((s) => s.naiveMase)), baseMase: avg(all.map((s) => s.baseMase)),
    smape: avg(all.map((s) => s.smape)), naiveSmape: avg(all.map((s) => s.naiveSmape)),
    coverage80: avg(all.map((s) => s.coverage80)), coverage95: avg(all.map((s) => s.coverage95)),
    beatsNaive: avg(all.map((s) => s.mase)) < avg(all.map((s) => s.naiveMase)),
    seriesBeatingNaive: all.filter((s) => s.beatsNaive).length,
    origins: origins.map((k) => new Date((b.firstDay + k) * 86_400_000).toISOString().slice(0, 10)),
    horizonPoints: H, naivePeriod: m,
    levels: { total: level(groups.map((x) => x.total)), lines: level(groups.flatMap((x) => x.lines)) },
    series,
  };
}

/** Backtest of given models (the candidate's backtest models, or the serving ones) from the holdout's origins. */
export function backtest(f: { daily: Fitted; intra: Fitted }, daily: Grain, intra: Grain, groups: Group[], phi: Dispersion, iv: { daily: IntervalModel; intra: IntervalModel }) {
  const Ed = daily.w.E;
  const Td = daily.w.T;
  const origins: number[] = [];
  for (let k = Ed; k < Td; k += 7) origins.push(k);
  const runs = origins.map((k) => coherentFrom(f, daily, intra, groups, phi, k));
  const dailyRuns = runs.map((r) => ({ base: r.base.daily, rec: withBounds(r.rec.daily, iv.daily) }));
  const intraRuns = runs.map((r) => ({ base: r.base.intra, rec: withBounds(r.rec.intra, iv.intra) }));
  return {
    metrics: { daily: score(daily, origins, dailyRuns, groups), interval: score(intra, origins, intraRuns, groups) },
    paths: origins.map((k, i) => ({ originDay: k, daily: dailyRuns[i]!.rec, intra: intraRuns[i]!.rec })),
  };
}

/** The grains of a daily and an intraday bundle over the same days. */
export function grains(daily: SeriesBundle, intraday: SeriesBundle, H: number, holdout: number): { daily: Grain; intra: Grain; groups: Group[] } {
  const S = intraday.grid.S;
  if (daily.firstDay !== intraday.firstDay || daily.grid.n !== intraday.grid.n / S) {
    throw new Error("forecast: the daily and intraday series must cover the same days (daily_volume and interactions disagree; rebuild the marts)");
  }
  if (daily.names.join() !== intraday.names.join()) throw new Error(`forecast: the daily series (${daily.names.join(", ")}) differ from the intraday ones (${intraday.names.join(", ")})`);
  return {
    daily: { b: daily, d: prepareSeries(daily.grid, daily.names, daily.y), w: windowsFor(daily, H, holdout), H, m: daily.grid.C },
    intra: { b: intraday, d: prepareSeries(intraday.grid, intraday.names, intraday.y), w: windowsFor(intraday, H * S, holdout * S), H: H * S, m: S * intraday.grid.C },
    groups: hierarchyOf(daily.keys),
  };
}

/** The six fits, calibration and backtest; `onFit` reports progress (done of 6). */
export function runJoint(dailyB: SeriesBundle, intraB: SeriesBundle, H: number, holdout: number, engine: EngineOptions, onFit: (done: number) => void = () => {}): JointRun {
  const { daily, intra, groups } = grains(dailyB, intraB, H, holdout);
  const S = intraB.grid.S;
  const optsD = engine;
  const optsI = { ...engine, H: H * S };
  const V = daily.w.V;
  const E = daily.w.E;
  const T = daily.w.T;
  const calDays = dayEndOrigins(daily.b.grid, 0, E).filter((o) => o >= V); // day ordinals V … E − 1
  // Early models: dispersion from base errors, then intervals from reconciled errors.
  const early = { daily: fitEngine(daily.b.grid, daily.d, V, optsD), intra: fitEngine(intra.b.grid, intra.d, dayEnd(intra.b.grid, V), optsI) };
  onFit(2);
  const empty = () => daily.d.names.map(() => ({ y: [] as number[], f: [] as number[] }));
  const pairs = { daily: empty(), intra: empty(), intraDay: empty() };
  for (const k of calDays) {
    const base = basePaths(early, daily, intra, k);
    const sums = base.intra.map((p) => daySums(p, S));
    for (const [grain, paths, acc] of [[daily, base.daily, pairs.daily], [intra, base.intra, pairs.intra], [daily, sums, pairs.intraDay]] as const) {
      const o = dayEnd(grain.b.grid, k);
      const last = dayEnd(grain.b.grid, E);
      paths.forEach((p, s) => { for (let h = 1; h <= p.length && o + h <= last; h++) { acc[s]!.y.push(grain.d.y[s]![o + h]!); acc[s]!.f.push(p[h - 1]!); } });
    }
  }
  const phi: Dispersion = { daily: dispersions(pairs.daily), intra: dispersions(pairs.intra), intraDay: dispersions(pairs.intraDay) };
  const holdoutIntervals = reconciledIntervals(early, daily, intra, groups, phi, calDays, E);
  early.daily.model.dispose();
  early.intra.model.dispose();
  // Backtest models.
  const mid = { daily: fitEngine(daily.b.grid, daily.d, E, optsD), intra: fitEngine(intra.b.grid, intra.d, dayEnd(intra.b.grid, E), optsI) };
  onFit(4);
  const bt = backtest(mid, daily, intra, groups, phi, holdoutIntervals);
  const finalDays = dayEndOrigins(daily.b.grid, 0, T).filter((o) => o >= E);
  const finalIntervals = reconciledIntervals(mid, daily, intra, groups, phi, finalDays, T);
  mid.daily.model.dispose();
  mid.intra.model.dispose();
  const final = { daily: fitEngine(daily.b.grid, daily.d, T, optsD), intra: fitEngine(intra.b.grid, intra.d, dayEnd(intra.b.grid, T), optsI) };
  onFit(6);
  return { daily, intra, groups, phi, metrics: bt.metrics, holdoutIntervals, finalIntervals, final, backtestPaths: bt.paths };
}

/** The coherent forecast from the last observed day with the given models and intervals. */
export function serveCoherent(f: { daily: Fitted; intra: Fitted }, run: Pick<JointRun, "daily" | "intra" | "groups" | "phi">, iv: { daily: IntervalModel; intra: IntervalModel }): CoherentPaths {
  const k = run.daily.w.T;
  const { rec } = coherentFrom(f, run.daily, run.intra, run.groups, run.phi, k);
  return { originDay: k, daily: withBounds(rec.daily, iv.daily), intra: withBounds(rec.intra, iv.intra) };
}
