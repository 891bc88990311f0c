/**
 * What the folder extract saw the last time it merged each entity: the entity's files (size, times)
 * and the lake as the merge left it (each partition's Parquet files and, for records that take their
 * day from a parent, the parent's). When all of that is unchanged, merging the folder again would
 * change nothing (the merge is a function of the files and the lake), so the entity is not read
 * again: the hourly extract of an unchanged demo folder costs a few stat calls. Anything else
 * writing the lake (a webhook batch, a file drop, a deleted partition) changes the fingerprint, and
 * the folder is merged again.
 *
 * Retention is the exception it must not trip over: partitions of days before the retention cutoff
 * (the first day kept) are left out of the comparison, because the merge leaves records of those
 * days out too (they are expired, lake/merge.ts), so whether retention has deleted them changes
 * nothing the merge would do. A memo taken with a later cutoff than today's, or with one when there
 * is none now, does not count (records it left out would land now). Written after the lake commit;
 * a crash before that only means the next run merges again, which changes nothing.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { Paths } from "../core/paths.ts";
import { readJson, writeJsonAtomic } from "../core/stateFile.ts";
import { lakeColumns, mergeEntity } from "../catalog/raw.ts";
import { entityFiles } from "../lake/merge.ts";

/** Bump when the folder extract's result for the same files and lake would differ. */
const FORMAT = 2;

const Partitions = z.record(z.string(), z.string());
const Seen = z.object({
  key: z.string(), lake: Partitions, parent: Partitions.nullable(), cutoff: z.string().nullable(),
  read: z.number(), quarantined: z.number(), conflicts: z.number().optional(), expired: z.number().optional(),
});
export type Seen = z.infer<typeof Seen>;
// Entries are checked one by one: an entry of an older format is merely not a match.
const State = z.object({ sourceDir: z.string(), entities: z.record(z.string(), z.unknown()) });
type State = z.infer<typeof State>;

const stamp = (f: string) => {
  const s = statSync(f);
  return [f, s.size, s.mtimeMs, s.ctimeMs, s.ino];
};
const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex");

/** Each partition of an entity in the lake ("date=…", "" for a snapshot) with the hash of its files' sizes and times. */
function lakePartitions(paths: Paths, entity: string): Record<string, string> {
  return Object.fromEntries([...entityFiles(join(paths.raw, entity))].map(([p, files]) => [p, hash(files.map(stamp))]));
}

/** The partitions a merge with this cutoff can touch: all but the day partitions before it. */
function kept(parts: Record<string, string>, cutoff: string | null): string {
  return hash(Object.entries(parts).filter(([p]) => cutoff === null || !p.startsWith("date=") || p.slice(5) >= cutoff).sort());
}

export class FolderMemo {
  private readonly file: string;
  private readonly state: State;

  constructor(private readonly paths: Paths, sourceDir: string) {
    const dir = resolve(sourceDir);
    this.file = join(paths.data, "state", `folder-${createHash("sha256").update(dir).digest("hex").slice(0, 12)}.json`);
    this.state = readJson(this.file, State, () => ({ sourceDir: dir, entities: {} }));
  }

  /** The fingerprint of an entity's definition and files as they are now (the lake is compared apart). */
  private key(entity: string, files: string[]): string {
    const e = mergeEntity(entity);
    const def = { FORMAT, columns: lakeColumns(e), key: e.key, version: e.version, day: e.day, dayFrom: e.dayFrom ?? null };
    return hash({ def, files: files.map(stamp) });
  }

  private parent(entity: string): Record<string, string> | null {
    const from = mergeEntity(entity).dayFrom?.entity;
    return from ? lakePartitions(this.paths, from) : null;
  }

  /**
   * What the last merge of the entity saw, if its files are as it left them, and so is every
   * partition of the lake (and of the parent it takes its day from) of a day from `cutoff` on.
   */
  unchanged(entity: string, files: string[], cutoff: string | null = null): Seen | null {
    const parsed = Seen.safeParse(this.state.entities[entity]);
    if (!parsed.success) return null;
    const seen = parsed.data;
    if (seen.key !== this.key(entity, files)) return null;
    if (seen.cutoff !== null && (cutoff === null || cutoff < seen.cutoff)) return null;
    if (kept(seen.lake, cutoff) !== kept(lakePartitions(this.paths, entity), cutoff)) return null;
    const parent = this.parent(entity);
    if ((seen.parent === null) !== (parent === null)) return null;
    if (parent && kept(seen.parent!, cutoff) !== kept(parent, cutoff)) return null;
    return seen;
  }

  record(entity: string, files: string[], cutoff: string | null, counts: { read: number; quarantined: number; conflicts?: number; expired?: number }): void {
    const seen: Seen = {
      key: this.key(entity, files), lake: lakePartitions(this.paths, entity), parent: this.parent(entity), cutoff,
      read: counts.read, quarantined: counts.quarantined,
      ...(counts.conflicts ? { conflicts: counts.conflicts } : {}), ...(counts.expired ? { expired: counts.expired } : {}),
    };
    this.state.entities[entity] = seen;
  }

  save(): void {
    writeJsonAtomic(this.file, this.state);
  }
}
