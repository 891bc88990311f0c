/**
 * The NDJSON folder extract (the demo generator's `data/sources/demo`, or `--input <dir>`): every
 * entity's files are read line by line, validated with zod and merged into the lake by key, the
 * same landing path as the API and webhook events (lake/commit.ts `Incoming`). The folder is no
 * snapshot of the lake: records other sources landed stay, a record replaces the lake's only when
 * it is a newer version by the entity's version order (the same version with other content is a
 * conflict: the lake keeps its row, the newcomer is quarantined and counted, lake/merge.ts), and
 * partitions whose content does not change are not rewritten, so a rerun over
 * the same folder changes nothing; only the files that are new or changed since the last run (or
 * whose records' partitions changed) are read again (memo.ts): a night with one new day reads the
 * month's file, not the history. Bad records are quarantined per entity
 * (data/quarantine/<entity>.ndjson, rewritten whenever a file of the entity is read, keeping the
 * entries of the files not read again) with file, line, field and reason.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { clearStaging } from "../core/atomic.ts";
import type { Paths } from "../core/paths.ts";
import { Incoming } from "../lake/commit.ts";
import { ENTITIES, type FolderEntity } from "../lake/entities.ts";
import { withLake, type EntityResult } from "../lake/lake.ts";
import type { MergeOptions } from "../lake/merge.ts";
import { byReason, readerLimits, readQuarantine, refuseEntry, writeQuarantine } from "../lake/quarantine.ts";
import type { Quarantined } from "../lake/validate.ts";
import { isPartitioned, MERGE_ENTITIES, mergeEntity } from "../catalog/raw.ts";
import { plausibility, setPlausibility } from "../catalog/meta.ts";
import { cleanCounts, FolderMemo, type FilePlan, type FileRead } from "./memo.ts";
import { readFile, type LineDiff } from "./read.ts";

export { jsonError } from "./read.ts";

export type EntityCounts = {
  entity: string; files: number; read: number; landed: number; updated: number; unchanged: number; quarantined: number;
  /** Records held back this run, their parent not landed yet (data/quarantine/held, retried next run). */
  held?: number;
  /** Conflicts (also counted in `quarantined`): same key and version, different content (lake/lake.ts EntityResult). */
  conflicts?: number;
  /** Records of a day past the entity's retention period: counted, not landed, not quarantined. */
  expired?: number;
  /** Source files read this run (0: not read again, its files and lake as the last extract left them). */
  filesRead: number;
  /** Partitions written (0 when nothing changed). */
  partitions: number;
  quarantineFile: string | null;
};
export type ExtractResult = {
  entities: EntityCounts[]; rowsIn: number; rowsOut: number; quarantined: Quarantined[]; outputs: string[];
  notes: string[];
  /** Whether any entity landed or updated a row, and which. */
  changed: boolean; changedEntities: string[];
};

/** Entities whose rows changed (landed or updated); an extract that changed none needs no downstream rebuild. */
export function changedEntities(entities: Pick<EntityResult, "entity" | "landed" | "updated">[]): string[] {
  return entities.filter((e) => e.landed + e.updated > 0).map((e) => e.entity);
}

export type FolderOptions = {
  /**
   * `--strict` / `ingest.strict` (the default): throw after landing when anything was quarantined
   * (the configured extract judges all its sources together and passes false).
   */
  strict?: boolean;
  /**
   * Per entity, the first day retention keeps (retention/retention.ts rawCutoffs): records of an
   * earlier day are counted as expired and not landed, so an extract never re-lands what retention deleted.
   */
  expireBefore?: Record<string, string>;
};

export async function extractFiles(paths: Paths, sourceDir: string, entities: FolderEntity[] = ENTITIES, o: FolderOptions = {}): Promise<ExtractResult> {
  // Its own staging folder, cleared before and after (also of what a crashed run left there).
  const staging = join(paths.staging, "extract");
  // A generated demo folder declares the period it covers (manifest.json endDate): its last day is plausible even on a clock behind it.
  const notAfter = plausibility.notAfter;
  const end = demoEndDate(sourceDir);
  if (end) setPlausibility({ notAfter: new Date(Date.parse(`${end}T00:00:00Z`) + 2 * 86_400_000).toISOString() });
  try {
    return await extractFolder(paths, sourceDir, entities, o, staging);
  } finally {
    setPlausibility({ notAfter });
  }
}

function demoEndDate(sourceDir: string): string | null {
  try {
    const m = JSON.parse(readFileSync(join(sourceDir, "manifest.json"), "utf8")) as { generator?: unknown; params?: { endDate?: unknown } };
    const end = m.params?.endDate;
    return m.generator === "commsight-demo" && typeof end === "string" && /^\d{4}-\d{2}-\d{2}$/.test(end) ? end : null;
  } catch {
    return null;
  }
}

async function extractFolder(paths: Paths, sourceDir: string, entities: FolderEntity[], o: FolderOptions, staging: string): Promise<ExtractResult> {
  return withLake(paths, async (s) => {
    clearStaging(staging);
    try {
      const memo = new FolderMemo(paths, sourceDir);
      const listed = new Map(entities.map((e) => [e.name, listFiles(sourceDir, e.path)]));
      const files = new Map([...listed].map(([name, l]) => [name, l.files.map((abs) => ({ abs, rel: relative(sourceDir, abs) }))]));
      const cutoff = (name: string) => o.expireBefore?.[name] ?? null;
      const merge = { keepOtherSourcesOnTie: true, dayHints: false, ...(o.expireBefore ? { expireBefore: o.expireBefore } : {}) };
      const landed = { entities: [] as EntityResult[], quarantined: [] as Quarantined[] };
      const add = (r: { entities: EntityResult[]; quarantined: Quarantined[] }) => {
        for (const e of r.entities) landed.entities.push(e);
        for (const q of r.quarantined) landed.quarantined.push(q);
      };
      // Parents first (a transcript takes its day from its call); each entity's files in batches.
      const byName = new Map(entities.map((e) => [e.name, e]));
      const order = [...MERGE_ENTITIES.map((m) => byName.get(m.name)).filter((e) => e !== undefined), ...entities.filter((e) => !MERGE_ENTITIES.some((m) => m.name === e.name))];
      // Per entity, which files are read (memo.ts: only those new or changed, or whose partitions
      // changed), planned at its turn, once the entities it takes its day from are merged.
      const plans = new Map<string, FilePlan>();
      const reads = new Map<string, { files: Map<string, FileRead>; sink: NonNullable<MergeOptions["perFile"]> }>();
      for (const entity of order) {
        const all = files.get(entity.name)!;
        const plan = all.length ? memo.plan(entity.name, all, cutoff(entity.name)) : null;
        if (plan) plans.set(entity.name, plan);
        else memo.forget(entity.name);
        if (plan && !plan.dirty.length) continue;
        const read = { files: new Map<string, FileRead>(), sink: { days: new Map(), held: new Map() } };
        const snapshot = !isPartitioned(mergeEntity(entity.name));
        reads.set(entity.name, read);
        const batches = fileBatches((plan?.dirty ?? []).map((f) => f.abs), readerLimits.batchBytes);
        // Records of the files not read again count too: an entity is empty only when all its files are.
        let records = plan ? [...plan.clean.values()].reduce((n, f) => n + f.read, 0) : 0;
        for (let i = 0; i < Math.max(1, batches.length); i++) {
          const incoming = new Incoming(s.db);
          // Refused entries (a symlink, a pipe, a directory named like a file) are quarantined as files, never opened.
          if (i === 0) for (const r of listed.get(entity.name)!.refused) incoming.refuse(entity.name, { file: relative(sourceDir, r.file), line: 0, text: "" }, r.reason);
          for (const file of batches[i] ?? []) {
            const rel = relative(sourceDir, file);
            // A snapshot entity's file is rewritten in place (a contact changes): its lines are hashed, and those unchanged at their place are not read again.
            const diff: LineDiff | undefined = snapshot ? { old: plan?.lines.get(rel), hashes: [], kept: { read: 0, lines: new Set() }, whole: true } : undefined;
            const n = await readFile(incoming, entity.name, file, rel, diff);
            read.files.set(rel, {
              read: n + (diff?.kept.read ?? 0), days: {},
              ...(diff?.whole ? { hashes: Buffer.concat(diff.hashes) } : {}), ...(diff?.kept.lines.size ? { kept: diff.kept } : {}),
            });
            records += n + (diff?.kept.read ?? 0);
          }
          if (i === Math.max(1, batches.length) - 1 && all.length && records === 0 && !readerLimits.allowEmpty.includes(entity.name)) {
            incoming.refuse(entity.name, { file: entity.path, line: 0, text: "" }, `empty: no records in ${entity.path}; refused, the entity keeps what it holds (ingest.allowEmpty)`);
          }
          add(await incoming.land(s, { ...merge, only: [entity.name], perFile: read.sink }));
        }
      }
      // Records held back by earlier runs (their parent missing) are tried again for the entities not read now.
      add(await new Incoming(s.db).land(s, { ...merge, except: order.filter((e) => reads.has(e.name)).map((e) => e.name) }));
      landed.entities = sumEntities(landed.entities);
      const out = report(paths, entities, plans, reads, landed.entities, landed.quarantined, cutoff);
      for (const [name, read] of reads) {
        const plan = plans.get(name);
        if (!plan) continue;
        for (const [rel, f] of read.files) {
          f.days = read.sink.days.get(rel) ?? {};
          // A snapshot file's lines not read again went to the one partition too.
          if (f.kept) f.days[""] = (f.days[""] ?? 0) + f.kept.read;
        }
        memo.record(name, plan, cutoff(name), read.files, out.quarantined.filter((q) => q.entity === name), read.sink.held);
      }
      memo.save();
      if ((o.strict ?? readerLimits.strict) && out.quarantined.length) {
        throw new Error(`extract --strict: quarantined ${out.quarantined.length} by reason: ${byReason(out.quarantined)}`);
      }
      return out;
    } finally {
      clearStaging(staging);
    }
  });
}

/** An entity's files in batches of about `bytes` of source each (whole files, in order; a bigger file is a batch of its own). */
export function fileBatches(files: string[], bytes: number): string[][] {
  const out: string[][] = [];
  let size = Infinity;
  for (const f of files) {
    let n = 0;
    try { n = lstatSync(f).size; } catch { /* the reader refuses it with the reason */ }
    if (size + n > bytes || !out.length) { out.push([]); size = 0; }
    out[out.length - 1]!.push(f);
    size += n;
  }
  return out;
}

/** The results of an entity's batches, summed (in the order the entities first appear). */
function sumEntities(results: EntityResult[]): EntityResult[] {
  const by = new Map<string, EntityResult>();
  for (const r of results) {
    const a = by.get(r.entity);
    if (!a) { by.set(r.entity, { ...r }); continue; }
    for (const k of ["read", "landed", "updated", "unchanged", "quarantined", "partitions"] as const) a[k] += r[k];
    for (const k of ["held", "retried", "conflicts", "expired"] as const) if (r[k] !== undefined) a[k] = (a[k] ?? 0) + r[k];
  }
  return [...by.values()];
}

/**
 * An entity's files under the source folder (a file, or a folder of *.ndjson/*.jsonl), and the
 * entries refused unread: symlinks (unless allowed and inside the folder), pipes, sockets,
 * devices, directories named like files. Nothing outside the folder is ever opened.
 */
export function listFiles(sourceDir: string, path: string): { files: string[]; refused: { file: string; reason: string }[] } {
  const full = join(sourceDir, path);
  let st;
  try { st = lstatSync(full); } catch { return { files: [], refused: [] }; }
  const refused: { file: string; reason: string }[] = [];
  if (!st.isDirectory() || st.isSymbolicLink()) {
    const why = refuseEntry(full, sourceDir);
    return why ? { files: [], refused: [{ file: full, reason: why }] } : { files: [full], refused };
  }
  const files: string[] = [];
  for (const f of existsSync(full) ? readdirSync(full).sort() : []) {
    if (!f.endsWith(".ndjson") && !f.endsWith(".jsonl")) continue;
    const why = refuseEntry(join(full, f), sourceDir);
    if (why) refused.push({ file: join(full, f), reason: why });
    else files.push(join(full, f));
  }
  return { files, refused };
}

function report(
  paths: Paths, entities: FolderEntity[], plans: Map<string, FilePlan>, reads: Map<string, { files: Map<string, FileRead> }>, results: EntityResult[],
  quarantined: Quarantined[], cutoff: (entity: string) => string | null,
): ExtractResult {
  const out: ExtractResult = { entities: [], rowsIn: 0, rowsOut: 0, quarantined: [], outputs: [paths.raw], notes: [], changed: false, changedEntities: [] };
  const none = { read: 0, landed: 0, updated: 0, unchanged: 0, quarantined: 0, partitions: 0 };
  const skipped: string[] = [];
  const byPlace = (a: Quarantined, b: Quarantined) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
  for (const entity of entities) {
    const plan = plans.get(entity.name);
    const seen = plan && !plan.dirty.length;
    let r: Omit<EntityResult, "entity"> = results.find((x) => x.entity === entity.name) ?? none;
    let bad: Quarantined[];
    let quarantineFile: string | null;
    // The files not read again count as a re-read would count them: unchanged, or expired before today's cutoff.
    const clean = plan ? cleanCounts(plan.clean, cutoff(entity.name), isPartitioned(mergeEntity(entity.name))) : null;
    if (seen) {
      // Not read again: the counts and the quarantine file of the merges that left the lake as it is.
      r = {
        ...none, read: clean!.read, unchanged: clean!.unchanged, quarantined: clean!.quarantined,
        ...(clean!.conflicts ? { conflicts: clean!.conflicts } : {}), ...(clean!.expired ? { expired: clean!.expired } : {}),
      };
      ({ file: quarantineFile, items: bad } = readQuarantine(paths.quarantine, entity.name));
    } else {
      bad = quarantined.filter((q) => q.entity === entity.name);
      const kept = new Map([...(reads.get(entity.name)?.files ?? [])].flatMap(([rel, f]) => (f.kept ? [[rel, f.kept] as const] : [])));
      if (clean && (plan!.clean.size || kept.size)) {
        // Some files (or lines) read: the quarantine keeps the entries of the others, and their counts add up.
        const keptBad = readQuarantine(paths.quarantine, entity.name).items.filter((q) => plan!.clean.has(q.file) || kept.get(q.file)?.lines.has(q.line));
        bad = [...keptBad, ...bad];
        const keptRead = [...kept.values()].reduce((n, k) => n + k.read, 0);
        const keptQ = keptBad.filter((q) => kept.has(q.file)).length;
        clean.read += keptRead;
        clean.quarantined += keptQ;
        clean.unchanged += keptRead - keptQ;
        const sum = (a: number | undefined, b: number) => (a ?? 0) + b || undefined;
        r = {
          ...r, read: r.read + clean.read, unchanged: r.unchanged + clean.unchanged, quarantined: r.quarantined + clean.quarantined,
          ...(sum(r.conflicts, clean.conflicts) ? { conflicts: sum(r.conflicts, clean.conflicts) } : {}),
          ...(sum(r.expired, clean.expired) ? { expired: sum(r.expired, clean.expired) } : {}),
        };
      }
      bad.sort(byPlace);
      quarantineFile = writeQuarantine(paths.quarantine, entity.name, bad);
    }
    if (seen) skipped.push(entity.name);
    if (quarantineFile) out.outputs.push(quarantineFile);
    const nFiles = plan ? plan.dirty.length + plan.clean.size : 0;
    out.entities.push({
      entity: entity.name, files: nFiles, filesRead: plan?.dirty.length ?? 0, read: r.read, landed: r.landed, updated: r.updated, unchanged: r.unchanged,
      quarantined: r.quarantined, partitions: r.partitions, quarantineFile, ...(r.held ? { held: r.held } : {}), ...(r.conflicts ? { conflicts: r.conflicts } : {}),
      ...(r.expired ? { expired: r.expired } : {}),
    });
    out.quarantined.push(...bad);
    out.rowsIn += r.read;
    out.rowsOut += r.landed + r.updated;
  }
  const held = out.entities.filter((e) => e.held);
  if (held.length) out.notes.push(`held back, their parent not landed yet (retried every run): ${held.map((e) => `${e.entity} ${e.held}`).join(", ")}`);
  if (skipped.length) out.notes.push(`not read again, files and lake as the last extract of this folder left them: ${skipped.join(", ")}`);
  out.changedEntities = changedEntities(out.entities);
  out.changed = out.changedEntities.length > 0;
  return out;
}
