/**
 * A mapping → DuckDB SQL over the source rows `src`: one table `mapped` with, per source row, the
 * typed value of every mapped field, whether each record-row applies, the unmapped columns
 * (`_extra`), and the reason the row is refused (`_reason`: "<field>\t<message>", NULL when every
 * record it yields is valid). Validation happens here, in DuckDB, against the entity's zod schema
 * (sqlChecks.ts): a source row lands whole or is quarantined whole, so no call-flow event ever
 * lands without its call.
 */
import { lit } from "../../core/duckdb.ts";
import { duckdbColumns } from "../../catalog/duckdbTypes.ts";
import { mergeEntity, type MergeEntity } from "../../catalog/raw.ts";
import { checkOf, fieldCheck, fieldRules, type Check } from "../../lake/sqlChecks.ts";
import type { FieldSpec, Mapping } from "./config.ts";
import { col, columnsUsed, condition, displayTemplate, jsonValue, q, template, type Columns } from "./conditions.ts";

export class MappingError extends Error {}

type Compiled = { typed: string; raw: string; castMessage?: string; mapCheck?: [string, string] };

/** JSON types zod accepts for a column type (a JSON number is no string, "300" is no number). */
const JSON_TYPES: Record<string, string[]> = {
  VARCHAR: ["VARCHAR"], TIMESTAMPTZ: ["VARCHAR"], BIGINT: ["BIGINT", "UBIGINT", "DOUBLE"], DOUBLE: ["BIGINT", "UBIGINT", "DOUBLE"], BOOLEAN: ["BOOLEAN"],
};
export type RowPlan = { when: string; fields: Record<string, string> };
export type TargetPlan = { entity: MergeEntity; rows: RowPlan[]; keepUnmapped: boolean };
export type Plan = { sql: string; targets: TargetPlan[]; missing: string[] };

const isScalar = (t: string) => !t.endsWith("[]") && !t.startsWith("STRUCT") && t !== "JSON";
// DuckDB casts '3.5' to BIGINT by rounding; zod's int() refuses it, so integers must be integral first.
const cast = (v: string, t: string) =>
  t === "VARCHAR" ? v
  : t === "BIGINT" ? `CASE WHEN TRY_CAST(${v} AS DOUBLE) = trunc(TRY_CAST(${v} AS DOUBLE)) THEN TRY_CAST(${v} AS BIGINT) END`
  : `TRY_CAST(${v} AS ${t})`;
const literal = (x: unknown): string =>
  x === null ? "NULL" : typeof x === "string" ? lit(x) : Array.isArray(x) ? `[${x.map(literal).join(", ")}]` : String(x);

export function compileMapping(m: Mapping, c: Columns, sourceColumns: string[]): Plan {
  const defs: string[] = [];   // layer 1: typed values, raw values, row conditions
  const reasons: string[] = []; // layer 2: why a row is refused…
  const oks: string[] = [];     // …computed only for the rows that fail these (all but a few pass)
  let n = 0;
  const alias = (sql: string, prefix: string) => { const a = `${prefix}${n++}`; defs.push(`${sql} AS ${a}`); return a; };

  const compileField = (spec: FieldSpec, type: string, siblings: Record<string, string>): Compiled => {
    if (typeof spec === "string") return compileField({ column: spec }, type, siblings);
    let out: Compiled;
    if ("column" in spec) {
      if (c.json && !isScalar(type)) out = { typed: `TRY_CAST(${jsonValue(spec.column)} AS ${type})`, raw: `CAST(${jsonValue(spec.column)} AS VARCHAR)` };
      else if (spec.map) {
        const src = col(c, spec.column);
        const { default: dflt, ...pairs } = spec.map;
        const value = `CASE ${src} ${Object.entries(pairs).map(([k, v]) => `WHEN ${lit(k)} THEN ${literal(v)}`).join(" ")} ELSE ${dflt === undefined ? "NULL" : literal(dflt)} END`;
        out = { typed: cast(value, type), raw: `CAST(${value} AS VARCHAR)` };
        if (dflt === undefined && Object.keys(pairs).length) {
          out.mapCheck = [`${src} IS NOT NULL AND ${src} NOT IN (${Object.keys(pairs).map(lit).join(", ")})`, lit(`the value of column ${spec.column} is not in the value map`)];
        }
      } else out = { typed: cast(col(c, spec.column), type), raw: col(c, spec.column) };
      const want = JSON_TYPES[type];
      if (c.json && want && !spec.map) {
        const v = jsonValue(spec.column);
        out.mapCheck = [`json_type(${v}) NOT IN ('NULL', ${want.map(lit).join(", ")})`, `'expected ${type === "BOOLEAN" ? "a boolean" : want[0] === "VARCHAR" ? "a string" : "a number"} (got ' || left(CAST(${v} AS VARCHAR), 80) || ')'`];
      }
    } else if ("const" in spec) out = { typed: `CAST(${literal(spec.const)} AS ${type})`, raw: "NULL" };
    else if ("template" in spec) out = { typed: cast(template(c, spec.template), type), raw: template(c, spec.template) };
    else if ("time" in spec) {
      if (!spec.date) throw new MappingError(`a {time: ${spec.time}} field needs the date column it belongs to ({date: ...})`);
      const fmt = `${m.timestamps.date} ${m.timestamps.time}`;
      const text = `(${col(c, spec.date)} || ' ' || ${col(c, spec.time)})`;
      let local = `try_strptime(${text}, ${lit(fmt)})`;
      if (spec.after) {
        // Clock times only: a time more than 12 h before the one it follows happened the next day.
        const anchor = `try_strptime(${col(c, spec.date)} || ' ' || ${col(c, spec.after)}, ${lit(fmt)})`;
        local = `CASE WHEN ${local} < ${anchor} - INTERVAL 12 HOUR THEN ${local} + INTERVAL 1 DAY ELSE ${local} END`;
      }
      out = { typed: `CAST(${local} AS TIMESTAMPTZ)`, raw: text, castMessage: `expected a date and time as "${fmt}"` };
    } else if ("timestamp" in spec) {
      const raw = col(c, spec.timestamp);
      const typed = spec.format ? `CAST(try_strptime(${raw}, ${lit(spec.format)}) AS TIMESTAMPTZ)` : `TRY_CAST(${raw} AS TIMESTAMPTZ)`;
      out = { typed, raw, castMessage: spec.format ? `expected a timestamp as "${spec.format}"` : "expected an ISO 8601 timestamp" };
    } else if ("firstOf" in spec) {
      const parts = spec.firstOf.map((s) => compileField(s, type, siblings));
      const raws = parts.map((p) => p.raw).filter((r) => r !== "NULL");
      out = { typed: `coalesce(${parts.map((p) => p.typed).join(", ")})`, raw: raws.length ? `coalesce(${raws.map((r) => `CAST(${r} AS VARCHAR)`).join(", ")})` : "NULL" };
    } else if ("list" in spec) {
      if (isScalar(type) || !type.endsWith("[]")) throw new MappingError(`a {list: ...} needs a list field, not ${type}`);
      const items = spec.list.map((s) => compileField(s, type.slice(0, -2), siblings).typed);
      // A lambda per row costs; the common single-item list needs none.
      const typed = items.length === 0 ? `CAST([] AS ${type})`
        : items.length === 1 ? `CASE WHEN ${items[0]} IS NULL THEN CAST([] AS ${type}) ELSE [${items[0]}] END`
        : `list_filter([${items.join(", ")}], x -> x IS NOT NULL)`;
      out = { typed, raw: "NULL" };
    } else {
      const [a, b] = spec.secondsBetween.map((f) => {
        if (!siblings[f]) throw new MappingError(`secondsBetween names ${f}, which this record does not map`);
        return siblings[f];
      });
      out = { typed: cast(`CAST(round(epoch(${b}) - epoch(${a})) AS BIGINT)`, type), raw: "NULL" };
    }
    if (type === "VARCHAR" && out.castMessage === undefined) out.raw = "NULL";
    if (spec.when) {
      const w = condition(c, spec.when);
      out = { ...out, typed: `CASE WHEN ${w} THEN ${out.typed} END`, raw: out.raw === "NULL" ? "NULL" : `CASE WHEN ${w} THEN ${out.raw} END` };
    }
    return out;
  };

  const targets: TargetPlan[] = [];
  for (const [name, t] of Object.entries(m.targets)) {
    const entity = mergeEntity(name);
    const types = duckdbColumns(entity.schema);
    const rules = Object.fromEntries(fieldRules(entity.schema).map((r) => [r.field, r]));
    const check = (field: string) => { if (!types[field]) throw new MappingError(`${name} has no field "${field}" (fields: ${Object.keys(types).join(", ")})`); };
    const compileSet = (specs: Record<string, FieldSpec>, inherited: Record<string, { a: string; r: string; c: Compiled }>) => {
      const out = { ...inherited };
      // secondsBetween reads sibling timestamps, so those compile last.
      const late = ([, s]: [string, FieldSpec]) => typeof s === "object" && "secondsBetween" in s;
      const order = [...Object.entries(specs).filter((e) => !late(e)), ...Object.entries(specs).filter(late)];
      for (const [field, spec] of order) {
        check(field);
        const siblings = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.c.typed]));
        const compiled = compileField(spec, types[field]!, siblings);
        out[field] = { a: alias(compiled.typed, "f"), r: compiled.raw === "NULL" ? "NULL" : alias(compiled.raw, "r"), c: compiled };
      }
      return out;
    };
    const shared = compileSet(t.fields, {});
    const rowDefs = t.rows ?? [{ when: undefined, fields: {} }];
    const rows: RowPlan[] = [];
    for (const r of rowDefs) {
      const fields = compileSet(r.fields, shared);
      const w = r.when ? alias(condition(c, r.when), "w") : "true";
      const plan: Record<string, string> = {};
      const checks: Check[] = [];
      for (const [field, type] of Object.entries(types)) {
        const rule = { ...rules[field]!, field: `${name}.${field}` };
        const f = fields[field];
        if (f) {
          plan[field] = f.a;
          if (f.c.mapCheck) checks.push(checkOf([[f.c.mapCheck[0], `${lit(`${name}.${field}\t${name}.${field}: `)} || ${f.c.mapCheck[1]}`]]));
        } else if (field === "phoneNumberId" && m.line) plan[field] = `CAST(${lit(m.line.id)} AS ${type})`;
        else plan[field] = `CAST(NULL AS ${type})`;
        const check = fieldCheck(rule, plan[field]!, f?.r ?? "NULL", f?.c.castMessage, `${name}.${field}\t`);
        if (check) checks.push(check);
      }
      for (const ch of entity.checks ?? []) {
        // The check's column names become the mapped values themselves (a subquery per row would cost ~10× the whole import).
        const expr = ch.sql.replace(/'[^']*'|\b[A-Za-z_][A-Za-z0-9_]*\b/g, (w) => (plan[w] !== undefined ? `(${plan[w]})` : w));
        checks.push({
          ok: `(${expr}) IS NOT TRUE`,
          reason: `CASE WHEN ${expr} THEN ${lit(`${name}.${ch.field}\t${ch.reason}`)} END`,
        });
      }
      if (checks.length) {
        oks.push(`((${w}) IS NOT TRUE OR (${checks.map((x) => x.ok).join("\n        AND ")}))`);
        reasons.push(`CASE WHEN ${w} THEN coalesce(${checks.map((x) => x.reason).join(",\n        ")}) END`);
      }
      rows.push({ when: w, fields: plan });
    }
    targets.push({ entity, rows, keepUnmapped: t.keepUnmapped });
  }

  const used = new Set<string>();
  for (const t of Object.values(m.targets)) {
    for (const s of Object.values(t.fields)) columnsUsed(s, used);
    for (const r of t.rows ?? []) { columnsUsed(r.when, used); for (const s of Object.values(r.fields)) columnsUsed(s, used); }
  }
  for (const r of m.reject) columnsUsed(r.when, used);
  const rules = m.reject.map((r) => `WHEN ${condition(c, r.when)} THEN ${lit("\t")} || ${displayTemplate(c, r.reason)}`);
  if (c.json) rules.unshift(`WHEN _j IS NULL THEN ${lit("\tinvalid JSON")}`);
  const reject = rules.length ? `CASE ${rules.join(" ")} END` : "NULL::VARCHAR";
  defs.push(`${reject} AS _reject`, `${extra(c, sourceColumns, used)} AS _extra`);
  const record = c.json ? "coalesce(CAST(_j AS VARCHAR), _line)" : `CAST(json_object(${sourceColumns.map((s) => `${lit(s)}, ${q(s)}`).join(", ")}) AS VARCHAR)`;
  const rowCols = defs.map((d) => d.slice(d.lastIndexOf(" AS ") + 4)).filter((a) => !a.startsWith("r") && a !== "_reject");
  const sql = `WITH v AS (\n  SELECT *,\n    ${defs.join(",\n    ")}\n  FROM src\n),
w AS (\n  SELECT *, CASE WHEN _reject IS NULL AND ${oks.length ? oks.join("\n    AND ") : "true"} THEN NULL\n    ELSE coalesce(_reject, ${reasons.length ? reasons.join(",\n    ") : "NULL"}) END AS _reason FROM v\n)
SELECT _row, ${rowCols.join(", ")}, _reason, CASE WHEN _reason IS NOT NULL THEN ${record} END AS _record FROM w`;
  return { sql, targets, missing: [...c.missing] };
}

/** The source columns no field reads, as one JSON object per row (NULL when there are none). */
function extra(c: Columns, sourceColumns: string[], used: Set<string>): string {
  if (c.json) {
    const top = [...new Set([...used].map((u) => u.split(".")[0]!))];
    const patch = `{${top.map((k) => `${JSON.stringify(k)}: null`).join(", ")}}`;
    return `CASE WHEN _j IS NULL THEN NULL ELSE nullif(json_merge_patch(_j, ${lit(patch)}), '{}'::JSON) END`;
  }
  const rest = sourceColumns.filter((s) => !used.has(s));
  return rest.length ? `json_object(${rest.map((s) => `${lit(s)}, ${q(s)}`).join(", ")})` : "NULL::JSON";
}
