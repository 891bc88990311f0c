/**
 * Before a stage runs: is anything it reads there? A stage whose inputs (from the catalog, through the
 * stage graph) are all missing fails at once, naming the stage to run first, with exit 1 and nothing
 * written (not even a ledger entry) — instead of writing empty marts and failing later on a raw
 * DuckDB "No files found".
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../core/config.ts";
import { lakePaths, type Paths } from "../core/paths.ts";
import { catalog, datasetDir, STAGES, type Stage } from "../catalog/datasets.ts";
import { stageGraph } from "./graph.ts";

export class MissingInputError extends Error {}

/** True when the folder (or any folder below it) holds a Parquet file; stops at the first. */
export function holdsParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith(".parquet")) return true;
    if (e.isDirectory() && !e.name.startsWith(".") && holdsParquet(join(dir, e.name))) return true;
  }
  return false;
}

const COMMAND: Record<Stage, string> = {
  extract: "commsight extract", enrich: "commsight enrich", retention: "commsight retention", transform: "commsight transform",
  "train-churn": "commsight train churn", "train-forecast": "commsight train forecast",
  "train-opportunity": "commsight train opportunity", outreach: "commsight outreach", report: "commsight report", alerts: "commsight alerts run",
};

/**
 * Check the stages about to run: each one's inputs produced by a stage *outside* the selection must
 * not all be missing. Throws MissingInputError naming the first stage to run.
 */
export function requireInputs(config: Config, stages: Stage[]): void {
  const paths = lakePaths(config);
  const graph = stageGraph();
  const c = catalog();
  const running = new Set(stages);
  for (const stage of stages) {
    const external = graph.get(stage)!.reads
      .map((id) => c.find(id))
      .filter((d) => d !== undefined && d.zone !== "exports" && !running.has(d.producer));
    if (external.length === 0 || external.some((d) => present(paths, d!))) continue;
    const producers = STAGES.filter((s) => external.some((d) => d!.producer === s));
    const first = producers[0]!;
    const where = [...new Set(external.map((d) => zoneDir(paths, d!.zone)))].join(", ");
    const hint = first === "extract" ? " (or `commsight demo` for demo data)" : "";
    throw new MissingInputError(
      `${stage}: nothing to read in ${where}: run \`${COMMAND[first]}\` first${hint}. Nothing was written.`,
    );
  }
}

function present(paths: Paths, d: NonNullable<ReturnType<ReturnType<typeof catalog>["find"]>>): boolean {
  return holdsParquet(datasetDir(paths, d));
}

function zoneDir(paths: Paths, zone: string): string {
  return zone === "raw" ? paths.raw : zone === "enriched" ? paths.enriched : zone === "marts" ? paths.marts : paths.data;
}

/** `commsight sql` and the docs' row counts read the warehouse: it must be there. */
export function requireWarehouse(config: Config): string {
  const file = lakePaths(config).warehouse;
  if (!existsSync(file)) throw new MissingInputError(`no warehouse at ${file}: run \`commsight transform\` first (or \`commsight demo\`)`);
  return file;
}
