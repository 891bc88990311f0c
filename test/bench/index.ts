/**
 * `npm run bench`: runs every test/bench/*.bench.ts (or those named on the command line) and
 * prints their figures. Benchmarks report ratios measured in one run (the machines are shared
 * and noisy), and write everything to data/bench/<name>.json.
 */
import "../../pipelines/app/config.ts";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export type BenchFigure = { name: string; value: number; unit: string; note?: string };
export type Bench = { title: string; run(): Promise<BenchFigure[]> };

const dir = import.meta.dirname;
const only = process.argv.slice(2);
// `models` also names the churn bench (churn.bench.ts: the churn model beside its peers).
const wanted = only.flatMap((o) => (o === "models" ? ["models", "churn"] : [o]));
const files = readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).filter((f) => wanted.length === 0 || wanted.some((o) => f.startsWith(o))).sort();
const outDir = join(process.cwd(), "data", "bench");
mkdirSync(outDir, { recursive: true });
let failed = false;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: Bench };
  process.stdout.write(`\n## ${mod.default.title} (${file})\n`);
  try {
    const figures = await mod.default.run();
    for (const f of figures) process.stdout.write(`  ${f.name.padEnd(48)} ${String(f.value).padStart(14)} ${f.unit}${f.note ? `  (${f.note})` : ""}\n`);
    writeFileSync(join(outDir, file.replace(/\.bench\.ts$/, ".json")), JSON.stringify({ title: mod.default.title, at: new Date().toISOString(), figures }, null, 2));
  } catch (err) {
    failed = true;
    process.stdout.write(`  FAILED: ${(err as Error).stack}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
