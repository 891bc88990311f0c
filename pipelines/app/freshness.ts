/**
 * Stage freshness, as Dagster's and dbt's "source freshness / state:modified" do it: a stage whose
 * inputs, outputs, settings and code are exactly as they were when it last succeeded would produce
 * the same outputs again, so the graph skips it and says so. A night with no new data then costs
 * a few stat calls per stage instead of a rebuild.
 *
 * A stage's fingerprint hashes
 *   - every file of every dataset it reads (from the catalog: size and mtime) and of the model
 *     registry folder it keeps (data/models/<model>), so a changed partition, a deleted file, a
 *     webhook batch or a retrain all count as change;
 *   - every file of what it produces, so an output someone deleted or overwrote is rebuilt;
 *   - the whole resolved config, and the code (every .ts/.sql/.yml/.hbs/.csv file of the project:
 *     size and mtime), so a changed setting or model rebuilds;
 *   - for retention, today's date (its cut-off moves with the calendar even when no data does).
 * Extract is never skipped (it reads sources outside the lake; its own memo skips unchanged files),
 * nor are alerts (actions that failed must be retried, and rules files live outside the catalog).
 * The fingerprint is recorded only after the stage succeeded, in data/state/stages.json.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import type { Config } from "../core/config.ts";
import { lakePaths, projectRoot, type Paths } from "../core/paths.ts";
import { readJson, writeJsonAtomic } from "../core/stateFile.ts";
import { catalog, datasetDir, type Stage } from "../catalog/datasets.ts";
import type { StageNode } from "./graph.ts";
import { today } from "../core/clock.ts";

/** Bump when what a fingerprint covers changes. */
const FORMAT = 1;
const NEVER_SKIPPED: ReadonlySet<Stage> = new Set<Stage>(["extract", "alerts"]);
const MODEL_OF: Partial<Record<Stage, string>> = { "train-churn": "churn", "train-forecast": "forecast", "train-opportunity": "opportunity" };
const CODE_DIRS = ["pipelines", "models", "transforms", "reports"];
const CODE_FILE = /\.(ts|mts|sql|ya?ml|hbs|csv|json)$/;

const Entry = z.object({ fingerprint: z.string(), runId: z.string(), at: z.string() });
const State = z.object({ format: z.number(), stages: z.record(z.string(), Entry) });
type State = z.infer<typeof State>;

export type Freshness = { skip: false } | { skip: true; since: { runId: string; at: string } };

/**
 * Every file under a path (depth-first, sorted), as "path size mtime" with the path relative to the
 * data folder (a data folder moved or copied with its times keeps its fingerprints); missing is "-".
 */
function stampTree(root: string, path: string, out: string[]): void {
  const name = relative(root, path);
  if (!existsSync(path)) { out.push(`${name} -`); return; }
  const s = statSync(path);
  if (!s.isDirectory()) { out.push(`${name} ${s.size} ${Math.round(s.mtimeMs)}`); return; }
  for (const e of readdirSync(path).sort()) {
    if (e.startsWith(".tmp")) continue;
    stampTree(root, join(path, e), out);
  }
}

let codeStamp: string | null = null;
/** The project's code (size and mtime of every source file): computed once per process. */
function code(): string {
  if (codeStamp !== null) return codeStamp;
  const h = createHash("sha256");
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (CODE_FILE.test(e.name)) { const s = statSync(p); h.update(`${p} ${s.size} ${Math.round(s.mtimeMs)}\n`); }
    }
  };
  for (const d of CODE_DIRS) walk(join(projectRoot, d));
  codeStamp = h.digest("hex");
  return codeStamp;
}


/** The stage's fingerprint now (inputs, outputs, config, code). */
export function fingerprint(config: Config, paths: Paths, node: StageNode): string {
  const cat = catalog();
  const files: string[] = [];
  const dirs = new Set<string>();
  for (const id of [...node.reads, ...node.produces]) dirs.add(datasetDir(paths, cat.get(id)));
  const model = MODEL_OF[node.name];
  if (model) dirs.add(join(paths.models, model));
  for (const d of [...dirs].sort()) stampTree(paths.data, d, files);
  // Where the data folder is does not change what a stage computes: the settings without the paths.
  const { paths: _where, ...settings } = config;
  const h = createHash("sha256").update(`${FORMAT}\n${node.name}\n${code()}\n${JSON.stringify(settings)}\n`);
  if (node.name === "retention") h.update(`today ${today()}\n`);
  for (const f of files) h.update(`${f}\n`);
  return h.digest("hex");
}

export class StageFreshness {
  private readonly file: string;
  private readonly state: State;
  private readonly paths: Paths;

  constructor(private readonly config: Config) {
    this.paths = lakePaths(config);
    this.file = join(this.paths.data, "state", "stages.json");
    const fresh = () => ({ format: FORMAT, stages: {} });
    let s: State;
    try { s = readJson(this.file, State, fresh); } catch { s = fresh(); }
    this.state = s.format === FORMAT ? s : fresh();
  }

  /** Whether the stage can be skipped: it may be, and nothing it reads, writes or is configured by changed since it last succeeded. */
  check(node: StageNode): Freshness {
    if (NEVER_SKIPPED.has(node.name) || process.env.COMMSIGHT_NO_SKIP === "1") return { skip: false };
    const last = this.state.stages[node.name];
    if (!last || last.fingerprint !== fingerprint(this.config, this.paths, node)) return { skip: false };
    return { skip: true, since: { runId: last.runId, at: last.at } };
  }

  /** After the stage succeeded: what it saw and left, for the next run to compare with. */
  record(node: StageNode, runId: string): void {
    if (NEVER_SKIPPED.has(node.name)) return;
    this.state.stages[node.name] = { fingerprint: fingerprint(this.config, this.paths, node), runId, at: new Date().toISOString() };
    writeJsonAtomic(this.file, this.state);
  }

  /** A stage that failed (or was skipped for a failure upstream) must run next time. */
  forget(stage: Stage): void {
    if (!(stage in this.state.stages)) return;
    delete this.state.stages[stage];
    writeJsonAtomic(this.file, this.state);
  }
}
