/**
 * What the last transform saw, so incremental marts rebuild only the days whose raw data changed:
 * a fingerprint (size, mtime and content hash) of every raw partition file, and a hash of each model's SQL.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { addDays } from "../core/clock.ts";
import { writeJsonAtomic } from "../core/stateFile.ts";
import type { Model } from "../catalog/project.ts";

export type RawFingerprint = Record<string, Record<string, string>>; // entity → partition ("date=…" or "snapshot") → fingerprint
/** `keys`: for each keyed snapshot model and column (`stg_contacts.contact_id`), the file of its per-key row hashes last run. */
/** `rows`: rows per source partition, counted once per fingerprint (inputs.ts: sourceRows). */
export type TransformState = { raw: RawFingerprint; models: Record<string, string>; keys?: Record<string, string>; rows?: Record<string, Record<string, number>> };

/**
 * Each partition's files as `name@size:mtime:content-hash`. A file whose size and mtime match the last run's
 * keeps its hash; only a touched file is read and hashed, so a partition rewritten with the same
 * content (a snapshot every extract rewrites, a day an enrich rewrote unchanged) is not a change.
 */
export function fingerprintRaw(rawDir: string, prev: RawFingerprint = {}): RawFingerprint {
  const out: RawFingerprint = {};
  if (!existsSync(rawDir)) return out;
  for (const entity of readdirSync(rawDir).sort()) {
    const dir = join(rawDir, entity);
    if (!statSync(dir).isDirectory()) continue;
    const parts: Record<string, string> = {};
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      const part = entry.includes("=") ? entry : "snapshot";
      const files = statSync(p).isDirectory() ? readdirSync(p).sort().map((f) => join(p, f)) : [p];
      const before = new Map((prev[entity]?.[part] ?? "").split(",").map((x) => [x.slice(0, x.lastIndexOf(":")), x] as const));
      parts[part] = files.map((f) => {
        const st = statSync(f);
        const stamp = `${basename(f)}@${st.size}:${Math.round(st.mtimeMs)}`;
        return before.get(stamp) ?? `${stamp}:${createHash("sha256").update(readFileSync(f)).digest("hex").slice(0, 24)}`;
      }).join(",");
    }
    out[entity] = parts;
  }
  return out;
}

/** A partition's content: its files' hashes (names, sizes and mtimes left out). */
function content(fingerprint: string | undefined): string | undefined {
  return fingerprint?.split(",").map((x) => (x.includes("@") ? x.slice(x.lastIndexOf(":") + 1) : x)).join(",");
}

/** A model's hash covers its SQL, its contract, the shared macros and everything upstream of it. */
export function modelHashes(models: Model[], macros: { sql: string }[] = []): Record<string, string> {
  const macroText = macros.map((m) => m.sql).join("\n");
  const byName = new Map(models.map((m) => [m.name, m]));
  const memo = new Map<string, string>();
  const hash = (m: Model): string => {
    const known = memo.get(m.name);
    if (known) return known;
    const h = createHash("sha256").update(m.sql).update(JSON.stringify(m.contract ?? null)).update(macroText);
    for (const r of m.refs) h.update(hash(byName.get(r)!));
    const out = h.digest("hex").slice(0, 16);
    memo.set(m.name, out);
    return out;
  };
  return Object.fromEntries(models.map((m) => [m.name, hash(m)]));
}

export function readState(file: string): TransformState | null {
  try { return JSON.parse(readFileSync(file, "utf8")) as TransformState; } catch { return null; }
}

export function writeState(file: string, state: TransformState): void {
  writeJsonAtomic(file, state);
}

/**
 * The business-local days an incremental model must rebuild, or "all". Raw partitions are UTC
 * days; a UTC day touches the local day before and after it, so both neighbours are included, and
 * the model's lookback (how far a day reaches into other days' rows) widens that both ways.
 * Any change to an unpartitioned (snapshot) source in `sources`, or to the model's SQL, means "all"
 * (snapshots read only through a keyed model are left out of `sources`: their changes are diffed by key).
 */
export function changedDays(prev: TransformState | null, cur: TransformState, model: Model, sources: Set<string>): string[] | "all" {
  if (!prev || prev.models[model.name] !== cur.models[model.name]) return "all";
  const days = new Set<string>();
  for (const entity of sources) {
    const a = prev.raw[entity] ?? {};
    const b = cur.raw[entity] ?? {};
    for (const part of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (content(a[part]) === content(b[part])) continue;
      if (part === "snapshot") return "all";
      const day = part.slice(part.indexOf("=") + 1);
      for (let d = -1 - model.lookbackDays; d <= 1 + model.lookbackDays; d++) days.add(addDays(day, d));
    }
  }
  return [...days].sort();
}


/** Sources a model reads directly or through its upstream models (not through the models in `stopAt`). */
export function upstreamSources(models: Model[], model: Model, stopAt: Set<string> = new Set()): Set<string> {
  const byName = new Map(models.map((m) => [m.name, m]));
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (m: Model) => {
    if (seen.has(m.name) || stopAt.has(m.name)) return;
    seen.add(m.name);
    for (const s of m.sources) out.add(s);
    for (const r of m.refs) walk(byName.get(r)!);
  };
  walk(model);
  return out;
}
