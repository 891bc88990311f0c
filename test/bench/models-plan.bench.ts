/**
 * The planner's numbers on the demo business (small, seed 42; run with `npm run bench models`):
 *   reconciliation — backtest MASE of the base models and of the coherent forecast, per grain and
 *     level ('All' per channel, the lines), with 80%/95% coverage;
 *   shifts — per queue, the integer plan's paid hours over the horizon against the LP lower bound;
 *   Erlang A — the busiest day of the pooled call queue, each open half-hour simulated as an
 *     M/M/N+M queue (FCFS, exponential patience; written here) with the plan's agents, beside the
 *     formula's service level and abandonment;
 *   Erlang C peer — erlang_c.py on every open half-hour of that day (agents, service level).
 * CPU seconds of the forecast stage are measured with process.cpuUsage().
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bench, BenchFigure } from "./index.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { trainForecast } from "../../models/forecast/index.ts";
import { mulberry32 } from "../../models/shared/rng.ts";
import { erlangA } from "../../models/staffing/erlangA.ts";

const PEER = join(import.meta.dirname, "..", "..", "..", "shared", "peers", "erlang_c.py");
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** FCFS M/M/n+M: callers wait for the earliest free agent unless their patience runs out first. */
function simulate(n: number, calls: number, interval: number, aht: number, patience: number, target: number, count: number, seed: number) {
  const rng = mulberry32(seed);
  const exp = (mean: number) => -Math.log(1 - rng()) * mean;
  const free = new Array<number>(n).fill(0);
  let t = 0;
  let inTime = 0;
  let abandoned = 0;
  for (let i = 0; i < count; i++) {
    t += exp(interval / calls);
    let k = 0;
    for (let j = 1; j < n; j++) if (free[j]! < free[k]!) k = j;
    const wait = Math.max(0, free[k]! - t);
    if (wait > exp(patience)) { abandoned++; continue; }
    if (wait <= target) inTime++;
    free[k] = t + wait + exp(aht);
  }
  return { serviceLevel: inTime / count, abandon: abandoned / count };
}

const bench: Bench = {
  title: "The staffing plan on the demo: reconciliation, shifts against the LP bound, Erlang A against a simulation, Erlang C against the peer",
  async run() {
    const data = mkdtempSync(join(tmpdir(), "bench-plan-"));
    const cli = (...args: string[]) => execFileSync("node", [join(import.meta.dirname, "..", "..", "pipelines", "bin", "commsight.mjs"), "--data", data, ...args], { stdio: "ignore" });
    cli("generate", "--scale", "small", "--seed", "42");
    cli("extract");
    cli("transform", "--select", "+daily_volume,+calls,+interactions");
    const config = parseConfig({ paths: { data } });
    const cpu0 = process.cpuUsage();
    const r = await trainForecast(config);
    const cpu = process.cpuUsage(cpu0);
    const out: BenchFigure[] = [{ name: "forecast stage CPU (train, reconcile, staff, shifts)", value: r4((cpu.user + cpu.system) / 1e6), unit: "CPU s" }];
    for (const [grain, m] of [["daily", r.metrics.daily], ["intraday", r.metrics.interval]] as const) {
      for (const [level, l] of [["All", m.levels.total], ["lines", m.levels.lines]] as const) {
        out.push({ name: `reconciliation ${grain} ${level}: MASE coherent`, value: r4(l.mase), unit: "", note: `base ${r4(l.baseMase)}, seasonal naive ${r4(l.naiveMase)}, coverage 80% ${r4(l.coverage80)}, 95% ${r4(l.coverage95)}` });
      }
      out.push({ name: `reconciliation ${grain}: MASE coherent (all series)`, value: r4(m.mase), unit: "", note: `base ${r4(m.baseMase)}; coverage 80% ${r4(m.coverage80)}, 95% ${r4(m.coverage95)}` });
    }
    for (const q of r.staffing.queues) {
      out.push({ name: `shifts ${q.channel} ${q.line}: paid hours`, value: r4(q.paidHours), unit: "h", note: `LP bound ${r4(q.lpBoundHours)} (gap ${r4(q.paidHours - q.lpBoundHours)} h, ${r4((100 * (q.paidHours - q.lpBoundHours)) / Math.max(1e-9, q.lpBoundHours))}%); scheduled agent-hours ${r4(q.requiredHours)}, rostered ${r4(q.rosteredHours)}; uncovered intervals ${q.uncoveredIntervals} of ${q.openIntervals}` });
    }
    // The busiest day of the pooled call queue.
    const db = await openDb();
    const marts = lakePaths(config);
    const day = await rows<{ interval_start: string; forecast: number; aht: number; patience: number | null; agents: number; a: number | null; sl: number; ab: number | null }>(db, `
      WITH s AS (SELECT * FROM ${martScan(marts, "staffing")} WHERE channel = 'call' AND line = 'All'),
           busiest AS (SELECT CAST(interval_start AS DATE) AS d FROM s GROUP BY 1 ORDER BY sum(forecast) DESC LIMIT 1)
      SELECT strftime(interval_start, '%Y-%m-%d %H:%M') AS interval_start, forecast, aht_seconds AS aht, patience_seconds AS patience,
             agents_needed AS agents, agents_erlang_a AS a, service_level AS sl, abandon_rate AS ab
      FROM s WHERE CAST(interval_start AS DATE) = (SELECT d FROM busiest) ORDER BY interval_start`).finally(() => db.close());
    const cfg = config.models.staffing;
    let maxSl = 0;
    let maxAb = 0;
    let n = 0;
    for (const [k, iv] of day.entries()) {
      if (iv.patience === null || iv.a === null || iv.forecast < 1) continue;
      const f = erlangA(iv.a, iv.forecast, 1800, iv.aht, iv.patience, cfg.targetSeconds);
      const sim = simulate(iv.a, iv.forecast, 1800, iv.aht, iv.patience, cfg.targetSeconds, 200_000, 100 + k);
      maxSl = Math.max(maxSl, Math.abs(f.serviceLevel - sim.serviceLevel));
      maxAb = Math.max(maxAb, Math.abs(f.probAbandon - sim.abandon));
      n++;
    }
    out.push({ name: "Erlang A vs simulation, busiest day (pooled calls)", value: n, unit: "intervals", note: `${day[0]?.interval_start.slice(0, 10)}: max |ΔSL| ${r4(maxSl)}, max |Δabandon| ${r4(maxAb)} (200k simulated callers per interval)` });
    if (existsSync(PEER)) {
      let agree = 0;
      for (const iv of day) {
        const p = JSON.parse(execFileSync("python3", [PEER, "--calls", String(iv.forecast), "--aht", String(iv.aht), "--max-occupancy", String(cfg.maxOccupancy), "--shrinkage", String(cfg.shrinkage)], { encoding: "utf8" })).result;
        if (Math.max(p.agents, cfg.minAgents) === iv.agents) agree++;
      }
      out.push({ name: "Erlang C vs erlang_c.py, busiest day (pooled calls)", value: agree, unit: `of ${day.length}`, note: "agents per open half-hour (the plan's minimum of 1 applied to both)" });
    } else {
      out.push({ name: "Erlang C vs erlang_c.py: skipped", value: 0, unit: "", note: `${PEER} is absent` });
    }
    return out;
  },
};
export default bench;
