/**
 * Our models beside the reference peers (../shared/peers, run as they are) on identical data and
 * splits, in one run:
 *   churn    — telco-churn-ibm, the peer's stratified seed-42 split (its --test-ids-out) reused by
 *              trainChurnFile; the Orange/BigML split (80% file → 20% file); the demo's own churn
 *              (time-based windows; the peers get the same feature table); aim: served ROC AUC ≥
 *              the best peer's and Brier ≤ the best peer's (BENCH_CHURN_DEMO=0 skips the demo);
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
import { trainChurnFile } from "../../models/churn/generic.ts";
import { trainChurn } from "../../models/churn/index.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, openDb } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { forecastFile } from "../../models/forecast/generic.ts";
import { requiredAgentsC } from "../../models/staffing/erlangC.ts";

const SHARED = join(import.meta.dirname, "..", "..", "..", "shared");
const PEERS = join(SHARED, "peers");
const TELCO = join(SHARED, "datasets", "telco-churn-ibm", "Telco-Customer-Churn.csv");
const BANK = join(SHARED, "datasets", "bank-calls-5min-2003", "bank_calls.csv");
const ORANGE = join(SHARED, "datasets", "orange-telecom-churn");
const PY = "/usr/bin/python3";

const r4 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? NaN : Math.round(v * 10_000) / 10_000);
const skip = (part: string, why: string): BenchFigure[] => [{ name: `${part}: skipped`, value: 0, unit: "", note: why }];
const can = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" }).status === 0;

type PeerDoc = { data: { n_test: number }; models: Record<string, { metrics: Record<string, number>; fit_seconds: number }> };
const cpuSeconds = (since: NodeJS.CpuUsage) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1e6; };

/**
 * One churn data set: the peers (logistic regression, HistGradientBoosting, XGBoost) and
 * Commsight's served model on the same split; figures per model, and the aim: served ROC AUC ≥ the
 * best peer's and Brier ≤ the best peer's.
 */
async function churnSet(label: string, input: string, target: string, positive: string, id: string, ids: string, peerArgs: string[]): Promise<BenchFigure[]> {
  const peer = JSON.parse(execFileSync(PY, [join(PEERS, "churn_peer.py"), input, "--target", target, "--positive", positive, "--id", id, ...peerArgs], { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] })) as PeerDoc;
  const cpu0 = process.cpuUsage();
  const ours = await trainChurnFile({ input, target, positive, id, testIds: ids });
  const cpu = cpuSeconds(cpu0);
  const out: BenchFigure[] = [];
  const fmt = (m: Record<string, number | null>) => `PR AUC ${r4(m.pr_auc)}, Brier ${r4(m.brier)}, log loss ${r4(m.log_loss)}`;
  for (const [name, m] of Object.entries(ours.models)) {
    out.push({ name: `churn ${label}: ROC AUC commsight ${name}${name === ours.selected ? " (served)" : ""}`, value: r4(m.test.roc_auc), unit: "", note: `${fmt(m.test)}; validation ROC AUC ${r4(m.validation.roc_auc)}; fit ${m.fit_seconds.toFixed(1)} s wall (CV + refit)` });
  }
  for (const [name, p] of Object.entries(peer.models)) {
    out.push({ name: `churn ${label}: ROC AUC peer ${name}`, value: r4(p.metrics.roc_auc), unit: "", note: `${fmt(p.metrics)}; fit ${p.fit_seconds} s` });
  }
  const served = ours.served.metrics;
  const bestAuc = Math.max(...Object.values(peer.models).map((p) => p.metrics.roc_auc!));
  const bestBrier = Math.min(...Object.values(peer.models).map((p) => p.metrics.brier!));
  out.push({ name: `churn ${label}: aim served ROC AUC ≥ best peer`, value: served.roc_auc! >= bestAuc ? 1 : 0, unit: "met", note: `${r4(served.roc_auc)} (${ours.selected}) vs ${r4(bestAuc)}` });
  out.push({ name: `churn ${label}: aim served Brier ≤ best peer`, value: served.brier <= bestBrier ? 1 : 0, unit: "met", note: `${r4(served.brier)} vs ${r4(bestBrier)}` });
  out.push({ name: `churn ${label}: commsight CPU (all candidates, 5-fold CV + refits)`, value: Math.round(cpu * 10) / 10, unit: "CPU-s", note: `total ${ours.total_seconds.toFixed(1)} s wall; ${ours.data.n_test} test rows (peer ${peer.data.n_test})` });
  return out;
}

/** The Orange/BigML split as one file the way the peers' README describes it: rows numbered (80% file first), labels True/False. */
function orangeFile(dir: string): { file: string; ids: string } {
  const parts = ["churn-bigml-80.csv", "churn-bigml-20.csv"].map((f) => readFileSync(join(ORANGE, f), "utf8").trim().split(/\r?\n/));
  const lines = [`row_id,${parts[0]![0]}`];
  const test: number[] = [];
  let id = 0;
  parts.forEach((p, k) => p.slice(1).forEach((l) => {
    id++;
    if (k === 1) test.push(id);
    lines.push(`${id},${l.replace(/,(TRUE|True|true)$/, ",True").replace(/,(FALSE|False|false)$/, ",False")}`);
  }));
  const file = join(dir, "orange.csv");
  const ids = join(dir, "orange_test_ids.csv");
  writeFileSync(file, lines.join("\n") + "\n");
  writeFileSync(ids, "row_id\n" + test.join("\n") + "\n");
  return { file, ids };
}

/**
 * The demo's own churn (small, seed 42): the pipeline's model with its time-honest windows, and the
 * peers given the same feature table — trained on every labelled snapshot up to the end of the
 * validation window (more than Commsight's training window), tested on the same test snapshots.
 */
async function demoChurn(dir: string): Promise<BenchFigure[]> {
  const data = join(dir, "demo");
  const cli = (...args: string[]) => execFileSync("node", [join(import.meta.dirname, "..", "..", "pipelines", "bin", "commsight.mjs"), "--data", data, ...args], { stdio: "ignore" });
  try {
    cli("generate", "--scale", "small", "--seed", "42");
    cli("extract");
    cli("transform", "--select", "+contact_features");
  } catch (err) {
    return skip("churn demo", `building the demo's contact_features failed: ${String(err).slice(0, 160)}`);
  }
  const config = parseConfig({ paths: { data } });
  const cpu0 = process.cpuUsage();
  const r = await trainChurn(config);
  const cpu = cpuSeconds(cpu0);
  const m = r.metrics;
  const out: BenchFigure[] = [
    { name: `churn demo: ROC AUC commsight served (${r.selected})`, value: r4(m.rocAuc), unit: "", note: `PR AUC ${r4(m.prAuc)}, Brier ${r4(m.brier)}, lift top decile ${r4(m.liftTopDecile)}; test ${m.testSnapshots.join("…")}, ${m.nTest} contact-weeks` },
    { name: "churn demo: commsight train CPU (evaluation + final + churn_risk)", value: Math.round(cpu * 10) / 10, unit: "CPU-s", note: `${m.nTrain} training rows` },
  ];
  const doc = JSON.parse(readFileSync(join(lakePaths(config).models, "churn", r.version, "metrics.json"), "utf8")) as { selection: { candidates: { name: string; validation: Record<string, number>; test: Record<string, number> }[] } };
  for (const c of doc.selection.candidates) out.push({ name: `churn demo: ROC AUC commsight ${c.name}`, value: r4(c.test.roc_auc), unit: "", note: `PR AUC ${r4(c.test.pr_auc)}, Brier ${r4(c.test.brier)}; validation ROC AUC ${r4(c.validation.roc_auc)}` });
  const csv = join(dir, "demo_features.csv");
  const ids = join(dir, "demo_test_ids.csv");
  const db = await openDb();
  try {
    const scan = martScan(lakePaths(config), "contact_features");
    const [c0, c1] = m.calibrationSnapshots;
    const [t0, t1] = m.testSnapshots;
    await exec(db, `COPY (SELECT row_number() OVER (ORDER BY as_of, contact_id) AS row_id, * EXCLUDE (contact_id, as_of), CASE WHEN label THEN 'yes' ELSE 'no' END AS churned
      FROM (SELECT * EXCLUDE (label), label FROM ${scan}) WHERE label IS NOT NULL AND (as_of <= DATE '${c1}' OR as_of BETWEEN DATE '${t0}' AND DATE '${t1}')) TO '${csv}' (HEADER)`);
    await exec(db, `COPY (SELECT row_id FROM read_csv('${csv}') r JOIN (SELECT row_number() OVER (ORDER BY as_of, contact_id) AS row_id, as_of FROM ${scan}
      WHERE label IS NOT NULL AND (as_of <= DATE '${c1}' OR as_of BETWEEN DATE '${t0}' AND DATE '${t1}')) USING (row_id) WHERE as_of >= DATE '${t0}') TO '${ids}' (HEADER)`);
    void c0;
  } finally {
    db.close();
  }
  const peer = JSON.parse(execFileSync(PY, [join(PEERS, "churn_peer.py"), csv, "--target", "churned", "--positive", "yes", "--id", "row_id", "--drop", "label", "--test-ids-in", ids], { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] })) as PeerDoc;
  for (const [name, p] of Object.entries(peer.models)) out.push({ name: `churn demo: ROC AUC peer ${name}`, value: r4(p.metrics.roc_auc), unit: "", note: `PR AUC ${r4(p.metrics.pr_auc)}, Brier ${r4(p.metrics.brier)}; fit ${p.fit_seconds} s; ${peer.data.n_test} test rows` });
  out.push({ name: "churn demo: aim ROC AUC ≥ 0.90 and lift top decile ≥ 7", value: (m.rocAuc ?? 0) >= 0.9 && (m.liftTopDecile ?? 0) >= 7 ? 1 : 0, unit: "met", note: `${r4(m.rocAuc)}, lift ${r4(m.liftTopDecile)}` });
  return out;
}

async function churn(dir: string): Promise<BenchFigure[]> {
  if (!existsSync(TELCO)) return skip("churn", `${TELCO} is absent`);
  if (!can(PY, ["-c", "import sklearn, pandas, xgboost"])) return skip("churn", "Debian's python3-sklearn or python3-xgboost is not installed (run ../shared/peers/install.sh as root)");
  const telcoIds = join(dir, "telco_test_ids.csv");
  const out = await churnSet("telco", TELCO, "Churn", "Yes", "customerID", telcoIds, ["--seed", "42", "--test-ids-out", telcoIds]);
  const orange = orangeFile(dir);
  out.push(...(await churnSet("orange", orange.file, "Churn", "True", "row_id", orange.ids, ["--test-ids-in", orange.ids])));
  if (process.env.BENCH_CHURN_DEMO !== "0") out.push(...(await demoChurn(dir)));
  return out;
}

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
  title: "Models beside the reference peers (churn: telco-churn-ibm; forecast: bank-calls-5min-2003; staffing: Erlang C)",
  async run() {
    if (!existsSync(SHARED)) return skip("models", `${SHARED} is absent: no data sets or peers to compare with`);
    const dir = mkdtempSync(join(tmpdir(), "bench-models-"));
    // BENCH_MODELS=churn (or staffing,forecast, …) runs only those parts.
    const parts = new Set((process.env.BENCH_MODELS ?? "staffing,churn,forecast").split(","));
    return [...(parts.has("staffing") ? staffing() : []), ...(parts.has("churn") ? await churn(dir) : []), ...(parts.has("forecast") ? await forecast(dir) : [])];
  },
};
export default bench;
