/**
 * The zod record schemas as DuckDB checks, so a big file drop is validated inside DuckDB (no row
 * crosses into JS) against the same definition the API path validates with zod: types (via
 * duckdbTypes.ts), required fields, patterns, enums, bounds, list items. What JSON Schema cannot
 * express (zod refinements) the entity declares as SQL (incremental.ts `checks`).
 */
import { z } from "zod";
import { lit } from "../core/duckdb.ts";
import { duckdbType } from "../catalog/duckdbTypes.ts";

type Js = {
  type?: string | string[]; format?: string; pattern?: string; enum?: unknown[]; const?: unknown;
  minimum?: number; maximum?: number; minLength?: number; anyOf?: Js[]; oneOf?: Js[]; items?: Js;
  properties?: Record<string, Js>; required?: string[];
};

export type FieldRule = {
  field: string; type: string; nullable: boolean;
  pattern?: string; values?: string[]; minimum?: number; maximum?: number; minLength?: number; itemPattern?: string;
};

const FRIENDLY: Record<string, string> = {
  "^\\+[1-9]\\d{1,14}$": "an E.164 phone number",
  "^AC(.*)$": "an id starting with AC",
  "^US(.*)$": "a user id (US...)",
  "^PN(.*)$": "a phone number id (PN...)",
  "^CN(.*)$": "a conversation id (CN...)",
};
const SAFE = Number.MAX_SAFE_INTEGER;

export function fieldRules(schema: z.ZodType): FieldRule[] {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Js;
  const required = new Set(js.required ?? []);
  return Object.entries(js.properties ?? {}).map(([field, prop]) => {
    const variants = prop.anyOf ?? prop.oneOf;
    const nonNull = variants ? variants.filter((v) => v.type !== "null") : [prop];
    const types = Array.isArray(prop.type) ? prop.type : [];
    const nullable = !required.has(field) || (variants ? nonNull.length < variants.length : types.includes("null"));
    const p: Js = nonNull.length === 1 ? nonNull[0]! : {};
    const rule: FieldRule = { field, type: duckdbType(prop), nullable };
    // Only text keeps its pattern: a date-time's pattern is what the TIMESTAMPTZ cast already checked.
    if (p.pattern && rule.type === "VARCHAR") rule.pattern = p.pattern;
    if (p.enum) rule.values = p.enum.map(String);
    if (p.const !== undefined) rule.values = [String(p.const)];
    if (p.minimum !== undefined && Math.abs(p.minimum) < SAFE) rule.minimum = p.minimum;
    if (p.maximum !== undefined && Math.abs(p.maximum) < SAFE) rule.maximum = p.maximum;
    if (p.minLength) rule.minLength = p.minLength;
    if (p.items?.pattern) rule.itemPattern = p.items.pattern;
    return rule;
  });
}

const describe = (pattern: string) => FRIENDLY[pattern] ?? `a value matching ${pattern}`;
const shown = (raw: string) => `coalesce('"' || left(CAST(${raw} AS VARCHAR), 80) || '"', 'missing')`;

export type Check = {
  /** TRUE when the value passes every check (a plain conjunction: cheap for the rows that pass). */
  ok: string;
  /** The reason it does not, or NULL (only worth computing for the rows that fail `ok`). */
  reason: string;
};

/**
 * A field's checks as SQL. `v` is the typed value, `raw` what the source held before the cast
 * (to tell "not a number" from "missing"), `prefix` goes in front of every message.
 */
export function fieldCheck(rule: FieldRule, v: string, raw: string, castMessage?: string, prefix = ""): Check | null {
  const f = rule.field;
  const msg = (text: string) => `${lit(`${prefix}${f}: ${text} (got `)} || ${shown(raw)} || ')'`;
  const c: [string, string][] = [];
  if (raw !== "NULL") c.push([`${raw} IS NOT NULL AND ${v} IS NULL`, msg(castMessage ?? `expected ${rule.type}`)]);
  if (!rule.nullable) c.push([`${v} IS NULL`, lit(`${prefix}${f}: required (got missing)`)]);
  if (rule.pattern) c.push([`NOT regexp_full_match(${v}, ${lit(rule.pattern)})`, msg(`expected ${describe(rule.pattern)}`)]);
  if (rule.values) c.push([`${v} NOT IN (${rule.values.map(lit).join(", ")})`, msg(`expected one of ${rule.values.join(", ")}`)]);
  if (rule.minimum !== undefined) c.push([`${v} < ${rule.minimum}`, msg(`expected at least ${rule.minimum}`)]);
  if (rule.maximum !== undefined) c.push([`${v} > ${rule.maximum}`, msg(`expected at most ${rule.maximum}`)]);
  if (rule.minLength) c.push([`length(${v}) < ${rule.minLength}`, msg(`expected at least ${rule.minLength} character(s)`)]);
  if (rule.itemPattern) {
    const bad = `list_filter(${v}, x -> NOT regexp_full_match(x, ${lit(rule.itemPattern)}))`;
    c.push([`len(${bad}) > 0`, `${lit(`${prefix}${f}: expected ${describe(rule.itemPattern)} (got `)} || ${shown(`${bad}[1]`)} || ')'`]);
  }
  return c.length ? checkOf(c) : null;
}

/** Conditions that each make a value invalid, with their messages, as a Check (CASE order = priority). */
export function checkOf(conditions: [string, string][]): Check {
  return {
    ok: conditions.map(([cond]) => `(${cond}) IS NOT TRUE`).join(" AND "),
    reason: `CASE ${conditions.map(([cond, m]) => `WHEN ${cond} THEN ${m}`).join(" ")} END`,
  };
}
