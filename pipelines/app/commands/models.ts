/**
 * The model commands: `train` (the pipeline's models, or the churn model on any tabular file) and
 * `forecast` (the forecaster on any series file). The file modes print the reference peers' JSON
 * shape to stdout, so their numbers sit side by side (see ../shared/peers/README.md).
 */
import type { Command } from "commander";
import * as stages from "../stages.ts";
import { configFrom, ledgered, parseIntStrict, requireInputs, UsageError } from "./shared.ts";
import { forcingRetrain, type RetrainModel } from "../../../models/shared/retrain.ts";

const list = (name: string) => (v: string): number[] => {
  const out = v.split(",").map((s) => Number(s.trim()));
  if (out.some((n) => !Number.isInteger(n) || n <= 0)) throw new UsageError(`${name}: expected whole numbers separated by commas, got "${v}"`);
  return out;
};

export function register(program: Command): void {
  program.command("train")
    .description("train the churn and volume-forecast models (TensorFlow.js), write prediction and staffing marts; or, with --input, the churn model on a tabular file")
    .argument("[model]", "churn | forecast | opportunity | all (churn and forecast)", "all")
    .option("--input <file>", "churn on this CSV or Parquet file instead of the pipeline's marts (prints metrics JSON)")
    .option("--target <col>", "with --input: the label column")
    .option("--positive <value>", "with --input: the label value meaning churned (exactly; see --positive-ignore-case)")
    .option("--positive-ignore-case", "with --input: also take target values equal to --positive up to case and spaces (e.g. TRUE and True); without it they are an error")
    .option("--id <col>", "with --input: the row id column")
    .option("--test-ids <file>", "with --input: CSV of test ids (header, one id per line), e.g. from churn_peer.py --test-ids-out")
    .option("--seed <n>", "with --input: seed of the 80/20 split when no --test-ids", parseIntStrict("--seed"))
    .option("--retrain", "retrain now even when models.retrain.<model>.everyDays says the serving version only scores until its next retrain is due")
    .option("--quick", "with --input: a smaller candidate grid (one seed each, fewer epochs and trees): seconds instead of minutes, a little less accurate")
    .action(async (model: string, opts, cmd) => {
      if (!["churn", "forecast", "opportunity", "all"].includes(model)) throw new UsageError(`train: unknown model "${model}" (expected churn, forecast, opportunity or all)`);
      if (opts.input) {
        if (model !== "churn") throw new UsageError("train: --input trains the churn model only (`train churn --input FILE`); series files go to `commsight forecast`");
        // --positive is checked against the file's values (generic.ts): a missing one is reported with the values seen.
        if (!opts.target) throw new UsageError("train churn --input: --target is required");
        if (opts.testIds && !opts.id) throw new UsageError("train churn --input: --test-ids needs --id");
        if (opts.positiveIgnoreCase && opts.positive === undefined) throw new UsageError("train churn --input: --positive-ignore-case needs --positive");
        const { trainChurnFile, LabelError } = await import("../../../models/churn/generic.ts");
        const { defaultCandidates } = await import("../../../models/churn/candidates.ts");
        const doc = await trainChurnFile({
          input: opts.input, target: opts.target, positive: opts.positive, positiveIgnoreCase: Boolean(opts.positiveIgnoreCase),
          id: opts.id, testIds: opts.testIds, seed: opts.seed, candidates: opts.quick ? defaultCandidates(true) : undefined,
        })
          .catch((err: unknown) => { throw err instanceof LabelError ? new UsageError(err.message) : err; });
        process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
        return;
      }
      const chosen: RetrainModel[] = model === "all" ? ["churn", "forecast"] : [model as RetrainModel];
      const config = opts.retrain ? forcingRetrain(configFrom(cmd), chosen) : configFrom(cmd);
      if (model === "opportunity") {
        requireInputs(config, ["train-opportunity"]);
        await ledgered(config, "train", (run) => stages.trainOpportunity(run, config));
        return;
      }
      requireInputs(config, model === "all" ? ["train-churn", "train-forecast"] : [model === "churn" ? "train-churn" : "train-forecast"]);
      await ledgered(config, "train", (run) => stages.train(run, config, model as "churn" | "forecast" | "all"));
    });

  program.command("outreach")
    .description("build the week's outreach list (churn risk, likely buyers, recent buyers) within capacity, its CSV, and the outcomes of earlier lists")
    .action(async (_opts, cmd) => {
      const config = configFrom(cmd);
      requireInputs(config, ["outreach"]);
      await ledgered(config, "outreach", (run) => stages.outreach(run, config));
    });

  program.command("forecast")
    .description("forecast a series file with the holdout protocol of the reference peers; prints metrics JSON (ours and seasonal naive)")
    .requiredOption("--input <file>", "CSV or Parquet, one row per period, in time order")
    .requiredOption("--time-col <col>", "time column (dates with the same number of points per day enable the calendar layout)")
    .requiredOption("--value-col <col>", "value column")
    .requiredOption("--season-length <n>", "points per season (e.g. 169 five-minute slots a day, 7 for daily data)", parseIntStrict("--season-length"))
    .requiredOption("--horizon <n>", "points to forecast", parseIntStrict("--horizon"))
    .option("--holdout <n>", "last points held out for scoring (default: horizon)", parseIntStrict("--holdout"))
    .option("--seasonal-periods <list>", "all seasonal periods, e.g. 169,845 (the longest sets the cycle in index layout)", list("--seasonal-periods"))
    .option("--layout <layout>", "auto | calendar | index", "auto")
    .action(async (opts) => {
      if (!["auto", "calendar", "index"].includes(opts.layout)) throw new UsageError(`forecast: --layout must be auto, calendar or index, got "${opts.layout}"`);
      if (opts.seasonLength < 1 || opts.horizon < 1) throw new UsageError("forecast: --season-length and --horizon must be at least 1");
      const { forecastFile } = await import("../../../models/forecast/generic.ts");
      const doc = await forecastFile({
        input: opts.input, timeCol: opts.timeCol, valueCol: opts.valueCol, seasonLength: opts.seasonLength,
        horizon: opts.horizon, holdout: opts.holdout ?? opts.horizon, seasonalPeriods: opts.seasonalPeriods, layout: opts.layout,
      });
      process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
    });
}
