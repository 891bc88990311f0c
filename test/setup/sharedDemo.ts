/**
 * One small demo (seed 42, two years to 2026-11-15, every stage of `commsight demo`) per vitest run, for
 * the test files that only read a demo's output. A file that imports this module is a consumer: the
 * sequencer (test/setup/sequencer.ts) sees the import, starts the build when the run begins (in a child
 * process, the real CLI) and runs the files that need no demo first, so both workers stay busy while it
 * builds. `await sharedDemo()` waits for the build and returns its folder.
 *
 * The folder is READ-ONLY for everyone: a file that writes (re-renders a report, runs a stage) works on
 * `copyOfSharedDemo()` or writes elsewhere (tmpDir), so files running in parallel never see each other's
 * writes. The global teardown (test/setup/global.ts) fails the run if any file under it changed.
 *
 * Outside a vitest run with the sequencer (no COMMSIGHT_SHARED_DEMO), the first call builds one for this
 * process alone.
 */
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { tmpDir } from "../helpers/records.ts";
import { buildFiles, ENV, exitCode, startBuild, waitForBuild } from "./demoBuild.ts";

export type SharedDemo = {
  /** The data folder (`--data`) of the demo run. */
  data: string;
  /** The config it ran with: `demo: { scale: small, seed: 42 }`, the defaults otherwise, paths.data = data. */
  config: Config;
  /** The demo command's exit code (sharedDemo() throws with its stderr when it is not 0). */
  exitCode: number;
  /** The config file it ran with (`--config`). */
  configFile: string;
  /** The generator's manifest (data/sources/demo/manifest.json): the planted truths. */
  manifest: any;
  /** Everything the demo run printed, stdout then stderr, logged at debug level. */
  output(): string;
};

let own: string | undefined;
let ready: Promise<SharedDemo> | undefined;

/** The shared demo, once built (the build has begun when the run started; this waits for its end). */
export function sharedDemo(): Promise<SharedDemo> {
  ready ??= (async () => {
    const dir = process.env[ENV] ?? (own ??= startBuild(`own-${process.pid}-${Date.now().toString(36)}`));
    await waitForBuild(dir);
    const f = buildFiles(dir);
    return {
      data: f.data,
      exitCode: exitCode(dir)!,
      configFile: f.config,
      config: parseConfig({ paths: { data: f.data }, demo: { scale: "small", seed: 42 } }),
      manifest: JSON.parse(readFileSync(join(f.data, "sources", "demo", "manifest.json"), "utf8")),
      output: () => readFileSync(f.stdout, "utf8") + readFileSync(f.stderr, "utf8"),
    };
  })();
  return ready;
}

/**
 * A private copy of the shared demo's data folder (for a file that writes into it), in a new temporary
 * folder; `filter` may leave out paths (relative to the data folder). Modification times are kept, as
 * `cp -a` keeps them: the stages' own change detection (enrich's per-day state, stage freshness) sees the
 * copy as the demo left it, so a test's night costs what a real night after the demo would.
 */
export async function copyOfSharedDemo(prefix: string, filter: (rel: string) => boolean = () => true): Promise<string> {
  const { data } = await sharedDemo();
  const to = join(tmpDir(prefix), "data");
  cpSync(data, to, { recursive: true, preserveTimestamps: true, filter: (src) => filter(src.slice(data.length + 1)) });
  return to;
}
