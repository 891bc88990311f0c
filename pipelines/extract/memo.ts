/**
 * What the folder extract saw the last time it merged each source file, so a night reads only the
 * files that changed (issue 13). Merging a file into the lake is idempotent (the lake keeps the
 * latest version of every key, and nothing is ever deleted from it by the folder), so a file whose
 * bytes are as the last merge read them, and whose records' partitions are as the last run left
 * them, would change nothing if read again: it is not read. Per file the memo keeps its stamp (size,
 * times, inode), how many records it held and how many were quarantined or held back, and how many
 * of its records went to each partition day; per entity, each lake partition's stamp (and the
 * parent's, for records that take their day from a parent) as the run left them.
 *
 * A file is read again when: it is new or its stamp changed; a partition its records went to changed
 * since (a webhook batch, a file drop, a deleted partition; for a transcript, its call's partition);
 * it had records waiting for a parent (held back or quarantined as orphans) and a referenced entity
 * changed; the retention cutoff moved back over days it had left out; or another file it shared a
 * conflict with is read (conflicts are judged between the files of one batch). A file removed from
 * the folder is dropped from the memo: its records stay in the lake (as a full re-read leaves them)
 * and its quarantine entries go. The entity's definition (columns, key, version, day) is part of the
 * memo: a changed definition reads every file again.
 *
 * Retention: partitions of days before the cutoff (the first day kept) are left out of the
 * comparison, because the merge leaves records of those days out (expired, lake/merge.ts); a file
 * not read again counts its records of days before today's cutoff as expired from its day counts,
 * as a re-read would. Written after the lake commit; a crash before that only means the next run
 * reads more files, which changes nothing.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { Paths } from "../core/paths.ts";
import { readJson, writeJsonAtomic } from "../core/stateFile.ts";
import { isPartitioned, lakeColumns, mergeEntity } from "../catalog/raw.ts";
import { entityFiles } from "../lake/merge.ts";
import type { Quarantined } from "../lake/validate.ts";

/** Bump when the folder extract's result for the same files and lake would differ. */
const FORMAT = 3;

const Partitions = z.record(z.string(), z.string());
const FileSeen = z.object({
  stamp: z.string(), read: z.number(), quarantined: z.number(), held: z.number(),
  /** Records held back or quarantined for a missing parent: the file is read again when a referenced entity changes. */
  waits: z.number(),
  /** Quarantined for a conflict (same key and version, other content). */
  conflicts: z.number(),
  /** Records that reached the merge, by partition day ("" for an unpartitioned entity). */
  days: z.record(z.string(), z.number()),
  /** The retention cutoff the file was last read with (null: none). */
  cutoff: z.string().nullable(),
  /** A snapshot entity's file (rewritten in place): the file under state/ holding a hash of each of its lines. */
  lines: z.string().optional(),
});
export type FileSeen = z.infer<typeof FileSeen>;
const EntitySeen = z.object({ def: z.string(), lake: Partitions, parent: Partitions.nullable(), refs: z.string(), files: z.record(z.string(), FileSeen) });
type EntitySeen = z.infer<typeof EntitySeen>;
// Entries are checked one by one: an entry of an older format is merely not a match.
const State = z.object({ sourceDir: z.string(), format: z.number().optional(), entities: z.record(z.string(), z.unknown()) });
type State = z.infer<typeof State>;

/** A source file: its path under the source folder (as lineage and the quarantine name it) and on disk. */
export type SourceFile = { rel: string; abs: string };
/**
 * Which of an entity's files a run reads, the memo of the others, and the stamps taken before
 * reading; `lines`: for a changed file of a snapshot entity whose lake is as the last run left it,
 * the hashes of its lines as they were then (a line unchanged at its place need not be read again).
 */
export type FilePlan = { dirty: SourceFile[]; clean: Map<string, FileSeen>; stamps: Map<string, string>; lines: Map<string, Buffer> };
/**
 * What reading a file gave: records read (those of lines not read again included), those that
 * reached the merge by partition day, the hashes of its lines (snapshot entities), and the lines
 * not read again (unchanged at their place) with how many records they hold.
 */
export type FileRead = { read: number; days: Record<string, number>; hashes?: Buffer; kept?: { read: number; lines: Set<number> } };
/** Bytes of a line's hash in a `lines` file. */
export const LINE_HASH = 8;

const stampOf = (f: string) => {
  const s = statSync(f);
  return [s.size, s.mtimeMs, s.ctimeMs, s.ino].join(" ");
};
const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex");

/** Each partition of an entity in the lake ("date=…", "" for a snapshot) with the hash of its files' sizes and times. */
function lakePartitions(paths: Paths, entity: string): Record<string, string> {
  return Object.fromEntries([...entityFiles(join(paths.raw, entity))].map(([p, files]) => [p, hash(files.map((f) => [f, stampOf(f)]))]));
}

/** Partition name → its day key in a file's day counts ("date=2025-01-02" → "2025-01-02", "" stays ""). */
const dayOf = (p: string) => (p.startsWith("date=") ? p.slice(5) : p);
const keptDay = (day: string, cutoff: string | null) => day === "" || cutoff === null || day >= cutoff;

/** The days (partition keys) whose partition differs between two maps, from `cutoff` on. */
function changedDays(was: Record<string, string>, now: Record<string, string>, cutoff: string | null): Set<string> {
  const out = new Set<string>();
  for (const p of new Set([...Object.keys(was), ...Object.keys(now)])) if (was[p] !== now[p] && keptDay(dayOf(p), cutoff)) out.add(dayOf(p));
  return out;
}

const ORPHAN = /not found among landed|no partition day/;
const CONFLICT = /: conflict/;

export class FolderMemo {
  private readonly file: string;
  /** The line hashes of snapshot entities' files (FileSeen.lines). */
  private readonly linesDir: string;
  private readonly state: State;

  constructor(private readonly paths: Paths, sourceDir: string) {
    const dir = resolve(sourceDir);
    const id = createHash("sha256").update(dir).digest("hex").slice(0, 12);
    this.file = join(paths.data, "state", `folder-${id}.json`);
    this.linesDir = join(paths.data, "state", `folder-${id}.lines`);
    this.state = readJson(this.file, State, () => ({ sourceDir: dir, format: FORMAT, entities: {} }));
    if (this.state.format !== FORMAT) this.state = { sourceDir: dir, format: FORMAT, entities: {} };
  }

  /** The entity's definition: what its merge of the same files would depend on besides them and the lake. */
  private def(entity: string): string {
    const e = mergeEntity(entity);
    return hash({ FORMAT, columns: lakeColumns(e), key: e.key, version: e.version, day: e.day, dayFrom: e.dayFrom ?? null, refs: e.refs ?? [] });
  }

  private parentLake(entity: string): Record<string, string> | null {
    const from = mergeEntity(entity).dayFrom?.entity;
    return from ? lakePartitions(this.paths, from) : null;
  }

  /** The partitions of every entity the records refer to (a held-back record may land once its parent does). */
  private refsLake(entity: string): string {
    const refs = [...new Set((mergeEntity(entity).refs ?? []).map((r) => r.entity))].sort();
    return hash(refs.map((r) => [r, lakePartitions(this.paths, r)]));
  }

  private seen(entity: string): EntitySeen | null {
    const parsed = EntitySeen.safeParse(this.state.entities[entity]);
    return parsed.success && parsed.data.def === this.def(entity) ? parsed.data : null;
  }

  /**
   * Which files of the entity to read now (asked when its turn comes, after the entities it takes
   * its day from are merged), with the stamps taken before reading them.
   */
  plan(entity: string, files: SourceFile[], cutoff: string | null): FilePlan {
    const stamps = new Map(files.map((f) => [f.rel, stampOf(f.abs)]));
    const seen = this.seen(entity);
    if (!seen) return { dirty: files, clean: new Map(), stamps, lines: new Map() };
    const changed = changedDays(seen.lake, lakePartitions(this.paths, entity), cutoff);
    const parent = this.parentLake(entity);
    if (parent) for (const d of changedDays(seen.parent ?? {}, parent, cutoff)) changed.add(d);
    const refsChanged = seen.refs !== this.refsLake(entity);
    // Files whose only change is their bytes (the lake they went to is as they left it).
    const onlyBytes = new Set<string>();
    const isDirty = (f: SourceFile): boolean => {
      const was = seen.files[f.rel];
      if (!was) return true;
      const other = otherReason(was);
      if (was.stamp === stamps.get(f.rel)) return other;
      if (!other) onlyBytes.add(f.rel);
      return true;
    };
    const otherReason = (was: FileSeen): boolean => {
      if (was.waits && refsChanged) return true;
      const days = Object.keys(was.days);
      if (days.some((d) => changed.has(d) && keptDay(d, cutoff))) return true;
      // The cutoff moved back (or went): days the file's records were left out of would land now.
      return was.cutoff !== null && (cutoff === null || cutoff < was.cutoff) && days.some((d) => d !== "" && d < was.cutoff! && keptDay(d, cutoff));
    };
    const dirty = new Set(files.filter(isDirty).map((f) => f.rel));
    // Conflicts are judged within a batch: a file that shared one is read with the others that did.
    if ([...dirty].some((r) => seen.files[r]?.conflicts)) {
      for (const f of files) {
        if (!seen.files[f.rel]?.conflicts) continue;
        dirty.add(f.rel);
        onlyBytes.delete(f.rel);
      }
    }
    const clean = new Map(files.filter((f) => !dirty.has(f.rel)).map((f) => [f.rel, seen.files[f.rel]!]));
    const lines = new Map<string, Buffer>();
    if (!isPartitioned(mergeEntity(entity))) {
      for (const rel of onlyBytes) {
        const name = seen.files[rel]?.lines;
        if (!name || seen.files[rel]!.conflicts || seen.files[rel]!.waits) continue;
        try { lines.set(rel, readFileSync(join(this.linesDir, name))); } catch { /* read whole */ }
      }
    }
    return { dirty: files.filter((f) => dirty.has(f.rel)), clean, stamps, lines };
  }

  /**
   * After the merge of an entity some of whose files were read: the files read replace their entry;
   * every file's quarantined, held and waiting counts come from this run's quarantine and held records.
   */
  record(entity: string, plan: FilePlan, cutoff: string | null, reads: Map<string, FileRead>, quarantine: Quarantined[], held: Map<string, number>): void {
    const by = (re: RegExp | null) => {
      const m = new Map<string, number>();
      for (const q of quarantine) if (!re || re.test(q.reason)) m.set(q.file, (m.get(q.file) ?? 0) + 1);
      return m;
    };
    const [quarantined, orphans, conflicts] = [by(null), by(ORPHAN), by(CONFLICT)];
    const files: Record<string, FileSeen> = {};
    for (const [rel, stamp] of plan.stamps) {
      const was = plan.clean.get(rel);
      const read = reads.get(rel);
      const base = was ?? { stamp, read: read?.read ?? 0, days: read?.days ?? {}, cutoff, lines: read?.hashes ? this.writeLines(rel, stamp, read.hashes) : undefined };
      const h = held.get(rel) ?? 0;
      files[rel] = {
        stamp: base.stamp, read: base.read, days: base.days, cutoff: base.cutoff,
        quarantined: quarantined.get(rel) ?? 0, held: h, waits: h + (orphans.get(rel) ?? 0), conflicts: conflicts.get(rel) ?? 0,
        ...(base.lines ? { lines: base.lines } : {}),
      };
    }
    this.state.entities[entity] = { def: this.def(entity), lake: lakePartitions(this.paths, entity), parent: this.parentLake(entity), refs: this.refsLake(entity), files } satisfies EntitySeen;
  }

  /** Forget an entity (its files are gone): the next run with files reads them all. */
  forget(entity: string): void {
    delete this.state.entities[entity];
  }

  /** A file's line hashes under a name of their own (the memo names it once saved; until then the old one stays). */
  private writeLines(rel: string, stamp: string, hashes: Buffer): string {
    const name = `${hash([rel, stamp]).slice(0, 16)}.bin`;
    mkdirSync(this.linesDir, { recursive: true });
    writeFileSync(join(this.linesDir, `${name}.tmp`), hashes);
    renameSync(join(this.linesDir, `${name}.tmp`), join(this.linesDir, name));
    return name;
  }

  save(): void {
    writeJsonAtomic(this.file, this.state);
    // Line hashes no entry names any more (a file rewritten since, or gone) are removed after the memo is saved.
    const named = new Set<string>();
    for (const e of Object.values(this.state.entities)) {
      const parsed = EntitySeen.safeParse(e);
      if (parsed.success) for (const f of Object.values(parsed.data.files)) if (f.lines) named.add(f.lines);
    }
    let found: string[] = [];
    try { found = readdirSync(this.linesDir); } catch { return; }
    for (const f of found) if (!named.has(f)) rmSync(join(this.linesDir, f), { force: true });
  }
}

/** What the files not read again contribute to an entity's counts, as a re-read would count them under `cutoff`. */
export function cleanCounts(clean: Map<string, FileSeen>, cutoff: string | null, partitioned: boolean) {
  const out = { read: 0, quarantined: 0, expired: 0, unchanged: 0, conflicts: 0 };
  for (const f of clean.values()) {
    const expired = partitioned && cutoff !== null ? Object.entries(f.days).reduce((n, [d, c]) => n + (d !== "" && d < cutoff ? c : 0), 0) : 0;
    out.read += f.read;
    out.quarantined += f.quarantined;
    out.expired += expired;
    out.conflicts += f.conflicts;
    // Held-back records are retried from data/quarantine/held whenever the entity is merged: a re-read copy of one is unchanged.
    out.unchanged += f.read - f.quarantined - expired;
  }
  return out;
}
