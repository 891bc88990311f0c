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
import { openDb } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { progressBar } from "../../pipelines/core/progress.ts";
import { daysToIso } from "../shared/dates.ts";
import { configHash, newVersion, saveModelVersion } from "../shared/modelStore.ts";
import { decide, recordVersion, registryConfig, servingEntry } from "../shared/registry.ts";
import { initTf } from "../shared/tf.ts";
import { applyPlatt, baseRate, brier, calibrationTable, liftTopDecile, logLoss, prAuc, rocAuc, type ChurnMetrics } from "./evaluate.ts";
import { loadSnapshotFrame, rowsAt, snapshotDates } from "./mart.ts";
import { labels } from "./prep.ts";
import { bandsFrom, loadChurnVersion, score, writeChurnRisk, type ChurnMeta, type Scorer } from "./predict.ts";
import { predictFrame } from "./candidates.ts";
import { scores } from "./select.ts";
import { pipelineCandidates, refitChurn, selectChurn, type FittedChurn } from "./train.ts";

export type { ChurnMetrics } from "./evaluate.ts";

export type ChurnResult = { selected: string; version: string; serving: string; promoted: boolean; reason: string; metrics: ChurnMetrics; outputs: string[]; rowsIn: number; rowsOut: number };

const WINDOW_SNAPSHOTS = 4;

/** Train, calibration and test snapshot dates ending at `lastTest`, each window W days after the previous. */
export function windows(labelled: number[], lastTest: number, W: number) {
  const upTo = labelled.filter((d) => d <= lastTest);
  const test = upTo.slice(-WINDOW_SNAPSHOTS);
  const calib = labelled.filter((d) => d <= test[0]! - W).slice(-WINDOW_SNAPSHOTS);
  const train = labelled.filter((d) => d <= (calib[0] ?? test[0]!) - W);
  return { train, calib, test };
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
    const frame = await loadSnapshotFrame(db, paths);
    const dates = snapshotDates(frame);
    const L = dates.labelled;
    const ev = windows(L, L[L.length - 1]!, W);
    if (ev.train.length < 2 || ev.calib.length === 0) {
      throw new Error(`churn: ${L.length} labelled weekly snapshots are too few for time-honest train, calibration and test windows ${W} days apart`);
    }
    bar.update(0, 3);
    const specs = pipelineCandidates(config.models.churn.epochs);
    const evFit = await selectChurn(frame, specs, ev.train, ev.calib, seed);
    const testRows = rowsAt(frame, ev.test, true);
    const y = labels(frame, testRows);
    const calibration = { platt: evFit.platt, n: evFit.nCalibration };
    const selection = {
      selected: evFit.validated.selected,
      rule: "highest ROC AUC on the validation snapshots (ties: log loss); the test snapshots play no part. Candidates' test metrics: as fitted on the training snapshots; the served model is the chosen one refitted on every snapshot labelled before the test window",
      validationSnapshots: [daysToIso(ev.calib[0]!), daysToIso(ev.calib[ev.calib.length - 1]!)] as [string, string],
      candidates: [...evFit.validated.validation].map(([name, v]) => ({
        name, validation: v,
        test: scores(y, applyPlatt(predictFrame(evFit.candidates.get(name)!, frame, testRows), evFit.validated.platt.get(name)!)),
      })),
    };
    for (const [name, f] of evFit.candidates) if (!name.startsWith("blend")) f.dispose();
    // The served model of this backtest: the chosen candidate refitted on every snapshot labelled before the test window.
    const preTest = L.filter((d) => d <= ev.test[0]! - W);
    const evServed = await refitChurn(frame, specs, selection.selected, evFit.validated, preTest, calibration, seed);
    const scored = score(evServed, frame, testRows);
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
    const finFit = await refitChurn(frame, specs, selection.selected, evFit.validated, finTrain, calibration, seed);
    const bands = bandsFrom(labels(frame, rowsAt(frame, finCalib, true)));
    bar.update(2, 3);
    const dataEnd = daysToIso(dates.all[dates.all.length - 1]!);
    const hashes = { configHash: configHash({ ...config.models.churn, candidates: specs }), featureHash: configHash({ numeric: [...frame.numeric.keys()].sort(), categorical: [...frame.categorical.keys()].sort(), W }) };
    const scoreEntry = { metric: "test ROC AUC", value: metrics.rocAuc ?? 0.5, higherIsBetter: true };
    const serving = servingEntry(paths, "churn");
    const sameQuestion = serving !== null && serving.configHash === hashes.configHash && serving.featureHash === hashes.featureHash;
    const incumbent = sameQuestion ? await loadChurnVersion(paths, serving!.version).catch(() => null) : null;
    const finScorer: Scorer = { model: finFit.model, platt: finFit.platt, bands, horizonDays: W, dispose: () => finFit.model.dispose() };
    // The serving model is scored on this test window only if it was trained before the window began.
    const incumbentNow = incumbent && incumbent.meta.dataEnd < daysToIso(ev.test[0]!)
      ? rocAuc(y, score(incumbent, frame, testRows).probability)
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
      rows: { in: frame.n, train: finFit.nTrain, trainUsed: finFit.nTrainUsed, calibration: finFit.nCalibration, test: testRows.length },
      features: finFit.model.prep.features.map((f) => f.name),
      seconds: (performance.now() - started) / 1000, createdAt: new Date().toISOString(),
    });
    const entry = recordVersion(paths, "churn", { version, createdAt: new Date().toISOString(), score: scoreEntry, trainingWindow, ...hashes, metrics }, decision, registryConfig(config).keep);
    log.debug({ version, status: entry.status, reason: entry.reason }, "churn: registry decision");

    const use: Scorer & { version: string } = decision.promote || !incumbent ? { ...finScorer, version } : incumbent;
    const scoreRows = rowsAt(frame, [dates.all[dates.all.length - 1]!], false);
    const background = rowsAt(frame, finCalib, true);
    const mart = await writeChurnRisk(db, paths, use, frame, scoreRows, background, use.version, seed);
    bar.update(3, 3);
    finScorer.dispose();
    incumbent?.dispose();
    return {
      selected: selection.selected, version, serving: use.version, promoted: decision.promote, reason: decision.reason, metrics,
      outputs: [mart.path, ...(saved?.files ?? []), `${paths.models}/churn/registry.json`], rowsIn: frame.n, rowsOut: mart.rows,
    };
  } finally {
    bar.stop();
    db.close();
  }
}
