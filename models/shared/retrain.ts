/**
 * When a model retrains (`models.retrain`): each model retrains when its schedule is due, and on the
 * other nights only scores the newest data with the serving version. Due means: no serving version
 * yet, or it cannot be loaded, or its config or feature hash differs from today's (it answers
 * another question), or `everyDays` have passed since the data end of the last retrain of this
 * question (promoted or refused: a refused retrain was a retrain). The default is weekly (7 days): the
 * feature marts gain one labelled snapshot a week, so a nightly retrain would mostly refit the same
 * question on the same labels. `everyDays: 0` retrains on every run; `commsight train <model> --retrain`
 * forces one retrain now (forcingRetrain).
 *
 * "Today" is the data's last day (the newest snapshot or series day the model reads), never the
 * wall clock, so the same data gives the same decision on any machine and in tests.
 *
 * The forecast is scheduled the same way (`models.retrain.forecast`): its version stores what
 * serving needs beyond the weights (scalers, interval models, reconciliation dispersions; the
 * hierarchy follows from the series), so a night that is not due forecasts from the newest data
 * with the serving version and runs no backtest and no refit (forecast/serve.ts).
 */
import { z } from "zod";
import { registerConfigSection, type Config } from "../../pipelines/core/config.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { daysToIso, isoToDays } from "./dates.ts";
import { readRegistry, servingEntry, type RegistryEntry } from "./registry.ts";

const Every = z.strictObject({
  /** Retrain when at least this many days of new data have come since the last retrain; 0: every run. */
  everyDays: z.number().int().min(0).default(7),
}).prefault({});

export const RetrainConfigSchema = z.strictObject({
  churn: Every,
  opportunity: Every,
  forecast: Every,
}).prefault({});
export type RetrainConfig = z.infer<typeof RetrainConfigSchema>;
export type RetrainModel = keyof RetrainConfig;

registerConfigSection("models.retrain", RetrainConfigSchema);

/** The `models.retrain` section (defaults when the config was parsed without it). */
export function retrainConfig(config: Config): RetrainConfig {
  const got = (config.models as unknown as { retrain?: RetrainConfig }).retrain;
  return got ?? RetrainConfigSchema.parse(undefined);
}

/** The config with these models' schedules set to retrain on this run (`train --retrain`). */
export function forcingRetrain(config: Config, models: RetrainModel[]): Config {
  const retrain = { ...retrainConfig(config) };
  for (const m of models) retrain[m] = { ...retrain[m], everyDays: 0 };
  return { ...config, models: { ...config.models, retrain } as Config["models"] };
}

export type RetrainPlan =
  | { retrain: true; reason: string }
  | { retrain: false; reason: string; serving: RegistryEntry; lastTrained: string; nextDue: string };

/** The data end of a registry entry (trainingWindow.dataEnd), if it has one. */
function dataEndOf(e: RegistryEntry): string | null {
  const w = e.trainingWindow as { dataEnd?: unknown } | null | undefined;
  return typeof w?.dataEnd === "string" ? w.dataEnd : null;
}

/**
 * Retrain today (`today`: the data's last day, YYYY-MM-DD)? `hashes` are the config and feature
 * hashes a retrain would record now. Loading the serving version is the caller's check (a version
 * that cannot be loaded retrains).
 */
export function planRetrain(config: Config, paths: Paths, model: RetrainModel, today: string, hashes: { configHash: string; featureHash: string }): RetrainPlan {
  const every = retrainConfig(config)[model].everyDays;
  const serving = servingEntry(paths, model);
  if (!serving) return { retrain: true, reason: "first model" };
  if (!serving.metrics) return { retrain: true, reason: `serving ${serving.version} records no metrics` };
  if (every === 0) return { retrain: true, reason: "models.retrain." + model + ".everyDays is 0: retrain on every run" };
  if (serving.configHash !== hashes.configHash) return { retrain: true, reason: `config changed since serving ${serving.version}` };
  if (serving.featureHash !== hashes.featureHash) return { retrain: true, reason: `features changed since serving ${serving.version}` };
  const same = readRegistry(paths, model).filter((e) => e.configHash === hashes.configHash && e.featureHash === hashes.featureHash);
  const ends = same.map(dataEndOf).filter((d): d is string => d !== null).sort();
  const last = ends[ends.length - 1] ?? dataEndOf(serving);
  if (!last) return { retrain: true, reason: `serving ${serving.version} records no data end` };
  const nextDue = daysToIso(isoToDays(last) + every);
  if (today >= nextDue) return { retrain: true, reason: `retrain due (every ${every} days; last on data to ${last})` };
  return { retrain: false, reason: `next retrain due on data to ${nextDue} (every ${every} days; last on data to ${last})`, serving, lastTrained: last, nextDue };
}
