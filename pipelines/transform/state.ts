/**
 * What the last transform saw, so incremental marts rebuild only the days whose raw data changed:
 * a fingerprint (size and mtime) of every raw partition file, and a hash of each model's SQL.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "../core/stateFile.ts";
import type { Model } from "../catalog/project.ts";

export type RawFingerprint = Record<string, Record<string, string>>; // entity → partition ("date=…" or "snapshot") → fingerprint
export type TransformState = { raw: RawFingerprint; models: Record<string, string> };

export function fingerprintRaw(rawDir: string): RawFingerprint {
  const out: RawFingerprint = {};
  if (!existsSync(rawDir)) return out;
  for (const entity of readdirSync(rawDir).sort()) {
    const dir = join(rawDir, entity);
    if (!statSync(dir).isDirectory()) continue;
    const parts: Record<string, string> = {};
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      const files = statSync(p).isDirectory() ? readdirSync(p).sort().map((f) => join(p, f)) : [p];
      parts[entry.includes("=") ? entry : "snapshot"] = files.map((f) => { const s = statSync(f); return `${s.size}:${Math.round(s.mtimeMs)}`; }).join(",");
    }
    out[entity] = parts;
  }
  return out;
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
 * days; a UTC day touches the local day before and after it, so both neighbours are included.
 * Any change to an unpartitioned (snapshot) source the model reads, or to its SQL, means "all".
 */
export function changedDays(prev: TransformState | null, cur: TransformState, model: Model, sources: Set<string>): string[] | "all" {
  if (!prev || prev.models[model.name] !== cur.models[model.name]) return "all";
  const days = new Set<string>();
  for (const entity of sources) {
    const a = prev.raw[entity] ?? {};
    const b = cur.raw[entity] ?? {};
    for (const part of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (a[part] === b[part]) continue;
      if (part === "snapshot") return "all";
      const day = part.slice(part.indexOf("=") + 1);
      for (const d of [-1, 0, 1]) days.add(shiftDay(day, d));
    }
  }
  return [...days].sort();
}

function shiftDay(day: string, by: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + by);
  return d.toISOString().slice(0, 10);
}

/** Sources a model reads directly or through its upstream models. */
export function upstreamSources(models: Model[], model: Model): Set<string> {
  const byName = new Map(models.map((m) => [m.name, m]));
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (m: Model) => {
    if (seen.has(m.name)) return;
    seen.add(m.name);
    for (const s of m.sources) out.add(s);
    for (const r of m.refs) walk(byName.get(r)!);
  };
  walk(model);
  return out;
}
