/**
 * The planner's numbers on the demo business (small, seed 42; run with `npm run bench models`):
 *   reconciliation — backtest MASE of the base models and of the coherent forecast, per grain and
 *     level ('All' per channel, the lines), with 80%/95% coverage;
 *   shifts — per queue, the integer plan's paid hours over the horizon against the LP lower bound;
 *   Erlang A — the busiest day of the pooled call queue, each open half-hour simulated as an
 *     M/M/N+M queue (FCFS, exponential patience; written here) with the plan's agents, beside the
 *     formula's service level and abandonment;
 *   Erlang C peer — erlang_c.py (one Python process) on every open half-hour of every queue of the plan: calls
 *     (agents, scheduled, service level, ASA) and messages (servers for the first-response target with the
 *     concurrency factor, then agents).
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
import { simulateQueue } from "../helpers/queueSim.ts";
import { erlangA } from "../../models/staffing/erlangA.ts";

const PEER = join(import.meta.dirname, "..", "..", "..", "shared", "peers", "erlang_c.py");
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

type PlanRow = { line: string; channel: string; offered: number; aht: number; agents: number; scheduled: number; sl: number; asa: number | null; work: number };

/** erlang_c.py's required_agents on every open interval of every queue of the staffing mart, in one Python process. */
async function peerEveryInterval(config: ReturnType<typeof parseConfig>): Promise<BenchFigure[]> {
  const db = await openDb();
  const plan = await rows<PlanRow>(db, `SELECT line, channel, offered, aht_seconds AS aht, agents_needed AS agents, scheduled, service_level AS sl,
      asa_seconds AS asa, workload_erlangs AS work FROM ${martScan(lakePaths(config), "staffing")} ORDER BY channel, line, interval_start`).finally(() => db.close());
  const cfg = config.models.staffing;
  const m = cfg.messages;
  // Calls: the interval as it is. Messages: c servers per agent, each holding a message c × h seconds, on the first-response target.
  const asks = plan.map((r) => r.channel === "call"
    ? { calls: r.offered, aht: r.aht, sl: cfg.targetServiceLevel, t: cfg.targetSeconds, occ: cfg.maxOccupancy }
    : { calls: r.offered, aht: m.concurrency * m.handleSeconds, sl: m.responseShare, t: m.responseSeconds, occ: null });
  const script = `import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("erlang_c", sys.argv[1]); e = importlib.util.module_from_spec(spec); spec.loader.exec_module(e)
out = []
for q in json.load(sys.stdin):
    r = e.required_agents(q["calls"], q["aht"], 1800.0, q["sl"], q["t"], q["occ"], ${cfg.shrinkage})
    out.append([r["agents"], r.get("scheduled_agents_with_shrinkage"), r["service_level"], r["asa_seconds"]])
print(json.dumps(out))`;
  const peer = JSON.parse(execFileSync("python3", ["-c", script, PEER], { input: JSON.stringify(asks), encoding: "utf8", maxBuffer: 1 << 26 })) as Array<[number, number, number, number]>;
  const tally = new Map<string, { n: number; agree: number; maxSl: number; maxAsa: number }>();
  plan.forEach((r, i) => {
    const [n, sched, sl, asa] = peer[i]!;
    const key = `${r.channel} ${r.line}`;
    const t = tally.get(key) ?? { n: 0, agree: 0, maxSl: 0, maxAsa: 0 };
    t.n++;
    let ok: boolean;
    if (r.channel === "call") {
      const agents = Math.max(n, cfg.minAgents);
      const slP = agents === n ? sl : NaN;
      ok = agents === r.agents && Math.ceil(agents / (1 - cfg.shrinkage) - 1e-9) === r.scheduled && (agents !== n || Math.abs(slP - r.sl) < 1e-9);
      if (agents === n) { t.maxSl = Math.max(t.maxSl, Math.abs(sl - r.sl)); if (r.asa !== null) t.maxAsa = Math.max(t.maxAsa, Math.abs(asa - r.asa)); }
      void sched;
    } else {
      const agents = r.offered > 0 ? Math.max(Math.ceil(n / m.concurrency - 1e-12), Math.ceil(r.work / cfg.maxOccupancy - 1e-12), m.minAgents) : m.minAgents;
      ok = agents === r.agents;
    }
    if (ok) t.agree++;
    tally.set(key, t);
  });
  return [...tally].map(([key, t]) => ({
    name: `Erlang C vs erlang_c.py, ${key}`, value: t.agree, unit: `of ${t.n}`,
    note: key.startsWith("call") ? `open intervals agreeing on agents (minimum ${cfg.minAgents}), scheduled and service level; max |ΔSL| ${t.maxSl.toExponential(1)}, max |ΔASA| ${t.maxAsa.toExponential(1)} s` : "open intervals agreeing on agents (peer's servers ÷ concurrency, occupancy cap)",
  }));
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
      const sim = simulateQueue(iv.a, iv.forecast, 1800, iv.aht, iv.patience, cfg.targetSeconds, 200_000, 100 + k);
      maxSl = Math.max(maxSl, Math.abs(f.serviceLevel - sim.serviceLevel));
      maxAb = Math.max(maxAb, Math.abs(f.probAbandon - sim.probAbandon));
      n++;
    }
    out.push({ name: "Erlang A vs simulation, busiest day (pooled calls)", value: n, unit: "intervals", note: `${day[0]?.interval_start.slice(0, 10)}: max |ΔSL| ${r4(maxSl)}, max |Δabandon| ${r4(maxAb)} (200k simulated callers per interval)` });
    if (existsSync(PEER)) out.push(...(await peerEveryInterval(config)));
    else out.push({ name: "Erlang C vs erlang_c.py: skipped", value: 0, unit: "", note: `${PEER} is absent` });
    return out;
  },
};
export default bench;
