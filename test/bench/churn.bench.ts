/**
 * The churn model beside the reference peers (../shared/peers/churn_peer.py: scikit-learn's
 * logistic regression and HistGradientBoosting, XGBoost), on identical data and splits, in one run
 * (`npm run bench models` or `npm run bench churn`):
 *   telco  — telco-churn-ibm, the peer's stratified seed-42 split (its --test-ids-out) reused by
 *            trainChurnFile;
 *   orange — the Orange/BigML split (train on the 80% file, test on the 20% file);
 *   demo   — the demo's own churn (small, seed 42): the pipeline's model with its time-honest
 *            windows, the peers given the same feature table (trained on every labelled snapshot
 *            up to the end of the validation window, tested on the same test snapshots).
 * Aims (issue 14): served ROC AUC ≥ the best peer's and Brier ≤ the best peer's on telco and orange;
 * on the demo ROC AUC ≥ 0.90 and lift in the top decile ≥ 7. Commsight's cost is CPU-seconds of
 * this process (the machines are shared: wall time means little); the peers' fit seconds are theirs.
 * The README's churn table is written to data/bench/churn.md from this run.
 * The peers' answers are kept (data/bench/churn-peers/) and reused for the same inputs;
 * BENCH_CHURN_PEERS=rerun runs them again. BENCH_CHURN_DEMO=0 skips the demo; BENCH_CHURN_DEMO_DIR=<data folder> reuses a folder whose
 * contact_features mart is built (otherwise a small demo is generated in a temporary folder).
 * Each part says why it is skipped when ../shared or Debian's Python packages are missing
 * (../shared/peers/install.sh installs them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bench, BenchFigure } from "./index.ts";
import { trainChurnFile } from "../../models/churn/generic.ts";
import { trainChurn } from "../../models/churn/index.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, openDb } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { ORANGE, orangeFile } from "../helpers/orange.ts";

const SHARED = join(import.meta.dirname, "..", "..", "..", "shared");
const PEERS = join(SHARED, "peers");
const TELCO = join(SHARED, "datasets", "telco-churn-ibm", "Telco-Customer-Churn.csv");
const PY = "/usr/bin/python3";

const r4 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? NaN : Math.round(v * 10_000) / 10_000);
const skip = (part: string, why: string): BenchFigure[] => [{ name: `${part}: skipped`, value: 0, unit: "", note: why }];
const can = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" }).status === 0;
const cpuSeconds = (since: NodeJS.CpuUsage) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1e6; };

type PeerDoc = { data: { n_test: number }; models: Record<string, { metrics: Record<string, number>; fit_seconds: number }> };
type Metrics = { roc_auc: number | null; pr_auc: number | null; brier: number | null; lift?: number | null };
/** One row of the README table. */
type Row = { set: string; model: string; metrics: Metrics; seconds: string };

const peerNames: Record<string, string> = { logistic_regression: "scikit-learn logistic regression", hist_gradient_boosting: "scikit-learn HistGradientBoosting", xgboost: "XGBoost (Debian python3-xgboost)" };

/**
 * The peers' figures for these arguments. A run is kept in data/bench/churn-peers/, keyed by the
 * peer script's text, the arguments and the content of every input file they name (temporary paths
 * do not matter), with the test ids it wrote; the same question is answered from there unless
 * BENCH_CHURN_PEERS=rerun (the peers take minutes; XGBoost on the demo's table twenty).
 */
function peers(args: string[]): PeerDoc {
  const script = join(PEERS, "churn_peer.py");
  const outAt = args.indexOf("--test-ids-out");
  const h = createHash("sha256").update(readFileSync(script));
  args.forEach((a, k) => { h.update("\0"); h.update(k === outAt + 1 && outAt >= 0 ? "<out>" : existsSync(a) ? readFileSync(a) : a); });
  const cache = join(process.cwd(), "data", "bench", "churn-peers", `${h.digest("hex").slice(0, 24)}.json`);
  if (process.env.BENCH_CHURN_PEERS !== "rerun" && existsSync(cache)) {
    const kept = JSON.parse(readFileSync(cache, "utf8")) as { doc: PeerDoc; testIds: string | null };
    if (outAt >= 0 && kept.testIds !== null) writeFileSync(args[outAt + 1]!, kept.testIds);
    return kept.doc;
  }
  const doc = JSON.parse(execFileSync(PY, [script, ...args], { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] })) as PeerDoc;
  mkdirSync(join(process.cwd(), "data", "bench", "churn-peers"), { recursive: true });
  writeFileSync(cache, JSON.stringify({ args, doc, testIds: outAt >= 0 ? readFileSync(args[outAt + 1]!, "utf8") : null }));
  return doc;
}

/** One file data set: the peers and Commsight's served model on the same split. */
async function churnSet(label: string, input: string, target: string, positive: string, id: string, ids: string, peerArgs: string[], rows: Row[]): Promise<BenchFigure[]> {
  const peer = peers([input, "--target", target, "--positive", positive, "--id", id, ...peerArgs]);
  const cpu0 = process.cpuUsage();
  const ours = await trainChurnFile({ input, target, positive, id, testIds: ids });
  const cpu = cpuSeconds(cpu0);
  const out: BenchFigure[] = [];
  const fmt = (m: Record<string, number | null>) => `PR AUC ${r4(m.pr_auc)}, Brier ${r4(m.brier)}, log loss ${r4(m.log_loss)}`;
  for (const [name, m] of Object.entries(ours.models)) {
    out.push({ name: `churn ${label}: ROC AUC commsight ${name}${name === ours.selected ? " (served)" : ""}`, value: r4(m.test.roc_auc), unit: "", note: `${fmt(m.test)}; validation ROC AUC ${r4(m.validation.roc_auc)}, Brier ${r4(m.validation.brier)}; ${JSON.stringify(m.fit).slice(0, 120)}` });
  }
  for (const [name, p] of Object.entries(peer.models)) {
    out.push({ name: `churn ${label}: ROC AUC peer ${name}`, value: r4(p.metrics.roc_auc), unit: "", note: `${fmt(p.metrics)}; fit ${p.fit_seconds} s` });
    rows.push({ set: label, model: peerNames[name] ?? name, metrics: p.metrics as Metrics, seconds: `${p.fit_seconds.toFixed(1)} s` });
  }
  const served = ours.served.metrics;
  rows.push({ set: label, model: `**Commsight** (${ours.selected}, ${ours.calibration.method})`, metrics: served, seconds: `${cpu.toFixed(0)} CPU-s (all candidates, CV + refits)` });
  const bestAuc = Math.max(...Object.values(peer.models).map((p) => p.metrics.roc_auc!));
  const bestBrier = Math.min(...Object.values(peer.models).map((p) => p.metrics.brier!));
  out.push({ name: `churn ${label}: aim served ROC AUC ≥ best peer`, value: served.roc_auc! >= bestAuc ? 1 : 0, unit: "met", note: `${r4(served.roc_auc)} (${ours.selected}) vs ${r4(bestAuc)}` });
  out.push({ name: `churn ${label}: aim served Brier ≤ best peer`, value: served.brier <= bestBrier ? 1 : 0, unit: "met", note: `${r4(served.brier)} (${ours.calibration.method}) vs ${r4(bestBrier)}` });
  out.push({ name: `churn ${label}: commsight CPU (all candidates, CV + refits)`, value: Math.round(cpu * 10) / 10, unit: "CPU-s", note: `${ours.total_seconds.toFixed(1)} s wall; ${ours.data.n_test} test rows (peer ${peer.data.n_test})` });
  return out;
}

/** A data folder with the small demo's contact_features mart: BENCH_CHURN_DEMO_DIR's (copied), or a fresh one. */
function demoData(dir: string): string {
  const data = join(dir, "demo");
  const given = process.env.BENCH_CHURN_DEMO_DIR;
  if (given) {
    mkdirSync(join(data, "lake", "marts"), { recursive: true });
    cpSync(join(given, "lake", "marts", "contact_features"), join(data, "lake", "marts", "contact_features"), { recursive: true });
    return data;
  }
  const cli = (...args: string[]) => execFileSync("node", [join(import.meta.dirname, "..", "..", "pipelines", "bin", "commsight.mjs"), "--data", data, ...args], { stdio: "ignore" });
  cli("generate", "--scale", "small", "--seed", "42");
  cli("extract");
  cli("transform", "--select", "+contact_features");
  return data;
}

/** The demo's own churn: the pipeline's model (time-honest windows) and the peers on the same feature table. */
async function demoChurn(dir: string, rows: Row[]): Promise<BenchFigure[]> {
  let data: string;
  try {
    data = demoData(dir);
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
  rows.push({ set: "demo", model: `**Commsight** (${r.selected})`, metrics: { roc_auc: m.rocAuc, pr_auc: m.prAuc, brier: m.brier, lift: m.liftTopDecile }, seconds: `${cpu.toFixed(0)} CPU-s (evaluation, final fit, churn_risk)` });
  const doc = JSON.parse(readFileSync(join(lakePaths(config).models, "churn", r.version, "metrics.json"), "utf8")) as { selection: { candidates: { name: string; validation: Record<string, number>; test: Record<string, number> }[] } };
  for (const c of doc.selection.candidates) out.push({ name: `churn demo: ROC AUC commsight ${c.name}`, value: r4(c.test.roc_auc), unit: "", note: `PR AUC ${r4(c.test.pr_auc)}, Brier ${r4(c.test.brier)}; validation ROC AUC ${r4(c.validation.roc_auc)}` });
  const csv = join(dir, "demo_features.csv");
  const ids = join(dir, "demo_test_ids.csv");
  const db = await openDb();
  try {
    const scan = martScan(lakePaths(config), "contact_features");
    const c1 = m.calibrationSnapshots[1];
    const [t0, t1] = m.testSnapshots;
    const where = `label IS NOT NULL AND (as_of <= DATE '${c1}' OR as_of BETWEEN DATE '${t0}' AND DATE '${t1}')`;
    await exec(db, `COPY (SELECT row_number() OVER (ORDER BY as_of, contact_id) AS row_id, * EXCLUDE (contact_id, as_of, label), CASE WHEN label THEN 'yes' ELSE 'no' END AS churned
      FROM ${scan} WHERE ${where}) TO '${csv}' (HEADER)`);
    await exec(db, `COPY (SELECT row_id FROM (SELECT row_number() OVER (ORDER BY as_of, contact_id) AS row_id, as_of FROM ${scan} WHERE ${where}) WHERE as_of >= DATE '${t0}') TO '${ids}' (HEADER)`);
  } finally {
    db.close();
  }
  const peer = peers([csv, "--target", "churned", "--positive", "yes", "--id", "row_id", "--test-ids-in", ids]);
  for (const [name, p] of Object.entries(peer.models)) {
    out.push({ name: `churn demo: ROC AUC peer ${name}`, value: r4(p.metrics.roc_auc), unit: "", note: `PR AUC ${r4(p.metrics.pr_auc)}, Brier ${r4(p.metrics.brier)}; fit ${p.fit_seconds} s; ${peer.data.n_test} test rows` });
    rows.push({ set: "demo", model: peerNames[name] ?? name, metrics: p.metrics as Metrics, seconds: `${p.fit_seconds.toFixed(1)} s` });
  }
  out.push({ name: "churn demo: aim ROC AUC ≥ 0.90 and lift top decile ≥ 7", value: (m.rocAuc ?? 0) >= 0.9 && (m.liftTopDecile ?? 0) >= 7 ? 1 : 0, unit: "met", note: `${r4(m.rocAuc)}, lift ${r4(m.liftTopDecile)}` });
  return out;
}

/** The README's churn table (markdown) from this run's rows. */
function table(rows: Row[]): string {
  const f = (v: number | null | undefined, d = 4) => (v === null || v === undefined || !Number.isFinite(v) ? "" : v.toFixed(d));
  const sets: Record<string, string> = { telco: "IBM Telco (seed-42 split)", orange: "Orange/BigML (80% → 20% file)", demo: "demo churn (time split)" };
  return ["| data set | model | ROC AUC | PR AUC | Brier | fit |", "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${sets[r.set] ?? r.set} | ${r.model} | ${f(r.metrics.roc_auc)} | ${f(r.metrics.pr_auc, 3)} | ${f(r.metrics.brier)} | ${r.seconds} |`)].join("\n");
}

const bench: Bench = {
  title: "Churn beside the reference peers (telco-churn-ibm, Orange/BigML, the demo's time split)",
  async run() {
    if (!existsSync(TELCO)) return skip("churn", `${TELCO} is absent`);
    if (!can(PY, ["-c", "import sklearn, pandas, xgboost"])) return skip("churn", "Debian's python3-sklearn or python3-xgboost is not installed (run ../shared/peers/install.sh as root)");
    const dir = mkdtempSync(join(tmpdir(), "bench-churn-"));
    const rows: Row[] = [];
    const telcoIds = join(dir, "telco_test_ids.csv");
    const out = await churnSet("telco", TELCO, "Churn", "Yes", "customerID", telcoIds, ["--seed", "42", "--test-ids-out", telcoIds], rows);
    const orange = orangeFile(dir);
    out.push(...(await churnSet("orange", orange.file, "Churn", "True", "row_id", orange.ids, ["--test-ids-in", orange.ids], rows)));
    if (process.env.BENCH_CHURN_DEMO !== "0") out.push(...(await demoChurn(dir, rows)));
    const md = join(process.cwd(), "data", "bench", "churn.md");
    mkdirSync(join(process.cwd(), "data", "bench"), { recursive: true });
    writeFileSync(md, `<!-- npm run bench churn, ${new Date().toISOString()} -->\n${table(rows)}\n`);
    out.push({ name: "churn: README table", value: rows.length, unit: "rows", note: md });
    return out;
  },
};
export default bench;
