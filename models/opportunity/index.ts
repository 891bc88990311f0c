/**
 * trainOpportunity: a sales-opportunity propensity model on the weekly `opportunity_features`
 * snapshots, with the churn model's machinery and discipline (models/churn: L2 logistic regression
 * by Newton's method on tfjs, negatives subsampled and reweighted, Platt-calibrated on a later
 * window; time-honest windows W = horizonDays apart: train ≤ C₀ − W, calibrate on C₀…C₃ ≤ T₀ − W,
 * test on the last 4 labelled snapshots T₀…T₃), the registry decision (test ROC AUC), and the
 * `opportunity_score` mart: every contact of the newest snapshot with a calibrated probability, a
 * band and the main reason in words.
 */
import type { Config } from "../../pipelines/core/config.ts";
import { openDb, type Db } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { baseRate, brier, calibrationTable, liftTopDecile, logLoss, prAuc, rocAuc, type CalibrationBin } from "../churn/evaluate.ts";
import { windows } from "../churn/index.ts";
import { allRows, countAt, loadSnapshots, snapshotIndex, type SnapshotFrame } from "../churn/mart.ts";
import { labels } from "../churn/prep.ts";
import { daysToIso } from "../shared/dates.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import { configHash, loadModelVersion, newVersion, saveModelVersion } from "../shared/modelStore.ts";
import { decide, recordVersion, registryConfig, servingEntry } from "../shared/registry.ts";
import { planRetrain } from "../shared/retrain.ts";
import { initTf } from "../shared/tf.ts";
import { opportunityConfig } from "./config.ts";
import { reasons } from "./explain.ts";
import { bands, fitOpportunity, opportunitySample, score, type Fitted, type Scorer } from "./fit.ts";

export const OPPORTUNITY_MART = "opportunity_score";
const FEATURES = "opportunity_features";

export type OpportunityMetrics = {
  rocAuc: number | null; prAuc: number | null; brier: number; logLoss: number; liftTopDecile: number | null; baseRate: number;
  nTrain: number; nCalibration: number; nTest: number; positivesTest: number; calibration: CalibrationBin[]; platt: { a: number; b: number };
  labelWindowDays: number; trainSnapshots: [string, string]; calibrationSnapshots: [string, string]; testSnapshots: [string, string];
};
export type OpportunityMeta = { kind: "opportunity"; prep: Scorer["prep"]; platt: Scorer["platt"]; kernel: number[]; dataEnd: string; labelWindowDays: number };
/** `trained`: false on a night the schedule (models.retrain.opportunity) only scored with the serving version (`metrics`: its recorded ones). */
export type OpportunityResult = { version: string; serving: string; promoted: boolean; reason: string; metrics: OpportunityMetrics; outputs: string[]; rowsIn: number; rowsOut: number; trained: boolean; nextRetrain: string | null };

export async function trainOpportunity(config: Config): Promise<OpportunityResult> {
  const started = performance.now();
  const backend = await initTf();
  const paths = lakePaths(config);
  const cfg = opportunityConfig(config);
  const W = cfg.outcome.horizonDays;
  const db = await openDb();
  try {
    const index = await snapshotIndex(db, paths, FEATURES);
    const L = index.labelled;
    const newest = index.all[index.all.length - 1]!;
    const dataEnd = daysToIso(newest);
    const rowsIn = countAt(index, index.all, "n");
    const text = (t: string) => /CHAR|TEXT|STRING|BOOL/i.test(t);
    const hashes = {
      configHash: configHash({ outcome: cfg.outcome, salesTopics: cfg.salesTopics, seed: cfg.seed }),
      featureHash: configHash({ numeric: index.features.filter((f) => !text(f.type)).map((f) => f.name).sort(), categorical: index.features.filter((f) => text(f.type)).map((f) => f.name).sort(), W }),
    };
    const plan = planRetrain(config, paths, "opportunity", dataEnd, hashes);
    if (!plan.retrain) {
      const served = await loadOpportunityVersion(paths, plan.serving.version).catch((err: Error) => { log.warn({ err: err.message }, `opportunity: serving ${plan.serving.version} cannot be loaded; retraining`); return null; });
      if (served) {
        try {
          const frame = await loadSnapshots(db, paths, index, [newest], { labelledOnly: false, ids: true });
          const mart = await writeOpportunityScore(db, paths, served, frame, allRows(frame), served.version);
          log.info({ serving: served.version, nextRetrain: plan.nextDue }, "opportunity: scored with the serving version (no retrain due)");
          return { version: served.version, serving: served.version, promoted: false, reason: plan.reason, metrics: plan.serving.metrics as OpportunityMetrics, outputs: [mart.path], rowsIn, rowsOut: mart.rows, trained: false, nextRetrain: plan.nextDue };
        } finally {
          served.model.dispose();
        }
      }
    }
    const ev = windows(L, L[L.length - 1]!, W);
    if (ev.train.length < 2 || ev.calib.length === 0) {
      throw new Error(`opportunity: ${L.length} labelled weekly snapshots are too few for time-honest train, calibration and test windows ${W} days apart`);
    }
    const evFit = fitOpportunity(
      await opportunitySample(db, paths, index, ev.train, cfg.seed),
      await loadSnapshots(db, paths, index, ev.calib, { labelledOnly: true, ids: false }));
    const testFrame = await loadSnapshots(db, paths, index, ev.test, { labelledOnly: true, ids: false });
    const testRows = allRows(testFrame);
    const y = labels(testFrame, testRows);
    const scored = score(scorerOf(evFit), testFrame, testRows);
    const span = (ds: number[]): [string, string] => [daysToIso(ds[0]!), daysToIso(ds[ds.length - 1]!)];
    const metrics: OpportunityMetrics = {
      rocAuc: rocAuc(y, scored.probability), prAuc: prAuc(y, scored.probability), brier: brier(y, scored.probability),
      logLoss: logLoss(y, scored.probability), liftTopDecile: liftTopDecile(y, scored.probability), baseRate: baseRate(y),
      nTrain: evFit.nTrain, nCalibration: evFit.nCalibration, nTest: testRows.length, positivesTest: y.reduce((a, b) => a + b, 0),
      calibration: calibrationTable(y, scored.probability), platt: evFit.platt, labelWindowDays: W,
      trainSnapshots: span(ev.train), calibrationSnapshots: span(ev.calib), testSnapshots: span(ev.test),
    };
    evFit.model.dispose();
    log.info({ rocAuc: metrics.rocAuc, prAuc: metrics.prAuc, liftTopDecile: metrics.liftTopDecile }, "opportunity: evaluated");

    const finCalib = L.slice(-4);
    const finTrain = L.filter((d) => d <= finCalib[0]! - W);
    const finFit = fitOpportunity(
      await opportunitySample(db, paths, index, finTrain, cfg.seed),
      await loadSnapshots(db, paths, index, finCalib, { labelledOnly: true, ids: false }));
    const scoreEntry = { metric: "test ROC AUC", value: metrics.rocAuc ?? 0.5, higherIsBetter: true };
    const serving = servingEntry(paths, "opportunity");
    const sameQuestion = serving !== null && serving.configHash === hashes.configHash && serving.featureHash === hashes.featureHash;
    const incumbent = sameQuestion ? await loadOpportunityVersion(paths, serving!.version).catch(() => null) : null;
    const incumbentNow = incumbent && incumbent.meta.dataEnd < daysToIso(ev.test[0]!) ? rocAuc(y, score(incumbent, testFrame, testRows).probability) : null;
    const decision = sameQuestion && !incumbent
      ? { promote: true, reason: `serving ${serving!.version} cannot be loaded`, incumbent: null }
      : decide({ score: scoreEntry, ...hashes }, serving, incumbentNow);
    const version = newVersion(paths, "opportunity");
    const trainingWindow = { evaluation: { train: metrics.trainSnapshots, calibration: metrics.calibrationSnapshots, test: metrics.testSnapshots }, final: { train: span(finTrain), calibration: span(finCalib) }, dataEnd };
    const meta: OpportunityMeta = { kind: "opportunity", prep: finFit.prep, platt: finFit.platt, kernel: Array.from(finFit.fit.kernel), dataEnd, labelWindowDays: W };
    const saved = !decision.promote ? null : await saveModelVersion(paths, "opportunity", version, { model: finFit.model }, meta as unknown as Record<string, unknown>, {
      model: "opportunity",
      kind: "logistic regression (tfjs, Newton/IRLS, L2), negatives subsampled and reweighted, Platt-calibrated on a later window",
      outcome: cfg.outcome, metrics, score: scoreEntry, decision, trainingWindow, ...hashes, backend, seed: cfg.seed,
      rows: { in: rowsIn, train: finFit.nTrain, trainUsed: finFit.nTrainUsed, calibration: finFit.nCalibration, test: testRows.length },
      features: finFit.prep.features.map((f) => f.name), seconds: (performance.now() - started) / 1000, createdAt: new Date().toISOString(),
    });
    const entry = recordVersion(paths, "opportunity", { version, createdAt: new Date().toISOString(), score: scoreEntry, trainingWindow, ...hashes, metrics }, decision, registryConfig(config).keep);
    log.debug({ version, status: entry.status, reason: entry.reason }, "opportunity: registry decision");

    const use: Scorer & { version: string } = decision.promote || !incumbent ? { ...scorerOf(finFit), version } : incumbent;
    const frame = await loadSnapshots(db, paths, index, [newest], { labelledOnly: false, ids: true });
    const mart = await writeOpportunityScore(db, paths, use, frame, allRows(frame), use.version);
    finFit.model.dispose();
    incumbent?.model.dispose();
    return {
      version, serving: use.version, promoted: decision.promote, reason: decision.reason, metrics,
      outputs: [mart.path, ...(saved?.files ?? []), `${paths.models}/opportunity/registry.json`], rowsIn, rowsOut: mart.rows, trained: true, nextRetrain: null,
    };
  } finally {
    db.close();
  }
}

function scorerOf(f: Fitted): Scorer {
  return { model: f.model, prep: f.prep, platt: f.platt, kernel: f.fit.kernel };
}

/** Probabilities, bands ('high' top 10%, 'medium' next 20%) and reasons for the rows. */
export function scoreOpportunity(s: Scorer, frame: SnapshotFrame, rows: Int32Array): { probability: Float64Array; band: string[]; reason: string[] } {
  const { x, probability } = score(s, frame, rows);
  return { probability, band: bands(probability, Array.from(rows, (i) => frame.ids[i]!)), reason: reasons(s.kernel, s.prep, frame, rows, x) };
}

async function writeOpportunityScore(db: Db, paths: Paths, s: Scorer, frame: SnapshotFrame, rows: Int32Array, version: string) {
  const { probability, band, reason } = scoreOpportunity(s, frame, rows);
  const segment = frame.categorical.get("segment");
  await loadTable(db, "opportunity_scores", [
    { name: "contact_id", type: "VARCHAR", values: Array.from(rows, (i) => frame.ids[i]!) },
    { name: "segment", type: "VARCHAR", values: Array.from(rows, (i) => segment?.[i] ?? "Unknown") },
    { name: "as_of", type: "DATE", values: Array.from(rows, (i) => frame.asOf[i]!) },
    { name: "opportunity_probability", type: "DOUBLE", values: probability },
    { name: "band", type: "VARCHAR", values: band },
    { name: "top_reason", type: "VARCHAR", values: reason },
  ]);
  return writeMart(db, paths, OPPORTUNITY_MART, `
    SELECT contact_id, segment, as_of, opportunity_probability, band, top_reason,
           '${version.replaceAll("'", "''")}'::VARCHAR AS model_version
    FROM opportunity_scores ORDER BY opportunity_probability DESC, contact_id`);
}

/** A saved opportunity version, ready to score. */
export async function loadOpportunityVersion(paths: Paths, version: string): Promise<Scorer & { version: string; meta: OpportunityMeta }> {
  const v = await loadModelVersion<OpportunityMeta>(paths, "opportunity", version);
  if (v.metadata.kind !== "opportunity" || !v.parts.model) throw new Error(`${v.dir} is not an opportunity model version`);
  return { version, meta: v.metadata, model: v.parts.model, prep: v.metadata.prep, platt: v.metadata.platt, kernel: v.metadata.kernel };
}
