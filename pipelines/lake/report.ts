/**
 * What an incremental extract tells people and the run ledger: rows read, landed, updated,
 * unchanged and quarantined per entity, where the quarantined records went, and a JSON report
 * per run (data/runs/extract/) that the ledger entry points to.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Paths } from "../core/paths.ts";
import type { CommitResult } from "./commit.ts";
import type { EntityResult } from "./lake.ts";
import type { Quarantined } from "./validate.ts";

export type IncrementalSummary = CommitResult & {
  source: string;
  notes: string[];
  /** File drops: source rows read = landed + quarantined, per source. */
  reconciliation?: { source: string; read: number; landed: number; quarantined: number }[];
  /** Quarantine already in files of its own (the folder extract's, per entity): listed and shown, not written again. */
  quarantinedElsewhere?: { files: string[]; items: Quarantined[] };
};

export function sumResults(results: CommitResult[]): CommitResult {
  const by = new Map<string, EntityResult>();
  for (const r of results) {
    for (const e of r.entities) {
      const a = by.get(e.entity);
      if (!a) { by.set(e.entity, { ...e }); continue; }
      for (const k of ["read", "landed", "updated", "unchanged", "quarantined", "partitions"] as const) a[k] += e[k];
      for (const k of ["conflicts", "expired", "filesRead"] as const) if (e[k] !== undefined) a[k] = (a[k] ?? 0) + e[k];
    }
  }
  return { entities: [...by.values()], quarantined: results.flatMap((r) => r.quarantined), lines: results.reduce((n, r) => n + r.lines, 0) };
}

/** Quarantine of one incremental run: data/quarantine/<source>/<time>.ndjson (runs never overwrite each other's). */
export function writeRunQuarantine(paths: Paths, source: string, items: Quarantined[], stamp: string): string | null {
  if (!items.length) return null;
  const dir = join(paths.quarantine, source);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${stamp}.ndjson`);
  writeFileSync(file, items.map((q) => JSON.stringify(q)).join("\n") + "\n");
  return file;
}

/** Print the summary and write the run report; returns what the ledger records. */
export function finishRun(paths: Paths, s: IncrementalSummary, say: (line: string) => void) {
  const stamp = new Date().toISOString().replace(/[-:.]/g, "");
  const quarantineFile = writeRunQuarantine(paths, s.source, s.quarantined, stamp);
  const fmt = (n: number) => n.toLocaleString("en-US");
  say(`extracted ${s.source}`);
  for (const r of s.reconciliation ?? []) {
    say(`  ${r.source}: rows read ${fmt(r.read)} = landed ${fmt(r.landed)} + quarantined ${fmt(r.quarantined)}`);
  }
  say(`  ${"entity".padEnd(22)} ${"read".padStart(10)} ${"landed".padStart(10)} ${"updated".padStart(9)} ${"unchanged".padStart(10)} ${"quarantined".padStart(12)}`);
  for (const e of s.entities) {
    say(`  ${e.entity.padEnd(22)} ${fmt(e.read).padStart(10)} ${fmt(e.landed).padStart(10)} ${fmt(e.updated).padStart(9)} ${fmt(e.unchanged).padStart(10)} ${fmt(e.quarantined).padStart(12)}`);
  }
  for (const n of s.notes) say(`  ${n}`);
  const conflicts = conflictLine(s.entities);
  if (conflicts) say(`  ${conflicts}`);
  const expired = expiredLine(s.entities);
  if (expired) say(`  ${expired}`);
  say(`  wrote ${paths.raw}`);
  const elsewhere = s.quarantinedElsewhere ?? { files: [], items: [] };
  const files = [...elsewhere.files, ...(quarantineFile ? [quarantineFile] : [])];
  const all = [...elsewhere.items, ...s.quarantined];
  for (const f of files) say(`  quarantine ${f}`);
  for (const q of all.slice(0, 5)) say(`  quarantined ${q.file}:${q.line} ${q.reason}`);
  if (all.length > 5) say(`  … and ${fmt(all.length - 5)} more (see the quarantine file${files.length > 1 ? "s" : ""})`);
  const reportFile = join(paths.runs, "extract", `${stamp}-${s.source}.json`);
  mkdirSync(join(paths.runs, "extract"), { recursive: true });
  const { quarantined: _q, quarantinedElsewhere: _e, ...rest } = s;
  writeFileSync(reportFile, JSON.stringify({ ...rest, quarantined: all.length, quarantineFile, quarantineFiles: files }, null, 2) + "\n");
  const rowsIn = s.reconciliation?.length ? s.reconciliation.reduce((n, r) => n + r.read, 0) : s.entities.reduce((n, e) => n + e.read, 0);
  return {
    rowsIn, rowsOut: s.entities.reduce((n, e) => n + e.landed + e.updated, 0),
    outputs: [paths.raw, reportFile, ...files],
    counts: Object.fromEntries(s.entities.map((e) => [e.entity, {
      read: e.read, landed: e.landed, updated: e.updated, unchanged: e.unchanged, quarantined: e.quarantined, ...(e.conflicts ? { conflicts: e.conflicts } : {}),
      ...(e.expired ? { expired: e.expired } : {}), ...(e.filesRead !== undefined ? { filesRead: e.filesRead } : {}),
    }])),
  };
}

/** "conflicts (same key and version, different content; quarantined): calls 2", or null when there were none. */
export function conflictLine(entities: { entity: string; conflicts?: number }[]): string | null {
  const c = entities.filter((e) => e.conflicts);
  return c.length ? `conflicts (same key and version, different content; in the quarantine): ${c.map((e) => `${e.entity} ${e.conflicts!.toLocaleString("en-US")}`).join(", ")}` : null;
}

/** "expired, not landed (past their retention period): call_transcripts 25,542", or null when none were. */
export function expiredLine(entities: { entity: string; expired?: number }[]): string | null {
  const c = entities.filter((e) => e.expired);
  return c.length ? `expired, not landed (past their retention period): ${c.map((e) => `${e.entity} ${e.expired!.toLocaleString("en-US")}`).join(", ")}` : null;
}
