/**
 * A simulated month of nights (issue 13, item 5): a small business is extended one day at a time
 * (`generate --end-date`, test/demo/extend.test.ts) and the nightly graph runs after each day through
 * the real CLI, with the clock frozen at the morning after (COMMSIGHT_TODAY): extract → enrich →
 * retention → transform → train-churn, train-forecast, train-opportunity → outreach → alerts (`report`
 * left out for cost: it reads the marts compared here and writes only PDFs). One night is SIGKILLed
 * while transform runs (seen in the ledger); the next night must converge.
 *
 * On the checked nights a full rebuild runs in a fresh data folder from the same sources (a fresh
 * lake: extract, enrich, retention, transform, the three trainings), and every mart and prediction of
 * the nightly folder must equal the rebuild's: the same columns, the same rows in any order, floats
 * within 1e-9. Predictions are compared with the same serving model: the rebuild starts from a copy of
 * the nightly folder's model registry, and scores with it where the config schedules retrains
 * (models.retrain; see RETRAIN): churn, opportunity and the forecast retrain weekly on the nights and
 * never in the rebuild, so both serve the same versions and every prediction, model_version included,
 * must agree. Datasets that hold the history of earlier
 * nights (forecast snapshots and their accuracy, outreach lists) cannot come from one rebuild: left out.
 * The ledger must show each night's run with its stages and their CPU-seconds.
 *
 * Cost: the suite (CI) runs 4 nights, the third killed, the second and fourth rebuilt and compared
 * (213 CPU-s at 8302c4f, down from ~400 when the forecast retrained every night); the month is
 * COMMSIGHT_NIGHTS=30 (defaults then: checks on nights 10, 16, 20 and 30, the kill on night 15).
 * Knobs (environment): COMMSIGHT_NIGHTS, COMMSIGHT_NIGHTS_CHECK (comma-separated), COMMSIGHT_NIGHTS_KILL.
 */
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLedger } from "../../pipelines/core/ledger.ts";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { generateDemo } from "../../pipelines/sources/demo/generate.ts";
import { BIN } from "../helpers/cli.ts";
import { datasets, diffDataset, rowCount, type DatasetDiff } from "../helpers/martDiff.ts";
import { tmpDir } from "../helpers/records.ts";

const NIGHTS = Number(process.env.COMMSIGHT_NIGHTS ?? 4);
const MONTH = NIGHTS >= 30;
const CHECK = new Set((process.env.COMMSIGHT_NIGHTS_CHECK ?? (MONTH ? "10,16,20,30" : "2,4")).split(",").map(Number).filter((n) => n <= NIGHTS));
const KILL = Number(process.env.COMMSIGHT_NIGHTS_KILL ?? (MONTH ? 15 : 3));
const STAGES = ["extract", "enrich", "retention", "transform", "train-churn", "train-forecast", "train-opportunity", "outreach", "alerts"];
const REBUILD = ["extract", "enrich", "retention", "transform", "train-churn", "train-forecast", "train-opportunity"];
/** Datasets built from the history of earlier runs, which one rebuild cannot have. */
const HISTORY = new Set(["forecast_snapshots", "forecast_accuracy", "outreach", "outreach_list", "outreach_outcomes"]);
/** Scheduled retrains exist when the config knows models.retrain (models/shared/retrain.ts). */
const RETRAIN = existsSync(join(projectRoot, "models", "shared", "retrain.ts"));

// The business: small scale over 0.55 years (2026-04-29 … 2026-11-15), first night on day 172 (weekly
// churn snapshots start 91 days in; the churn and opportunity models need about ten labelled ones).
const DEMO = { scale: "small" as const, seed: 7, years: 0.55, endDate: "2026-11-15", timezone: "America/New_York", open: "08:00", close: "20:00", businessName: "Acme Home Services" };
const FIRST = "2026-10-17";
const day = (n: number) => new Date(Date.parse(`${FIRST}T00:00:00Z`) + (n - 1) * 86_400_000).toISOString().slice(0, 10);
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function configYaml(rebuild: boolean): string {
  const models = [
    "churn: { epochs: 8, label: { kind: explicit, field: churned, horizonDays: 7 } }",
    "forecast: { horizonDays: 7, holdoutDays: 14, epochs: 40 }",
    "opportunity: { outcome: { kind: field, field: last-order, horizonDays: 7 } }",
    // Nightly: retrain weekly, score on the other nights. The rebuild only scores, with the nightly's serving version.
    ...(RETRAIN ? [`retrain: { ${["churn", "opportunity", "forecast"].map((m) => `${m}: { everyDays: ${rebuild ? 100000 : 7} }`).join(", ")} }`] : []),
  ];
  return [
    `business: { name: ${DEMO.businessName}, timezone: ${DEMO.timezone}, open: "${DEMO.open}", close: "${DEMO.close}" }`,
    `demo: { scale: ${DEMO.scale}, seed: ${DEMO.seed}, years: ${DEMO.years}, endDate: "${DEMO.endDate}" }`,
    "models:", ...models.map((m) => `  ${m}`),
  ].join("\n") + "\n";
}

type Done = { code: number | null; signal: NodeJS.Signals | null; out: string };

/** The CLI in a child process; `killWhen` polled every 100 ms, SIGKILL when it says so. */
function cli(args: string[], today: string, killWhen?: () => boolean): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: projectRoot, env: { ...process.env, COMMSIGHT_TODAY: today, COMMSIGHT_LOG_LEVEL: "warn", NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b) => { out += b; });
    child.stderr.on("data", (b) => { out += b; });
    const poll = killWhen ? setInterval(() => { if (killWhen()) { clearInterval(poll); child.kill("SIGKILL"); } }, 100) : undefined;
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (poll) clearInterval(poll);
      resolve({ code, signal, out });
    });
  });
}

const top = tmpDir("commsight-nights-");
const nightly = join(top, "nightly");
const nightlyCfg = join(top, "nightly.yaml");
const rebuildCfg = join(top, "rebuild.yaml");
writeFileSync(nightlyCfg, configYaml(false));
writeFileSync(rebuildCfg, configYaml(true));
afterAll(() => { if (!process.env.COMMSIGHT_NIGHTS_KEEP) rmSync(top, { recursive: true, force: true }); });

const generateTo = (dataDir: string, d: string) => generateDemo({ ...DEMO, outDir: join(dataDir, "sources", "demo"), emitUntil: d });

/** Every mart and prediction of the nightly folder against a fresh rebuild from the same sources. */
async function rebuildAndCompare(n: number, d: string): Promise<DatasetDiff[]> {
  const fresh = join(top, `rebuild-${n}`);
  mkdirSync(join(fresh, "sources"), { recursive: true });
  cpSync(join(nightly, "sources", "demo"), join(fresh, "sources", "demo"), { recursive: true });
  // The serving models of the night, so the rebuild scores with the same versions.
  if (existsSync(join(nightly, "models"))) cpSync(join(nightly, "models"), join(fresh, "models"), { recursive: true });
  const r = await cli(["--config", rebuildCfg, "--data", fresh, "run", "--select", ...REBUILD, "--quiet"], nextDay(d));
  expect(r.code, `night ${n} (${d}) rebuild:\n${r.out}`).toBe(0);
  const left = join(nightly, "lake", "marts");
  const right = join(fresh, "lake", "marts");
  const names = datasets(left).filter((m) => !HISTORY.has(m));
  const theirs = datasets(right).filter((m) => !HISTORY.has(m));
  const diffs: DatasetDiff[] = [];
  for (const m of names.filter((x) => !theirs.includes(x))) diffs.push({ dataset: m, problem: "only in the nightly folder", onlyLeft: [], onlyRight: [] });
  for (const m of theirs.filter((x) => !names.includes(x))) diffs.push({ dataset: m, problem: "only in the rebuild", onlyLeft: [], onlyRight: [] });
  // Not vacuous: the marts the models read and the predictions have rows on both sides.
  for (const m of ["calls", "contact_features", "churn_risk", "volume_forecast", "opportunity_score"]) {
    expect(await rowCount(left, m), `night ${n}: nightly ${m}`).toBeGreaterThan(0);
    expect(await rowCount(right, m), `night ${n}: rebuilt ${m}`).toBeGreaterThan(0);
  }
  for (const m of names.filter((x) => theirs.includes(x))) {
    const diff = await diffDataset(left, right, m);
    if (diff) diffs.push(diff);
  }
  rmSync(fresh, { recursive: true, force: true });
  return diffs;
}

describe("nights on a growing business (a month with COMMSIGHT_NIGHTS=30)", () => {
  it(`${NIGHTS} nights, one killed mid-transform, each checked night equal to a full rebuild`, async () => {
    const ledgerPath = join(nightly, "runs", "ledger.jsonl");
    const report: string[] = [];
    const divergent: string[] = [];
    // Progress as it happens (a long run can be followed, or read when stopped).
    const note = (line: string) => { if (process.env.COMMSIGHT_NIGHTS_REPORT) appendFileSync(process.env.COMMSIGHT_NIGHTS_REPORT, `${new Date().toISOString()} ${line}\n`); };
    for (let n = 1; n <= NIGHTS; n++) {
      const d = day(n);
      await generateTo(nightly, d);
      const args = ["--config", nightlyCfg, "--data", nightly, "run", "--select", ...STAGES, "--quiet"];
      if (n === KILL) {
        const before = existsSync(ledgerPath) ? readLedger(ledgerPath).length : 0;
        const r = await cli(args, nextDay(d), () => existsSync(ledgerPath) && readLedger(ledgerPath).slice(before).some((e) => e.stage === "transform" && e.status === "started"));
        expect(r.signal, `night ${n}: killed during transform\n${r.out}`).toBe("SIGKILL");
        report.push(`night ${n} ${d}: killed during transform`);
        note(report.at(-1)!);
        continue;
      }
      const seen = existsSync(ledgerPath) ? readLedger(ledgerPath).length : 0;
      const r = await cli(args, nextDay(d));
      const cost = readLedger(ledgerPath).slice(seen).filter((e) => e.status !== "started" && e.stage !== "run").map((e) => `${e.stage} ${e.status === "ok" ? e.cpuSeconds : e.status}`);
      note(`night ${n} ${d}: exit ${r.code}; ${cost.join(", ")}${r.code ? `\n${r.out}` : ""}`);
      expect(r.code, `night ${n} (${d}):\n${r.out}`).toBe(0);
      if (CHECK.has(n)) {
        const diffs = await rebuildAndCompare(n, d);
        for (const x of diffs) divergent.push(`night ${n} ${d} ${x.dataset}: ${x.problem}\n  nightly: ${x.onlyLeft.join("\n           ")}\n  rebuild: ${x.onlyRight.join("\n           ")}`);
        report.push(`night ${n} ${d}: compared with a full rebuild, ${diffs.length} datasets differ`);
        note([report.at(-1)!, ...divergent.slice(-diffs.length || divergent.length)].join("\n"));
      }
    }

    // The ledger: every night a run with its stages and what they cost; the killed one never ended.
    const runs = new Map<string, ReturnType<typeof readLedger>>();
    for (const e of readLedger(ledgerPath)) if (e.command === "run") runs.set(e.runId, [...(runs.get(e.runId) ?? []), e]);
    const nights = [...runs.values()];
    expect(nights).toHaveLength(NIGHTS);
    nights.forEach((entries, i) => {
      const n = i + 1;
      const ended = entries.find((e) => e.stage === "run" && e.status !== "started");
      if (n === KILL) { expect(ended, `night ${n} was killed`).toBeUndefined(); return; }
      expect(ended?.status, `night ${n}: ${JSON.stringify(entries.filter((e) => e.status === "failed"))}`).toBe("ok");
      for (const s of STAGES) {
        const fin = entries.find((e) => e.stage === s && e.status !== "started");
        expect(fin, `night ${n}: stage ${s} in the ledger`).toBeDefined();
        expect(["ok", "skipped"]).toContain(fin!.status);
        if (fin!.status === "ok") expect(fin!.cpuSeconds, `night ${n}: ${s} records its CPU-seconds`).toBeTypeOf("number");
      }
      const cpu = entries.reduce((a, e) => a + (e.status === "ok" && e.stage !== "run" ? e.cpuSeconds ?? 0 : 0), 0);
      report.push(`night ${n} ${day(n)}: stages ${cpu.toFixed(1)} CPU-s (${entries.filter((e) => e.status === "skipped").map((e) => e.stage).join(", ") || "none"} skipped)`);
    });
    const text = [...report, ...divergent].join("\n") + "\n";
    note(`done\n${text}`);
    console.log(text);
    expect(divergent, divergent.join("\n")).toEqual([]);
  }, 4 * 3600_000);
});

