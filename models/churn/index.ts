/**
 * trainChurn: a time-honest churn model on the weekly `contact_features` snapshots, the registry
 * decision, and the `churn_risk` mart. A label is known W days after its snapshot (W = 14 for the
 * explicit label, N for inactivity), so each window starts W days after the previous one's last
 * snapshot — no model ever learns from an outcome that was unknown when it is scored:
 *   evaluation — every candidate (logistic, MLP, boosted trees, their blend) trained ≤ C₀ − W,
 *                compared and Platt-calibrated on 4 validation snapshots C₀…C₃ ≤ T₀ − W: the best
 *                validation ROC AUC is chosen there; then the chosen one is refitted (same
 *                hyper-parameters, same Platt map) on every snapshot ≤ T₀ − W, validation window
 *                included, and tested on the last 4 labelled snapshots T₀…T₃ → the served metrics
 *                (the registry score: its test ROC AUC), beside every candidate's test metrics as
 *                fitted ≤ C₀ − W. The test window plays no part in the choice or the fits;
 *   final      — the same procedure shifted to the newest data: the chosen candidate refitted on
 *                every labelled snapshot, the evaluation's Platt map, risk bands from the newest 4
 *                labelled snapshots, scoring the newest snapshot → churn_risk.
 */
import type { Config } from "../../pipelines/core/config.ts";
import { openDb, type Db } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { progressBar } from "../../pipelines/core/progress.ts";
import { daysToIso } from "../shared/dates.ts";
import { configHash, newVersion, saveModelVersion } from "../shared/modelStore.ts";
import { decide, recordVersion, registryConfig, servingEntry } from "../shared/registry.ts";
import { planRetrain, type RetrainPlan } from "../shared/retrain.ts";
import { initTf } from "../shared/tf.ts";
import { applyPlatt, baseRate, brier, calibrationTable, liftTopDecile, logLoss, prAuc, rocAuc, type ChurnMetrics } from "./evaluate.ts";
import { allRows, countAt, loadSample, loadSnapshots, rowsAt, snapshotIndex, type SnapshotFrame, type SnapshotIndex } from "./mart.ts";
import { labels } from "./prep.ts";
import { bandsFromRate, loadChurnVersion, score, writeChurnRisk, type ChurnMeta, type Scorer } from "./predict.ts";
import { scores } from "./select.ts";
import type { CandidateSpec } from "./candidates.ts";
import { pipelineCandidates, predictRows, refitChurn, selectChurn, trainingSample } from "./train.ts";

export type { ChurnMetrics } from "./evaluate.ts";

/**
 * `trained`: false on a night the schedule (models.retrain.churn) only scored: then `metrics` are the
 * serving version's recorded ones, `version` is the serving one and `nextRetrain` says when the next
 * retrain is due (data end, YYYY-MM-DD).
 */
export type ChurnResult = {
  selected: string; version: string; serving: string; promoted: boolean; reason: string; metrics: ChurnMetrics; outputs: string[]; rowsIn: number; rowsOut: number;
  trained: boolean; nextRetrain: string | null;
};

/** Contacts drawn (uniformly, seeded) from the newest labelled snapshots as the background of non-linear models' explanations. */
export const BACKGROUND_ROWS = 5_000;

const WINDOW_SNAPSHOTS = 4;

/** Train, calibration and test snapshot dates ending at `lastTest`, each window W days after the previous. */
export function windows(labelled: number[], lastTest: number, W: number) {
  const upTo = labelled.filter((d) => d <= lastTest);
  const test = upTo.slice(-WINDOW_SNAPSHOTS);
  const calib = labelled.filter((d) => d <= test[0]! - W).slice(-WINDOW_SNAPSHOTS);
  const train = labelled.filter((d) => d <= (calib[0] ?? test[0]!) - W);
  return { train, calib, test };
}

/** The hashes a retrain records: the question (config, candidates) and the features the mart has. */
function churnHashes(config: Config, specs: CandidateSpec[], index: SnapshotIndex, W: number) {
  const text = (t: string) => /CHAR|TEXT|STRING|BOOL/i.test(t);
  return {
    configHash: configHash({ ...config.models.churn, candidates: specs }),
    featureHash: configHash({ numeric: index.features.filter((f) => !text(f.type)).map((f) => f.name).sort(), categorical: index.features.filter((f) => text(f.type)).map((f) => f.name).sort(), W }),
  };
}

/** The newest snapshot (every contact, with ids) and a uniform background sample of the newest labelled ones. */
async function scoringFrame(db: Db, paths: Paths, index: SnapshotIndex, finCalib: number[], seed: number): Promise<{ frame: SnapshotFrame; rows: Int32Array; background: Int32Array }> {
  const newest = index.all[index.all.length - 1]!;
  const bgRate = Math.min(1, BACKGROUND_ROWS / Math.max(1, countAt(index, finCalib, "labelled")));
  const frame = await loadSample(db, paths, index, finCalib.filter((d) => d !== newest), bgRate, seed, { ids: true, whole: [newest], samplePositives: true });
  return { frame, rows: rowsAt(frame, [newest], false), background: rowsAt(frame, finCalib.filter((d) => d !== newest), true) };
}

export async function trainChurn(config: Config): Promise<ChurnResult> {
  const started = performance.now();
  const backend = await initTf();
  const paths = lakePaths(config);
  const { seed, label } = config.models.churn;
  const W = label.kind === "inactivity" ? label.days : label.horizonDays;
  const db = await openDb();
  const bar = progressBar("train churn");
  try {
    const index = await snapshotIndex(db, paths, "contact_features", "churn: contact_features is empty");
    const L = index.labelled;
    const dataEnd = daysToIso(index.all[index.all.length - 1]!);
    const rowsIn = countAt(index, index.all, "n");
    const specs = pipelineCandidates(config.models.churn.epochs);
    const hashes = churnHashes(config, specs, index, W);
    const plan = planRetrain(config, paths, "churn", dataEnd, hashes);
    if (!plan.retrain) {
      const served = await loadChurnVersion(paths, plan.serving.version).catch((err: Error) => { log.warn({ err: err.message }, `churn: serving ${plan.serving.version} cannot be loaded; retraining`); return null; });
      if (served) return await scoreOnly(db, paths, index, served, plan, seed, rowsIn).finally(() => served.dispose());
    }
    const ev = windows(L, L[L.length - 1]!, W);
    if (ev.train.length < 2 || ev.calib.length === 0) {
      throw new Error(`churn: ${L.length} labelled weekly snapshots are too few for time-honest train, calibration and test windows ${W} days apart`);
    }
    bar.update(0, 3);
    // Evaluation: fit on a sample of the training window, choose and calibrate on the validation window (read whole).
    const evFit = await selectChurn(
      await trainingSample(db, paths, index, ev.train, seed),
      await loadSnapshots(db, paths, index, ev.calib, { labelledOnly: true, ids: false }),
      specs, seed);
    const testFrame = await loadSnapshots(db, paths, index, ev.test, { labelledOnly: true, ids: false });
    const testRows = allRows(testFrame);
    const y = labels(testFrame, testRows);
    const calibration = { platt: evFit.platt, n: evFit.nCalibration };
    const selection = {
      selected: evFit.validated.selected,
      rule: "highest ROC AUC on the validation snapshots (ties: log loss), the stacked blend only when it leads the best single candidate by more than one standard error of the paired difference (DeLong); the test snapshots play no part. Candidates' test metrics: as fitted on the training snapshots; the served model is the chosen one refitted on every snapshot labelled before the test window",
      validationSnapshots: [daysToIso(ev.calib[0]!), daysToIso(ev.calib[ev.calib.length - 1]!)] as [string, string],
      candidates: [...evFit.validated.validation].map(([name, v]) => ({
        name, validation: v,
        test: scores(y, applyPlatt(predictRows(evFit.candidates.get(name)!, testFrame, testRows), evFit.validated.platt.get(name)!)),
      })),
    };
    for (const [name, f] of evFit.candidates) if (!name.startsWith("blend")) f.dispose();
    // The served model of this backtest: the chosen candidate refitted on every snapshot labelled before the test window.
    const preTest = L.filter((d) => d <= ev.test[0]! - W);
    const evServed = await refitChurn(await trainingSample(db, paths, index, preTest, seed), specs, selection.selected, evFit.validated, calibration, seed);
    const scored = score(evServed, testFrame, testRows);
    evServed.model.dispose();
    const span = (ds: number[]): [string, string] => [daysToIso(ds[0]!), daysToIso(ds[ds.length - 1]!)];
    const metrics: ChurnMetrics = {
      rocAuc: rocAuc(y, scored.probability), prAuc: prAuc(y, scored.probability),
      brier: brier(y, scored.probability), brierUncalibrated: brier(y, scored.raw),
      logLoss: logLoss(y, scored.probability), logLossUncalibrated: logLoss(y, scored.raw),
      liftTopDecile: liftTopDecile(y, scored.probability), baseRate: baseRate(y),
      nTrain: evServed.nTrain, nCalibration: evFit.nCalibration, nTest: testRows.length,
      calibration: calibrationTable(y, scored.probability), platt: evFit.platt, labelWindowDays: W,
      trainSnapshots: span(ev.train), calibrationSnapshots: span(ev.calib), servedTrainSnapshots: span(preTest), testSnapshots: span(ev.test),
      selected: selection.selected,
    };
    bar.update(1, 3);
    log.info({ selected: selection.selected }, "churn: candidate selected"); // its metrics: the CLI prints them once

    // Final: refitted on every labelled snapshot, the evaluation's Platt map; risk bands from the newest labelled snapshots.
    const finCalib = L.slice(-WINDOW_SNAPSHOTS);
    const finTrain = L;
    const finFit = await refitChurn(await trainingSample(db, paths, index, finTrain, seed), specs, selection.selected, evFit.validated, calibration, seed);
    const bands = bandsFromRate(countAt(index, finCalib, "positives") / Math.max(1, countAt(index, finCalib, "labelled")));
    bar.update(2, 3);
    const scoreEntry = { metric: "test ROC AUC", value: metrics.rocAuc ?? 0.5, higherIsBetter: true };
    const serving = servingEntry(paths, "churn");
    const sameQuestion = serving !== null && serving.configHash === hashes.configHash && serving.featureHash === hashes.featureHash;
    const incumbent = sameQuestion ? await loadChurnVersion(paths, serving!.version).catch(() => null) : null;
    const finScorer: Scorer = { model: finFit.model, platt: finFit.platt, bands, horizonDays: W, dispose: () => finFit.model.dispose() };
    // The serving model is scored on this test window only if it was trained before the window began.
    const incumbentNow = incumbent && incumbent.meta.dataEnd < daysToIso(ev.test[0]!)
      ? rocAuc(y, score(incumbent, testFrame, testRows).probability)
      : null;
    const decision = sameQuestion && !incumbent
      ? { promote: true, reason: `serving ${serving!.version} cannot be loaded`, incumbent: null }
      : decide({ score: scoreEntry, ...hashes }, serving, incumbentNow);

    const version = newVersion(paths, "churn");
    const trainingWindow = { evaluation: { train: metrics.trainSnapshots, calibration: metrics.calibrationSnapshots, servedTrain: metrics.servedTrainSnapshots, test: metrics.testSnapshots }, final: { train: span(finTrain), calibration: span(ev.calib), bands: span(finCalib) }, dataEnd };
    const meta: ChurnMeta = { kind: "churn", spec: finFit.model.spec, prep: finFit.model.prep, state: finFit.model.state(), platt: finFit.platt, bands, dataEnd, labelWindowDays: W };
    const saved = !decision.promote ? null : await saveModelVersion(paths, "churn", version, finFit.model.parts(), meta as unknown as Record<string, unknown>, {
      model: "churn",
      kind: `${selection.selected} (chosen on the validation snapshots among ${specs.map((c) => c.name).join(", ")} and their blend), negatives subsampled and reweighted, Platt-calibrated on the validation window, refitted on every labelled snapshot`,
      metrics, selected: selection.selected, selection, bands, score: scoreEntry, decision, trainingWindow, ...hashes, backend, seed,
      rows: { in: rowsIn, train: finFit.nTrain, trainUsed: finFit.nTrainUsed, calibration: finFit.nCalibration, test: testRows.length },
      features: finFit.model.prep.features.map((f) => f.name),
      seconds: (performance.now() - started) / 1000, createdAt: new Date().toISOString(),
    });
    const entry = recordVersion(paths, "churn", { version, createdAt: new Date().toISOString(), score: scoreEntry, trainingWindow, ...hashes, metrics }, decision, registryConfig(config).keep);
    log.debug({ version, status: entry.status, reason: entry.reason }, "churn: registry decision");

    const use: Scorer & { version: string } = decision.promote || !incumbent ? { ...finScorer, version } : incumbent;
    const s = await scoringFrame(db, paths, index, finCalib, seed);
    const mart = await writeChurnRisk(db, paths, use, s.frame, s.rows, s.background, use.version, seed);
    bar.update(3, 3);
    finScorer.dispose();
    incumbent?.dispose();
    return {
      selected: selection.selected, version, serving: use.version, promoted: decision.promote, reason: decision.reason, metrics,
      outputs: [mart.path, ...(saved?.files ?? []), `${paths.models}/churn/registry.json`], rowsIn, rowsOut: mart.rows, trained: true, nextRetrain: null,
    };
  } finally {
    bar.stop();
    db.close();
  }
}

/** A night the schedule does not retrain: the serving version scores the newest snapshot. */
async function scoreOnly(db: Db, paths: Paths, index: SnapshotIndex, served: Scorer & { version: string; meta: ChurnMeta }, plan: Extract<RetrainPlan, { retrain: false }>, seed: number, rowsIn: number): Promise<ChurnResult> {
  const finCalib = index.labelled.slice(-WINDOW_SNAPSHOTS);
  const s = await scoringFrame(db, paths, index, finCalib, seed);
  const mart = await writeChurnRisk(db, paths, served, s.frame, s.rows, s.background, served.version, seed);
  const metrics = (plan.serving.metrics ?? {}) as ChurnMetrics;
  log.info({ serving: served.version, nextRetrain: plan.nextDue }, "churn: scored with the serving version (no retrain due)");
  return {
    selected: metrics.selected ?? served.meta.spec.name, version: served.version, serving: served.version, promoted: false, reason: plan.reason, metrics,
    outputs: [mart.path], rowsIn, rowsOut: mart.rows, trained: false, nextRetrain: plan.nextDue,
  };
}
