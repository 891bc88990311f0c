/**
 * The order test files run in, and the start of the shared demo (test/setup/sharedDemo.ts).
 *
 * vitest hands the files of the run to `sort` before any runs. When one of them imports the shared demo,
 * the build starts here, in a child process, and its folder is put in COMMSIGHT_SHARED_DEMO, which the
 * workers inherit. The order is vitest's own (failed first, then the longest by the last run's durations,
 * larger files first when unknown), changed so the build never leaves a worker waiting: files that need no
 * demo, about two build-times' worth, first; then the consumers, longest first; then the rest.
 *
 * On a clean clone (CI) vitest's cache knows no durations, and the longest file (the nights test, minutes)
 * could start last and run alone at the end. durations.json, the seconds each file took in one full run
 * (written from that run's report; only an ordering hint, so staleness costs a little time, not a result),
 * stands in for the cache there: longest first, as vitest orders by its cache.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { ENV, OWNER, removeBuild, startBuild } from "./demoBuild.ts";

/** About what the small demo build takes on one core of the CI machine, in ms (the workers run on beside it). */
const BUILD_MS = 180_000;
/** What a file the cache knows nothing about is counted as, in ms. */
const UNKNOWN_MS = 10_000;

const consumer = new Map<string, boolean>();
export function usesSharedDemo(file: string): boolean {
  let c = consumer.get(file);
  if (c === undefined) {
    c = /from\s+["'][./]*(?:\.\.\/)*setup\/sharedDemo(?:\.ts)?["']/.test(readFileSync(file, "utf8"));
    consumer.set(file, c);
  }
  return c;
}

/** Seconds per file from one full run (relative path → s), for files vitest's cache does not know. */
const KNOWN: Record<string, number> = JSON.parse(readFileSync(join(import.meta.dirname, "durations.json"), "utf8"));

export default class SharedDemoSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    // Longest first by the cache, or else by durations.json (a stable sort keeps vitest's order among the unknown).
    const sorted = base.every((f) => this.cached(f) === undefined)
      ? [...base].sort((a, b) => this.duration(b) - this.duration(a))
      : base;
    const consumers = sorted.filter((f) => usesSharedDemo(f.moduleId));
    if (!consumers.length) return sorted;
    if (process.env[OWNER] === String(process.pid)) removeBuild(process.env[ENV]!); // a rerun (watch mode): the code may have changed
    // Always a fresh build: a folder named in the environment from outside is neither reused nor touched.
    process.env[ENV] = startBuild();
    process.env[OWNER] = String(process.pid);
    const others = sorted.filter((f) => !usesSharedDemo(f.moduleId));
    // Two workers share the machine with the build: they get through about twice its time in that while.
    let budget = 2 * BUILD_MS;
    let k = 0;
    while (k < others.length && budget > 0) budget -= this.duration(others[k++]!);
    return [...others.slice(0, k), ...consumers, ...others.slice(k)];
  }

  private cached(f: TestSpecification): number | undefined {
    const key = `${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`;
    return this.ctx.cache.getFileTestResults(key)?.duration;
  }

  private duration(f: TestSpecification): number {
    const known = KNOWN[relative(this.ctx.config.root, f.moduleId)];
    return this.cached(f) ?? (known !== undefined ? known * 1000 : UNKNOWN_MS);
  }
}
