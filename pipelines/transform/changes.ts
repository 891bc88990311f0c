/**
 * The days a published mart actually changed this run, so that `merge: replace` marts reading it
 * rebuild only those days' partitions (not every partition its own rebuild touched: a changed contact
 * rewrites whole months of `calls`, a few of whose rows differ).
 *
 * A mart's changed days come from a content diff of the rows it publishes against the rows they
 * replace (EXCEPT ALL both ways, on the mart's day column: `date`, else a DATE partition column); a
 * mart without one, or with nothing published before, is "all". The days found are journalled
 * (data/state/transform-changes.json) before the mart is published and dropped once the run's state
 * is written: a run killed between a mart's publishing and its consumers' rebuild, or a `--select`
 * run that published without its consumers, leaves them for the next run (whose own diff of the
 * already-published mart would find nothing).
 */
import { existsSync, rmSync } from "node:fs";
import { z } from "zod";
import { one, rows, type Db } from "../core/duckdb.ts";
import { readCache, writeJsonAtomic } from "../core/stateFile.ts";
import type { Model } from "../catalog/project.ts";

export type Days = string[] | "all";

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The column a mart's rows are dated by (business-local day), or null. */
export function dayColumn(model: Model): string | null {
  const cols = model.contract?.columns ?? [];
  if (cols.some((c) => c.name === "date" && c.type.toUpperCase() === "DATE")) return "date";
  const p = cols.find((c) => c.name === model.partitionBy);
  return p && p.type.toUpperCase() === "DATE" ? p.name : null;
}

/**
 * Days whose rows differ between `fresh` (a table: the rows to be published) and the published rows
 * `old` (a relation, filtered by `where`), or "all" (nothing published before, a row without a day,
 * or any change to a mart that has no day column).
 */
export async function diffDays(db: Db, model: Model, fresh: string, old: string | null, where = "true"): Promise<Days> {
  const day = dayColumn(model);
  if (!old) return "all";
  const cols = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE ${fresh}`);
  const plain = cols.map((c) => q(c.column_name)).join(", ");
  const typed = cols.map((c) => `${q(c.column_name)}::${c.column_type} AS ${q(c.column_name)}`).join(", ");
  const a = `SELECT ${plain} FROM ${fresh}`;
  const b = `SELECT ${typed} FROM ${old} t WHERE ${where}`;
  const differ = `((${a} EXCEPT ALL ${b}) UNION ALL (${b} EXCEPT ALL ${a}))`;
  // Not dated (a lookup mart): unchanged, or every day changed.
  if (!day) return (await one<{ n: number }>(db, `SELECT count(*) AS n FROM ${differ}`)).n ? "all" : [];
  const out = await rows<{ d: string | null }>(db, `SELECT DISTINCT ${q(day)}::VARCHAR AS d FROM ${differ}`);
  if (out.some((r) => r.d === null)) return "all";
  return out.map((r) => r.d!).sort();
}

export function unionDays(a: Days | undefined, b: Days): Days {
  if (a === "all" || b === "all") return "all";
  return [...new Set([...(a ?? []), ...b])].sort();
}

/** Published marts a `merge: replace` mart reads, directly or through models that are not published (tables, views). */
export function upstreamMarts(models: Model[], model: Model): Set<string> {
  const byName = new Map(models.map((m) => [m.name, m]));
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (m: Model) => {
    for (const r of m.refs) {
      if (seen.has(r) || r in model.keyedBy) continue;
      seen.add(r);
      const up = byName.get(r)!;
      if (up.materialized === "mart" || up.materialized === "incremental") out.add(r);
      else walk(up);
    }
  };
  walk(model);
  return out;
}

const Journal = z.record(z.string(), z.union([z.literal("all"), z.array(z.string())]));

/** Changed days of marts published by runs whose state was not written (killed, or `--select`). */
export class ChangeJournal {
  readonly days: Record<string, Days>;
  constructor(private readonly file: string) {
    // A journal there but unreadable: every mart may have changed.
    this.days = readCache(file, Journal, (): Record<string, Days> => (existsSync(file) ? { "*": "all" } : {}));
  }
  /** What the journal holds for a mart. */
  of(mart: string): Days {
    return unionDays(this.days["*"] === "all" ? "all" : undefined, this.days[mart] ?? []);
  }
  /** Record a mart's changed days before it is published. */
  record(mart: string, days: Days): void {
    const merged = unionDays(this.days[mart], days);
    if (merged !== "all" && !merged.length && !(mart in this.days)) return;
    this.days[mart] = merged;
    writeJsonAtomic(this.file, this.days);
  }
  /** The run's state is written: every consumer has seen these days. */
  clear(): void {
    if (existsSync(this.file)) rmSync(this.file, { force: true });
  }
}

/** The distinct partition values of a table (NULL left out). */
export async function partitionsIn(db: Db, table: string, column: string): Promise<string[]> {
  return (await rows<{ v: string }>(db, `SELECT DISTINCT ${q(column)}::VARCHAR AS v FROM ${table} WHERE ${q(column)} IS NOT NULL`)).map((r) => r.v);
}

export async function count(db: Db, table: string): Promise<number> {
  return (await one<{ n: number }>(db, `SELECT count(*) AS n FROM ${table}`)).n;
}
