/** The demo pipeline at small scale: wall time per stage and peak memory, measured in a child process. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bench } from "./index.ts";
import { readLedger, summariseRuns } from "../../pipelines/core/ledger.ts";

const bench: Bench = {
  title: "Demo pipeline, small scale (`commsight demo --scale small`)",
  async run() {
    const data = mkdtempSync(join(tmpdir(), "bench-demo-"));
    const root = join(import.meta.dirname, "..", "..");
    const t0 = performance.now();
    const child = spawnSync("node", [join(root, "pipelines/bin/commsight.mjs"), "--data", data, "demo", "--scale", "small"], {
      encoding: "utf8", env: { ...process.env, COMMSIGHT_REPORT_RSS: "1" }, maxBuffer: 1 << 26,
    });
    const wall = (performance.now() - t0) / 1000;
    if (child.status !== 0) throw new Error(`demo failed (exit ${child.status}): ${child.stderr.slice(-2000)}`);
    const rssKb = Number(/commsight-max-rss-kb (\d+)/.exec(child.stderr)?.[1] ?? NaN);
    const [run] = summariseRuns(readLedger(join(data, "runs", "ledger.jsonl")));
    return [
      { name: "wall time", value: Number(wall.toFixed(1)), unit: "s" },
      { name: "peak RSS", value: Math.round(rssKb / 1024), unit: "MiB" },
      ...run!.stages.map((s) => ({
        name: `stage ${s.stage}`, value: Number((s.seconds ?? 0).toFixed(1)), unit: "s",
        note: `${((100 * (s.seconds ?? 0)) / wall).toFixed(0)}% of wall`,
      })),
    ];
  },
};
export default bench;
