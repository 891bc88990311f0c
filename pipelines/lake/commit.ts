/**
 * Records → the lake. `Incoming` is the one landing path of every JSON source: records routed to
 * their entity are validated with zod (records.ts) into a DuckDB table per entity (no file), then merged
 * entity by entity, parents first (merge.ts). `commitStreams` feeds it the landing zone (API pages,
 * webhook events): every unconsumed landed line, marked consumed only after the merge, so a crash
 * before that point means the next extract merges the same lines again, which changes nothing.
 * The NDJSON folder extract (extract/index.ts) feeds it the files of a folder.
 */
import { join } from "node:path";
import type { z } from "zod";
import { exec, type Db } from "../core/duckdb.ts";
import type { Paths } from "../core/paths.ts";
import { MERGE_ENTITIES } from "../catalog/raw.ts";
import { hasHeld, landTable, retryHeld, withLake, type EntityResult, type LakeSession } from "./lake.ts";
import { markConsumed, readLanded, type LandedRead } from "./landing.ts";
import type { MergeOptions } from "./merge.ts";
import { parsedJsonProblem } from "./quarantine.ts";
import { EntityBatch } from "./records.ts";
import type { Quarantined } from "./validate.ts";

export type Routed =
  | { entity: string; record: unknown; dayHint?: string | null; schema?: z.ZodType }
  | { entity: string; quarantine: string; field?: string | null };

export type Stream = {
  name: string;
  dir: string;
  stateFile: string;
  /** What one landed line (parsed JSON) holds; `at` orders lines across streams. */
  route(line: Record<string, unknown>): Routed[];
};

export type CommitResult = { entities: EntityResult[]; quarantined: Quarantined[]; lines: number };
export type CommitHooks = { beforeConsume?: () => void };

const ENTITY = new Map(MERGE_ENTITIES.map((e) => [e.name, e]));

/** Where a record came from: the file and line its lineage names, and the line's text for the quarantine. */
export type Origin = { file: string; line: number; text: string };

/**
 * One batch of records for the lake, in arrival order (which breaks version ties: a later record
 * wins). Records of unknown entities and refused ones are quarantined with file, line and reason.
 */
export class Incoming {
  private readonly batches = new Map<string, EntityBatch>();
  private readonly reads = new Map<string, number>();
  private readonly loose: Quarantined[] = [];
  private seq = 0;

  /** `db`: the lake session's connection (the validated records go straight into its tables). */
  constructor(private readonly db: Db) {}

  private read(entity: string): void {
    this.reads.set(entity, (this.reads.get(entity) ?? 0) + 1);
  }

  /** A line that yields no record (invalid JSON): counted as read by `entity` and quarantined. */
  refuse(entity: string, at: Origin, reason: string, field: string | null = null): void {
    this.read(entity);
    this.loose.push({ entity, file: at.file, line: at.line, field, reason, record: at.text.slice(0, 2000) });
  }

  /** A routed record; `keepText`: quarantine the line's text rather than the record (the line is the record). */
  add(r: Routed, at: Origin, keepText = false): void {
    const e = ENTITY.get(r.entity);
    if ("quarantine" in r || !e) {
      const reason = "quarantine" in r ? r.quarantine : `unknown entity ${r.entity}`;
      this.refuse(r.entity, at, reason, ("field" in r ? r.field : null) ?? null);
      return;
    }
    this.read(r.entity);
    this.batch(r.entity)!.add(r.record, { file: at.file, line: at.line, seq: this.seq++, dayHint: r.dayHint ?? null, schema: r.schema, ...(keepText ? { text: at.text } : {}) });
  }

  /**
   * A record of a file that is validated, counted and (when bad) quarantined but not taken yet:
   * its seq and `_extra` (JSON text) when good; `take` takes its line later, or `readWhole` the file.
   */
  check(entity: string, record: unknown, at: Origin): { seq: number; extra: string | null } | null {
    const b = this.batch(entity);
    if (!b) {
      this.refuse(entity, at, `unknown entity ${entity}`);
      return null;
    }
    this.read(entity);
    const seq = this.seq++;
    const ok = b.check(record, { file: at.file, line: at.line, seq, text: at.text });
    return ok ? { seq, extra: ok.extra } : null;
  }

  /** A line `check` passed, as its text. */
  take(entity: string, text: string, at: { file: string; line: number }, seq: number, extra: string | null): void {
    this.batch(entity)!.push(text, extra, at.file, at.line, seq, null);
  }

  /** A whole file whose `n` lines `check` all passed (seqs `seq0` on, no unknown fields), read by DuckDB itself. */
  async readWhole(entity: string, path: string, file: string, seq0: number, n: number): Promise<void> {
    await this.batch(entity)!.readWhole(path, file, seq0, n);
  }

  private batch(entity: string): EntityBatch | null {
    const e = ENTITY.get(entity);
    if (!e) return null;
    let b = this.batches.get(entity);
    if (!b) this.batches.set(entity, (b = new EntityBatch(e, this.db, `incoming_${entity}`)));
    return b;
  }

  /**
   * Hand the records taken so far to DuckDB (their typed tables), so what waits in JS is what was
   * added since: a reader calls it after each piece of a file.
   */
  async drain(): Promise<void> {
    for (const b of this.batches.values()) await b.drain();
  }

  /**
   * Merge every entity's records into the lake, parents before the records that take their day from
   * them. `only`: just these entities (a batch of one entity's files); `except`: all but these (the
   * held-back records of the entities a batched extract did not read).
   */
  async land(s: LakeSession, o: MergeOptions & { only?: string[]; except?: string[] } = {}): Promise<Omit<CommitResult, "lines">> {
    await this.drain();
    const entities: EntityResult[] = [];
    const quarantined: Quarantined[] = [...this.loose];
    for (const e of MERGE_ENTITIES) {
      if ((o.only && !o.only.includes(e.name)) || o.except?.includes(e.name)) continue;
      const read = this.reads.get(e.name) ?? 0;
      if (read === 0) {
        // Nothing new, but records an earlier run held back (their parent missing) are tried again.
        if (hasHeld(s, e.name)) {
          const { result, orphans } = await retryHeld(s, e, o);
          quarantined.push(...orphans);
          entities.push(result);
        }
        continue;
      }
      const b = this.batches.get(e.name);
      const bad = b?.quarantined ?? [];
      quarantined.push(...bad);
      const looseHere = this.loose.filter((q) => q.entity === e.name).length;
      if (!b || b.rows === 0) {
        if (b) await exec(s.db, `DROP TABLE IF EXISTS ${b.table}`);
        entities.push({ entity: e.name, read, landed: 0, updated: 0, unchanged: 0, quarantined: bad.length + looseHere, partitions: 0 });
        continue;
      }
      const { result, orphans } = await landTable(s, e, b.table, read, bad.length + looseHere, o);
      await exec(s.db, `DROP TABLE ${b.table}`);
      quarantined.push(...orphans);
      entities.push(result);
    }
    const others = new Map<string, number>();
    for (const q of this.loose) if (!MERGE_ENTITIES.some((x) => x.name === q.entity)) others.set(q.entity, (others.get(q.entity) ?? 0) + 1);
    for (const [entity, n] of others) entities.push({ entity, read: n, landed: 0, updated: 0, unchanged: 0, quarantined: n, partitions: 0 });
    return { entities, quarantined };
  }
}

export function streamPaths(paths: Paths, name: string): { dir: string; stateFile: string } {
  return { dir: join(paths.data, "landing", name), stateFile: join(paths.data, "state", `landing-${name}.json`) };
}

export async function commitStreams(paths: Paths, streams: Stream[], hooks: CommitHooks = {}): Promise<CommitResult> {
  return withLake(paths, async (s) => {
    const reads: { stream: Stream; read: LandedRead }[] = streams.map((stream) => ({ stream, read: readLanded(stream.dir, stream.stateFile) }));
    type Item = { stream: Stream; at: string; order: number; origin: Origin; obj: Record<string, unknown> | null; bad?: { reason: string; field: string | null } };
    const items: Item[] = [];
    for (const { stream, read } of reads) {
      for (const l of read.lines) {
        let obj: Record<string, unknown> | null = null;
        const origin = { file: `landing/${stream.name}/${l.segment}`, line: l.line, text: l.text };
        // A landed line that is not UTF-8, holds a NUL, a lone surrogate or a key twice is one bad record.
        let bad: { reason: string; field: string | null } | undefined = l.bad ? { reason: l.bad, field: null } : undefined;
        if (!bad) {
          try { obj = JSON.parse(l.text) as Record<string, unknown>; } catch { /* quarantined below */ }
          const p = obj ? parsedJsonProblem(l.text, obj) : null;
          if (p) bad = { reason: `${p.field ?? "record"}: ${p.reason}`, field: p.field };
        }
        items.push({ stream, at: typeof obj?.at === "string" ? obj.at : "", order: items.length, origin, obj, ...(bad ? { bad } : {}) });
      }
    }
    // Arrival order across streams decides ties between versions (a later summary wins).
    items.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);

    const incoming = new Incoming(s.db);
    for (const it of items) {
      if (it.bad) {
        incoming.refuse(it.stream.name, it.origin, it.bad.reason, it.bad.field);
        continue;
      }
      if (!it.obj) {
        incoming.refuse(it.stream.name, it.origin, "invalid JSON in the landing zone");
        continue;
      }
      for (const r of it.stream.route(it.obj)) incoming.add(r, it.origin);
    }
    const { entities, quarantined } = await incoming.land(s);
    hooks.beforeConsume?.();
    for (const { read } of reads) markConsumed(read);
    return { entities, quarantined, lines: items.length };
  });
}
