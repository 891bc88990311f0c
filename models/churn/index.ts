/**
 * trainChurn: a time-honest churn model on `contact_features`, written to the `churn_risk` mart.
 *
 * Labelled snapshots S1…Sk (oldest first; the newest snapshot is unlabelled and is scored):
 *   evaluation — fit on S1…S(k-2), Platt-calibrate on S(k-1), test on Sk  → metrics
 *   final      — fit on S1…S(k-1), Platt-calibrate on Sk, score the newest snapshot → mart + saved model
 * With only two labelled snapshots the evaluation calibrates in-sample (flagged in the metrics).
 */
import type { Config } from "../../pipelines/core/config.ts";
import { openDb } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { daysToIso } from "../shared/dates.ts";
import { configHash, newVersion, saveModelVersion } from "../shared/modelStore.ts";
import { initTf } from "../shared/tf.ts";
import { predictColumn } from "../shared/train.ts";
import {
  applyPlatt, baseRate, brier, calibrationTable, liftTopDecile, logLoss, prAuc, rocAuc, type ChurnMetrics,
} from "./evaluate.ts";
import { designMatrix, labels, loadChurnFrame, rowsFor, snapshots } from "./features.ts";
import { scoreRows, topFactors, writeChurnRisk, type ChurnModelMetadata } from "./predict.ts";
import { DEFAULT_L2, DEFAULT_LEARNING_RATE, fitRecipe, type ChurnTrainOptions } from "./train.ts";

export type { ChurnMetrics } from "./evaluate.ts";
export { loadChurnModel } from "./predict.ts";

export type ChurnResult = { version: string; metrics: ChurnMetrics; outputs: string[]; rowsIn: number; rowsOut: number };

export async function trainChurn(config: Config): Promise<ChurnResult> {
  const started = performance.now();
  const backend = await initTf();
  const paths = lakePaths(config);
  const opts: ChurnTrainOptions = { epochs: config.models.churn.epochs, seed: config.models.churn.seed, l2: DEFAULT_L2, learningRate: DEFAULT_LEARNING_RATE };
  const db = await openDb();
  try {
    const frame = await loadChurnFrame(db, paths);
    const snaps = snapshots(frame);
    const L = snaps.labelled;
    if (L.length < 2) {
      throw new Error(`churn: need at least two labelled snapshots in contact_features for a time-honest split, found ${L.length}`);
    }
    const iso = (ds: number[]) => ds.map(daysToIso);

    // Evaluation recipe.
    const testDate = L[L.length - 1]!;
    const before = L.slice(0, -1);
    const evalTrain = before.length >= 2 ? before.slice(0, -1) : before;
    const evalCalib = before.length >= 2 ? [before[before.length - 1]!] : [];
    const ev = await fitRecipe(frame, evalTrain, evalCalib, opts);
    const testRows = rowsFor(frame, [testDate], true);
    const yTest = labels(frame, testRows);
    const rawTest = predictColumn(ev.model, designMatrix(frame, testRows, ev.prep), testRows.length, ev.prep.features.length);
    const pTest = applyPlatt(rawTest, ev.platt);
    ev.model.dispose();
    const metrics: ChurnMetrics = {
      rocAuc: rocAuc(yTest, pTest),
      prAuc: prAuc(yTest, pTest),
      brier: brier(yTest, pTest),
      brierUncalibrated: brier(yTest, rawTest),
      logLoss: logLoss(yTest, pTest),
      logLossUncalibrated: logLoss(yTest, rawTest),
      liftTopDecile: liftTopDecile(yTest, pTest),
      baseRate: baseRate(yTest),
      nTrain: ev.nTrain,
      nCalibration: ev.nCalibration,
      nTest: testRows.length,
      calibration: calibrationTable(yTest, pTest),
      platt: { ...ev.platt, fittedOn: ev.plattInSample ? "training rows (in-sample)" : "held-out snapshot" },
      trainSnapshots: iso(evalTrain),
      calibrationSnapshot: evalCalib.length ? daysToIso(evalCalib[0]!) : null,
      testSnapshot: daysToIso(testDate),
    };
    log.info({ rocAuc: metrics.rocAuc, prAuc: metrics.prAuc, brier: metrics.brier, nTrain: metrics.nTrain, nTest: metrics.nTest }, "churn: evaluated");

    // Final recipe, scoring the newest snapshot.
    const finalTrain = L.slice(0, -1);
    const final = await fitRecipe(frame, finalTrain, [testDate], opts);
    const scoreIdx = rowsFor(frame, [snaps.scoring], false);
    const scored = scoreRows(final.model, final.prep, final.platt, frame, scoreIdx);
    const factors = topFactors(final.model, final.prep, frame, scoreIdx, scored.x);

    const version = newVersion(paths, "churn");
    const mart = await writeChurnRisk(db, paths, frame, scoreIdx, scored.probability, factors, version);
    const seconds = (performance.now() - started) / 1000;
    const metadata: ChurnModelMetadata = { kind: "churn", preprocessor: final.prep, platt: final.platt, seed: opts.seed };
    const saved = await saveModelVersion(paths, "churn", version, final.model, metadata as unknown as Record<string, unknown>, {
      model: "churn",
      kind: "logistic regression (tfjs dense+sigmoid, L2, class-weighted, Platt-calibrated)",
      metrics,
      trainingWindow: {
        evaluation: { train: iso(evalTrain), calibration: metrics.calibrationSnapshot, test: metrics.testSnapshot },
        final: { train: iso(finalTrain), calibration: daysToIso(testDate) },
        scoringSnapshot: daysToIso(snaps.scoring),
      },
      rows: {
        in: frame.n,
        train: ev.nTrain,
        calibration: ev.nCalibration,
        test: testRows.length,
        finalTrain: final.nTrain,
        finalCalibration: final.nCalibration,
        scored: scoreIdx.length,
        out: mart.rows,
      },
      features: final.prep.features.map((f) => f.name),
      configHash: configHash(config.models.churn),
      backend,
      epochs: opts.epochs,
      seed: opts.seed,
      seconds,
      createdAt: new Date().toISOString(),
    });
    final.model.dispose();
    log.info({ version, rowsIn: frame.n, rowsOut: mart.rows, seconds: Math.round(seconds * 10) / 10 }, "churn: trained and scored");
    return { version, metrics, outputs: [mart.path, ...saved.files], rowsIn: frame.n, rowsOut: mart.rows };
  } finally {
    db.close();
  }
}
