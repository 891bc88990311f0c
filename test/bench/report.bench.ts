/**
 * Leadership report render time on demo data: builds the demo (`commsight demo`) at the scale named by
 * COMMSIGHT_BENCH_SCALE (small by default; medium if you have the time), or reuses the data directory
 * in COMMSIGHT_BENCH_DATA, then renders the weekly and the monthly report three times each in this
 * process (Chromium started each time, as a scheduled run does) and reports the median and the spread.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bench, BenchFigure } from "./index.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { openWarehouse } from "../../pipelines/lake/warehouse.ts";
import { renderLeadershipReport } from "../../reports/leadership/render.ts";
import { renderStaffingReport } from "../../reports/staffing/render.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bench: Bench = {
  title: "Leadership report render time on demo data",
  async run() {
    const scale = process.env.COMMSIGHT_BENCH_SCALE ?? "small";
    const data = process.env.COMMSIGHT_BENCH_DATA ?? mkdtempSync(join(tmpdir(), `bench-report-${scale}-`));
    const root = join(import.meta.dirname, "..", "..");
    const figures: BenchFigure[] = [];
    if (!existsSync(join(data, "lake", "marts", "kpi_weekly"))) {
      const t0 = performance.now();
      const child = spawnSync("node", [join(root, "pipelines/bin/commsight.mjs"), "--data", data, "demo", "--scale", scale], { encoding: "utf8", maxBuffer: 1 << 26 });
      if (child.status !== 0) throw new Error(`demo failed (exit ${child.status}): ${child.stderr.slice(-2000)}`);
      figures.push({ name: `demo --scale ${scale} (to build the marts)`, value: Number(((performance.now() - t0) / 1000).toFixed(1)), unit: "s" });
    }
    const config = parseConfig({ paths: { data } });
    const db = await openWarehouse(join(data, "warehouse.duckdb"));
    const [size] = await rows<{ calls: number }>(db, "SELECT count(*) AS calls FROM calls").finally(() => db.close());
    for (const period of ["week", "month"] as const) {
      const ms: number[] = [];
      for (let i = 0; i < 3; i++) ms.push((await renderLeadershipReport(config, { period, outDir: join(data, "bench-out") })).ms);
      figures.push({ name: `leadership ${period}ly report, median of 3`, value: Number((median(ms) / 1000).toFixed(2)), unit: "s",
        note: `min ${(Math.min(...ms) / 1000).toFixed(2)} s, max ${(Math.max(...ms) / 1000).toFixed(2)} s; ${scale} demo, ${size!.calls.toLocaleString("en-US")} calls` });
    }
    const st = await renderStaffingReport(config, { period: "week", outDir: join(data, "bench-out") });
    figures.push({ name: "staffing weekly plan", value: Number((st.ms / 1000).toFixed(2)), unit: "s", note: `${st.model.rows.length} intervals` });
    return figures;
  },
};
export default bench;
