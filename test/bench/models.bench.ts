/**
 * Our forecast and staffing models beside the reference peers (../shared/peers, run as they are) on
 * identical data and splits, in one run (churn is churn.bench.ts, which `bench models` runs too):
 *   forecast — bank-calls-5min-2003, last 845 points (a week) held out, season 169, periods 169,845;
 *              aim: MASE ≤ the best R method's, 80%/95% coverage within 5 points of nominal;
 *   staffing — the worked example, and erlang_c.py on every half-hour of a day of bank calls.
 * Each part says why it is skipped when ../shared, R or Debian's Python packages are missing
 * (../shared/peers/install.sh installs them). Times are wall seconds of this run (ratios matter).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bench, BenchFigure } from "./index.ts";
import { forecastFile } from "../../models/forecast/generic.ts";
import { requiredAgentsC } from "../../models/staffing/erlangC.ts";

const SHARED = join(import.meta.dirname, "..", "..", "..", "shared");
const PEERS = join(SHARED, "peers");
const BANK = join(SHARED, "datasets", "bank-calls-5min-2003", "bank_calls.csv");
const PY = "/usr/bin/python3";

const r4 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? NaN : Math.round(v * 10_000) / 10_000);
const skip = (part: string, why: string): BenchFigure[] => [{ name: `${part}: skipped`, value: 0, unit: "", note: why }];
const can = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" }).status === 0;


type PeerMethod = { status: string; reason?: string; metrics?: Record<string, number>; fit_seconds?: number };

async function forecast(dir: string): Promise<BenchFigure[]> {
  if (!existsSync(BANK)) return skip("forecast", `${BANK} is absent`);
  const csv = join(dir, "bank_ts_y.csv");
  const lines = readFileSync(BANK, "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
  writeFileSync(csv, "ts,y\n" + lines.map((c) => `${c[1]},${c[2]}`).join("\n") + "\n");
  const args = ["--season-length", "169", "--seasonal-periods", "169,845", "--horizon", "845", "--no-forecasts"];
  const out: BenchFigure[] = [];
  const row = (name: string, m: Record<string, number | null>, fit: number | undefined, extra = "") => out.push({
    name: `forecast bank: MASE ${name}`, value: r4(m.mase), unit: "",
    note: `sMAPE ${r4(m.smape)}, coverage 80% ${r4(m.coverage80)}, 95% ${r4(m.coverage95)}, fit ${fit === undefined ? "?" : fit.toFixed(1)} s${extra}`,
  });
  const ours = await Promise.all(["calendar", "index"].map((layout) => forecastFile({
    input: csv, timeCol: "ts", valueCol: "y", seasonLength: 169, seasonalPeriods: [169, 845], horizon: 845, holdout: 845, layout: layout as "calendar" | "index",
  })));
  row("commsight (calendar layout: weekday by date)", ours[0]!.methods.commsight!.metrics, ours[0]!.methods.commsight!.fit_seconds);
  row("commsight (index layout: periods 169, 845 as the peers)", ours[1]!.methods.commsight!.metrics, ours[1]!.methods.commsight!.fit_seconds);
  let bestR = Infinity;
  const peers: [string, string, string[]][] = [
    ["R", "Rscript", [join(PEERS, "forecast_peer.R"), csv, ...args, "--timeout", "900"]],
    ["statsmodels", PY, [join(PEERS, "forecast_peer.py"), csv, ...args, "--timeout", "600"]],
  ];
  for (const [tool, cmd, a] of peers) {
    const ok = tool === "R" ? can("Rscript", ["-e", "library(forecast)"]) : can(PY, ["-c", "import statsmodels"]);
    if (!ok) { out.push(...skip(`forecast ${tool} peer`, `${tool} and its forecasting package are not installed (run ../shared/peers/install.sh as root)`)); continue; }
    const doc = JSON.parse(execFileSync(cmd, a, { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "ignore"] }));
    for (const [name, m] of Object.entries(doc.methods as Record<string, PeerMethod>)) {
      if (m.status !== "ok" || !m.metrics) { out.push({ name: `forecast bank: MASE peer ${tool} ${name}`, value: NaN, unit: "", note: `skipped by the peer: ${(m.reason ?? m.status).slice(0, 90)}` }); continue; }
      row(`peer ${tool} ${name}`, m.metrics, m.fit_seconds);
      if (tool === "R" && name !== "snaive") bestR = Math.min(bestR, m.metrics.mase!);
    }
  }
  const m = ours[0]!.methods.commsight!.metrics;
  if (Number.isFinite(bestR)) out.push({ name: "forecast bank: aim MASE ≤ best R method", value: m.mase <= bestR ? 1 : 0, unit: "met", note: `${r4(m.mase)} vs ${r4(bestR)}` });
  out.push({ name: "forecast bank: aim coverage within 5 points", value: Math.abs(m.coverage80! - 0.8) <= 0.05 && Math.abs(m.coverage95! - 0.95) <= 0.05 ? 1 : 0, unit: "met", note: `80%: ${r4(m.coverage80)}, 95%: ${r4(m.coverage95)}` });
  return out;
}

function staffing(): BenchFigure[] {
  const ex = requiredAgentsC(100, 180, 1800, { serviceLevel: 0.8, seconds: 20, maxOccupancy: 0.85, shrinkage: 0.3 });
  const out: BenchFigure[] = [
    { name: "staffing worked example: agents (Erlang C)", value: ex.agents, unit: "", note: `scheduled ${ex.scheduled}, service level ${r4(ex.serviceLevel)}, ASA ${ex.asaSeconds.toFixed(2)} s, occupancy ${r4(ex.occupancy)} (expected 14, 20, 0.888)` },
  ];
  const peer = join(PEERS, "erlang_c.py");
  if (!existsSync(peer) || !existsSync(BANK)) return [...out, ...skip("staffing peer", `${existsSync(peer) ? BANK : peer} is absent`)];
  // A day of bank calls (the last one), summed into half-hours, handle time 180–300 s across the day.
  const rows = readFileSync(BANK, "utf8").trim().split("\n").slice(-169).map((l) => Number(l.split(",")[2]));
  const halfHours = Array.from({ length: Math.ceil(rows.length / 6) }, (_, k) => rows.slice(6 * k, 6 * k + 6).reduce((s, v) => s + v, 0));
  let agree = 0;
  let maxSl = 0;
  halfHours.forEach((calls, k) => {
    const aht = 180 + 120 * Math.sin((Math.PI * k) / halfHours.length);
    const p = JSON.parse(execFileSync("python3", [peer, "--calls", String(calls), "--aht", aht.toFixed(3), "--max-occupancy", "0.85", "--shrinkage", "0.30"], { encoding: "utf8" })).result;
    const o = requiredAgentsC(calls, Number(aht.toFixed(3)), 1800, { serviceLevel: 0.8, seconds: 20, maxOccupancy: 0.85, shrinkage: 0.3 });
    maxSl = Math.max(maxSl, Math.abs(o.serviceLevel - p.service_level));
    if (o.agents === p.agents && o.scheduled === p.scheduled_agents_with_shrinkage && Math.abs(o.serviceLevel - p.service_level) < 1e-9) agree++;
  });
  out.push({ name: "staffing: intervals of a day agreeing with erlang_c.py", value: agree, unit: `of ${halfHours.length}`, note: `agents, scheduled and service level; max |ΔSL| ${maxSl.toExponential(1)}` });
  return out;
}

const bench: Bench = {
  title: "Forecast and staffing beside the reference peers (forecast: bank-calls-5min-2003; staffing: Erlang C)",
  async run() {
    if (!existsSync(SHARED)) return skip("models", `${SHARED} is absent: no data sets or peers to compare with`);
    const dir = mkdtempSync(join(tmpdir(), "bench-models-"));
    // BENCH_MODELS=staffing or forecast runs only that part.
    const parts = new Set((process.env.BENCH_MODELS ?? "staffing,forecast").split(","));
    return [...(parts.has("staffing") ? staffing() : []), ...(parts.has("forecast") ? await forecast(dir) : [])];
  },
};
export default bench;
