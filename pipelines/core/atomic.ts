/**
 * Publishing written data so readers never see half of it: everything is first written under
 * data/lake/.staging, then moved into place with rename(2), which is atomic on one file system.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

/** Byte-identical files: an unchanged rewrite is not published, so readers and incremental builds see no change. */
function sameFile(a: string, b: string): boolean {
  if (!existsSync(a) || !existsSync(b) || statSync(a).size !== statSync(b).size) return false;
  return readFileSync(a).equals(readFileSync(b));
}

function sameDir(a: string, b: string): boolean {
  if (!existsSync(b)) return false;
  const fa = readdirSync(a).sort();
  const fb = readdirSync(b).sort();
  return fa.length === fb.length && fa.every((f, i) => f === fb[i] && sameFile(join(a, f), join(b, f)));
}

/** Replace a file atomically with one written beside it (or in the same file system); identical content is left as it is. */
export function publishFile(written: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  if (sameFile(written, target)) {
    rmSync(written, { force: true });
    return;
  }
  renameSync(written, target);
}

/**
 * Publish the partition directories of `stagedDir` into `targetDir`: each partition is swapped
 * whole (old one moved aside, new one renamed in, old one removed). With `replaceAll`, target
 * partitions absent from the staged set are removed too (a full snapshot of the source).
 */
export function publishPartitions(stagedDir: string, targetDir: string, replaceAll: boolean): { published: string[]; removed: string[] } {
  mkdirSync(targetDir, { recursive: true });
  const staged = existsSync(stagedDir) ? readdirSync(stagedDir).filter((p) => p.includes("=")).sort() : [];
  const trash = join(dirname(stagedDir), `.trash-${process.pid}-${Date.now()}`);
  mkdirSync(trash, { recursive: true });
  for (const part of staged) {
    const target = join(targetDir, part);
    if (sameDir(join(stagedDir, part), target)) continue;
    if (existsSync(target)) renameSync(target, join(trash, part));
    renameSync(join(stagedDir, part), target);
  }
  const removed: string[] = [];
  if (replaceAll) {
    const keep = new Set(staged);
    for (const part of readdirSync(targetDir)) {
      if (part.includes("=") && !keep.has(part)) {
        renameSync(join(targetDir, part), join(trash, part));
        removed.push(part);
      }
    }
  }
  rmSync(trash, { recursive: true, force: true });
  return { published: staged, removed };
}

/** Remove leftovers of a crashed run (staging and trash), so a rerun starts clean. */
export function clearStaging(stagingRoot: string): void {
  rmSync(stagingRoot, { recursive: true, force: true });
  mkdirSync(stagingRoot, { recursive: true });
}
