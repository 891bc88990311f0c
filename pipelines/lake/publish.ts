/**
 * Publishing merged partitions. A merge rewrites partitions that hold rows no source will send
 * again (an API page is not fetched twice), so a crash between "old partition moved aside" and
 * "new partition moved in" must not lose the old rows. A journal, fsynced before the first rename,
 * lists the swaps; the next run rolls an interrupted publish forward (the staged partitions were
 * complete before the journal was written). Each partition is swapped whole by rename(2): readers
 * see the old partition or the new one, never half of one.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { fsyncDir, writeJsonAtomic } from "../core/stateFile.ts";

const Journal = z.object({ target: z.string(), staged: z.string(), trash: z.string(), swap: z.array(z.string()), remove: z.array(z.string()) });
type Journal = z.infer<typeof Journal>;

/** Swap the staged partitions in and remove the emptied ones; returns what changed. */
export function publishPartitions(journalPath: string, j: Journal): { published: number; removed: number } {
  writeJsonAtomic(journalPath, j);
  apply(j);
  rmSync(journalPath, { force: true });
  return { published: j.swap.length, removed: j.remove.length };
}

/** Finish a publish a crash interrupted (call before staging is cleared). */
export function recoverPublishes(stagingRoot: string): string[] {
  if (!existsSync(stagingRoot)) return [];
  const done: string[] = [];
  for (const f of readdirSync(stagingRoot).filter((x) => x.endsWith(".journal.json"))) {
    const path = join(stagingRoot, f);
    const parsed = Journal.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (parsed.success) apply(parsed.data);
    rmSync(path, { force: true });
    done.push(f);
  }
  return done;
}

function apply(j: Journal): void {
  mkdirSync(j.target, { recursive: true });
  mkdirSync(j.trash, { recursive: true });
  for (const part of j.swap) {
    const staged = join(j.staged, part);
    if (!existsSync(staged)) continue; // already swapped in
    const target = join(j.target, part);
    if (existsSync(target)) renameSync(target, join(j.trash, `${part}-${Date.now()}`));
    renameSync(staged, target);
  }
  for (const part of j.remove) {
    const target = join(j.target, part);
    if (existsSync(target)) renameSync(target, join(j.trash, `${part}-${Date.now()}`));
  }
  fsyncDir(j.target);
  rmSync(j.trash, { recursive: true, force: true });
}

/** Replace one snapshot file (an unpartitioned entity) with rename(2). */
export function publishSnapshot(staged: string, targetDir: string): void {
  mkdirSync(targetDir, { recursive: true });
  renameSync(staged, join(targetDir, "data.parquet"));
  fsyncDir(targetDir);
}
