/**
 * Landing-zone streams → the lake. Every unconsumed landed line is routed to its entity, validated
 * with zod (records.ts), merged (merge.ts), and only then marked consumed: a crash before that
 * point means the next extract merges the same lines again, which changes nothing.
 */
import { join } from "node:path";
import type { z } from "zod";
import { exec, lit } from "../core/duckdb.ts";
import type { Paths } from "../core/paths.ts";
import { lakeColumns, MERGE_ENTITIES } from "../catalog/raw.ts";
import { landTable, withLake, type EntityResult } from "./lake.ts";
import { markConsumed, readLanded, type LandedRead } from "./landing.ts";
import { readJsonColumns } from "../catalog/duckdbTypes.ts";
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

export function streamPaths(paths: Paths, name: string): { dir: string; stateFile: string } {
  return { dir: join(paths.data, "landing", name), stateFile: join(paths.data, "state", `landing-${name}.json`) };
}

export async function commitStreams(paths: Paths, streams: Stream[], hooks: CommitHooks = {}): Promise<CommitResult> {
  return withLake(paths, async (s) => {
    const reads: { stream: Stream; read: LandedRead }[] = streams.map((stream) => ({ stream, read: readLanded(stream.dir, stream.stateFile) }));
    type Item = { stream: Stream; at: string; order: number; file: string; line: number; obj: Record<string, unknown> | null; text: string };
    const items: Item[] = [];
    for (const { stream, read } of reads) {
      for (const l of read.lines) {
        let obj: Record<string, unknown> | null = null;
        try { obj = JSON.parse(l.text) as Record<string, unknown>; } catch { /* quarantined below */ }
        items.push({ stream, at: typeof obj?.at === "string" ? obj.at : "", order: items.length, file: `landing/${stream.name}/${l.segment}`, line: l.line, obj, text: l.text });
      }
    }
    // Arrival order across streams decides ties between versions (a later summary wins).
    items.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);

    const batches = new Map<string, EntityBatch>();
    const reads_ = new Map<string, number>();
    const loose: Quarantined[] = [];
    const batch = (entity: string) => {
      let b = batches.get(entity);
      if (!b) {
        const e = MERGE_ENTITIES.find((x) => x.name === entity)!;
        batches.set(entity, (b = new EntityBatch(e, join(s.ctx.staging, `${entity}.ndjson`))));
      }
      return b;
    };
    let seq = 0;
    for (const it of items) {
      if (!it.obj) {
        loose.push({ entity: it.stream.name, file: it.file, line: it.line, field: null, reason: "invalid JSON in the landing zone", record: it.text.slice(0, 2000) });
        continue;
      }
      for (const r of it.stream.route(it.obj)) {
        reads_.set(r.entity, (reads_.get(r.entity) ?? 0) + 1);
        const known = MERGE_ENTITIES.some((x) => x.name === r.entity);
        if ("quarantine" in r || !known) {
          const reason = "quarantine" in r ? r.quarantine : `unknown entity ${r.entity}`;
          loose.push({ entity: r.entity, file: it.file, line: it.line, field: ("field" in r ? r.field : null) ?? null, reason, record: it.text.slice(0, 2000) });
          continue;
        }
        await batch(r.entity).add(r.record, { file: it.file, line: it.line, seq: seq++, dayHint: r.dayHint ?? null, schema: r.schema });
      }
    }
    for (const b of batches.values()) await b.close();

    const entities: EntityResult[] = [];
    const quarantined: Quarantined[] = [...loose];
    for (const e of MERGE_ENTITIES) {
      const read = reads_.get(e.name) ?? 0;
      if (read === 0) continue;
      const b = batches.get(e.name);
      const bad = b?.quarantined ?? [];
      quarantined.push(...bad);
      const looseHere = loose.filter((q) => q.entity === e.name).length;
      if (!b || b.rows === 0) {
        entities.push({ entity: e.name, read, landed: 0, updated: 0, unchanged: 0, quarantined: bad.length + looseHere, partitions: 0 });
        continue;
      }
      const cols = { ...lakeColumns(e), _seq: "BIGINT", _day_hint: "VARCHAR" };
      const table = `incoming_${e.name}`;
      await exec(s.db, `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_json(${lit(b.stagingFile)}, format = 'newline_delimited', columns = ${readJsonColumns(cols)})`);
      const { result, orphans } = await landTable(s, e, table, read, bad.length + looseHere);
      await exec(s.db, `DROP TABLE ${table}`);
      quarantined.push(...orphans);
      entities.push(result);
    }
    const others = new Map<string, number>();
    for (const q of loose) if (!MERGE_ENTITIES.some((x) => x.name === q.entity)) others.set(q.entity, (others.get(q.entity) ?? 0) + 1);
    for (const [entity, n] of others) entities.push({ entity, read: n, landed: 0, updated: 0, unchanged: 0, quarantined: n, partitions: 0 });
    hooks.beforeConsume?.();
    for (const { read } of reads) markConsumed(read);
    return { entities, quarantined, lines: items.length };
  });
}
