/** Mapping conditions and source-column access as SQL (identifiers quoted, values as literals). */
import { lit } from "../../core/duckdb.ts";
import type { Condition, FieldSpec } from "./config.ts";

export const q = (id: string) => `"${id.replaceAll('"', '""')}"`;

/** How a source column is read: a CSV column (text), or a key of the JSON record `_j` (a.b for nesting). */
export type Columns = {
  json: boolean;
  /** The file's columns (CSV); a mapping naming another reads NULL and the run says so. */
  present: Set<string> | null;
  missing: Set<string>;
};

export function col(c: Columns, name: string): string {
  if (c.json) return `json_extract_string(_j, ${lit("$." + name.split(".").map((p) => `"${p.replaceAll('"', '\\"')}"`).join("."))})`;
  if (c.present && !c.present.has(name)) { c.missing.add(name); return "NULL::VARCHAR"; }
  return q(name);
}

/** The JSON value of a key (for list and struct fields of JSON sources). */
export function jsonValue(name: string): string {
  return `json_extract(_j, ${lit("$." + name.split(".").map((p) => `"${p.replaceAll('"', '\\"')}"`).join("."))})`;
}

const value = (v: string | number) => (typeof v === "number" ? String(v) : lit(v));

export function condition(c: Columns, cond: Condition): string {
  if ("all" in cond) return cond.all.length ? `(${cond.all.map((x) => condition(c, x)).join(" AND ")})` : "true";
  if ("any" in cond) return cond.any.length ? `(${cond.any.map((x) => condition(c, x)).join(" OR ")})` : "false";
  if ("not" in cond) return `(NOT coalesce(${condition(c, cond.not)}, false))`;
  const v = col(c, cond.column);
  const num = `TRY_CAST(${v} AS DOUBLE)`;
  const parts: string[] = [];
  const cmp = (x: string | number) => (typeof x === "number" ? num : v);
  if (cond.equals !== undefined) parts.push(`${cmp(cond.equals)} = ${value(cond.equals)}`);
  if (cond.notEquals !== undefined) parts.push(`${cmp(cond.notEquals)} IS DISTINCT FROM ${value(cond.notEquals)}`);
  if (cond.in) parts.push(cond.in.length ? `${v} IN (${cond.in.map((x) => lit(String(x))).join(", ")})` : "false");
  if (cond.notIn) parts.push(cond.notIn.length ? `${v} NOT IN (${cond.notIn.map((x) => lit(String(x))).join(", ")})` : "true");
  if (cond.lessThan !== undefined) parts.push(`${num} < ${cond.lessThan}`);
  if (cond.greaterThan !== undefined) parts.push(`${num} > ${cond.greaterThan}`);
  if (cond.empty !== undefined) parts.push(cond.empty ? `nullif(trim(${v}), '') IS NULL` : `nullif(trim(${v}), '') IS NOT NULL`);
  return parts.length ? `coalesce(${parts.join(" AND ")}, false)` : "true";
}

/** "AC{date}-{call_id}" → concatenation (NULL when a column is NULL). */
export function template(c: Columns, t: string, display = false): string {
  const parts: string[] = [];
  let rest = t;
  for (let m = /\{([^}]+)\}/.exec(rest); m; m = /\{([^}]+)\}/.exec(rest)) {
    if (m.index > 0) parts.push(lit(rest.slice(0, m.index)));
    parts.push(display ? `coalesce(${col(c, m[1]!)}, 'null')` : col(c, m[1]!));
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest) parts.push(lit(rest));
  return parts.length ? `(${parts.join(" || ")})` : "''";
}

/** For reject reasons: "{column}" shows the value (or "null"). */
export function displayTemplate(c: Columns, t: string): string {
  return template(c, t, true);
}

/** Every source column a spec or condition reads (for `_extra`: what is left is kept). */
export function columnsUsed(x: FieldSpec | Condition | undefined, out: Set<string>): Set<string> {
  if (x === undefined) return out;
  if (typeof x === "string") { out.add(x); return out; }
  const o = x as Record<string, unknown>;
  for (const k of ["column", "time", "date", "after", "timestamp"]) if (typeof o[k] === "string") out.add(o[k] as string);
  if (typeof o.template === "string") for (const m of (o.template as string).matchAll(/\{([^}]+)\}/g)) out.add(m[1]!);
  for (const k of ["firstOf", "list", "all", "any"]) if (Array.isArray(o[k])) for (const y of o[k] as (FieldSpec | Condition)[]) columnsUsed(y, out);
  if (o.not) columnsUsed(o.not as Condition, out);
  if (o.when) columnsUsed(o.when as Condition, out);
  return out;
}
