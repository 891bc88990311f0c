/**
 * The order test files run in, and the start of the shared demo (test/setup/sharedDemo.ts).
 *
 * vitest hands the files of the run to `sort` before any runs. When one of them imports the shared demo,
 * the build starts here, in a child process, and its folder is put in COMMSIGHT_SHARED_DEMO, which the
 * workers inherit. The order is vitest's own (failed first, then the longest by the last run's durations,
 * larger files first when unknown), changed so the build never leaves a worker waiting: files that need no
 * demo, about two build-times' worth, first; then the consumers, longest first; then the rest.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
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

export default class SharedDemoSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
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

  private duration(f: TestSpecification): number {
    const key = `${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`;
    return this.ctx.cache.getFileTestResults(key)?.duration ?? UNKNOWN_MS;
  }
}
