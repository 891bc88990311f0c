/**
 * What the folder extract saw the last time it merged each entity: the entity's files (size, times)
 * and the lake as the merge left it (the entity's Parquet files and, for records that take their
 * day from a parent, the parent's). When all of that is unchanged, merging the folder again would
 * change nothing (the merge is a function of the files and the lake), so the entity is not read
 * again: the hourly extract of an unchanged demo folder costs a few stat calls. Anything else
 * writing the lake (a webhook batch, a file drop, retention, a deleted partition) changes the
 * fingerprint, and the folder is merged again. Written after the lake commit; a crash before that
 * only means the next run merges again, which changes nothing.
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
const FORMAT = 1;

const Seen = z.object({ key: z.string(), read: z.number(), quarantined: z.number(), conflicts: z.number().optional() });
export type Seen = z.infer<typeof Seen>;
const State = z.object({ sourceDir: z.string(), entities: z.record(z.string(), Seen) });
type State = z.infer<typeof State>;

const stamp = (f: string) => {
  const s = statSync(f);
  return [f, s.size, s.mtimeMs, s.ctimeMs, s.ino];
};

/** The lake files of an entity with their sizes and times. */
function lakeFingerprint(paths: Paths, entity: string): unknown[] {
  return [...entityFiles(join(paths.raw, entity)).values()].flat().map(stamp);
}

export class FolderMemo {
  private readonly file: string;
  private readonly state: State;

  constructor(private readonly paths: Paths, sourceDir: string) {
    const dir = resolve(sourceDir);
    this.file = join(paths.data, "state", `folder-${createHash("sha256").update(dir).digest("hex").slice(0, 12)}.json`);
    this.state = readJson(this.file, State, () => ({ sourceDir: dir, entities: {} }));
  }

  /** The fingerprint of an entity's files and of the lake it merges into, as they are now. */
  key(entity: string, files: string[]): string {
    const e = mergeEntity(entity);
    const parent = e.dayFrom ? lakeFingerprint(this.paths, e.dayFrom.entity) : null;
    const def = { FORMAT, columns: lakeColumns(e), key: e.key, version: e.version, day: e.day, dayFrom: e.dayFrom ?? null };
    const text = JSON.stringify({ def, files: files.map(stamp), lake: lakeFingerprint(this.paths, entity), parent });
    return createHash("sha256").update(text).digest("hex");
  }

  /** What the last merge of the entity saw, if its files and the lake are as it left them. */
  unchanged(entity: string, files: string[]): Seen | null {
    const seen = this.state.entities[entity];
    return seen && seen.key === this.key(entity, files) ? seen : null;
  }

  record(entity: string, files: string[], counts: { read: number; quarantined: number; conflicts?: number }): void {
    this.state.entities[entity] = { key: this.key(entity, files), read: counts.read, quarantined: counts.quarantined, ...(counts.conflicts ? { conflicts: counts.conflicts } : {}) };
  }

  save(): void {
    writeJsonAtomic(this.file, this.state);
  }
}
