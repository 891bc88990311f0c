/**
 * The streaming COPY of one drop file for one target (stage_copy.sql), generated from the compiled
 * mapping: every record-row of the target as a UNION ALL branch over the mapped rows, lake columns
 * in lake order, the partition day from the entity's own definition.
 */
import { join } from "node:path";
import { lit, sqlTemplate } from "../../core/duckdb.ts";
import { isPartitioned, lakeColumns } from "../../catalog/raw.ts";
import type { Plan, TargetPlan } from "./compile.ts";

const q = (id: string) => `"${id.replaceAll('"', '""')}"`;
export const QUARANTINE = "__quarantine__";
export const SKIP = "__skip__";

/** The partition value of a valid record: its UTC day, or "all" for a snapshot or a day that comes from a parent. */
function dayOf(t: TargetPlan): string {
  return t.entity.day && !t.entity.dayFrom ? t.entity.day : "'all'";
}

/** `from`: a table already holding the mapped rows (several targets share one evaluation); else the mapping streams. */
export function stageCopy(plan: Plan, t: TargetPlan, carrier: boolean, file: string, out: string, from?: string): string {
  const cols = Object.keys(lakeColumns(t.entity));
  const business = cols.filter((c) => !c.startsWith("_"));
  const branches = t.rows.map((row, k) => {
    const fields = business.map((c) => `${row.fields[c]} AS ${q(c)}`).join(", ");
    const extra = t.keepUnmapped ? "_extra" : "NULL::JSON";
    const carries = carrier && k === 0;
    const src = `SELECT ${fields},\n        ${carries ? `CASE WHEN _reason IS NOT NULL THEN json_object('reason', _reason, 'record', _record) ELSE ${extra} END` : extra} AS _extra,\n`
      + `        ${lit(file)} AS _source_file, _row AS _source_line, _reason, ${row.when} AS _w\n    FROM m${carries ? "" : ` WHERE _reason IS NULL AND ${row.when}`}`;
    const date = carries
      ? `CASE WHEN _reason IS NOT NULL THEN ${lit(QUARANTINE)} WHEN NOT _w THEN ${lit(SKIP)} ELSE ${dayOf(t)} END`
      : dayOf(t);
    return `SELECT ${cols.map(q).join(", ")}, ${date} AS date FROM (\n    ${src}\n) i`;
  });
  return sqlTemplate(join(import.meta.dirname, "sql", "stage_copy.sql"), {
    select: `WITH m AS (\n${from ? `SELECT * FROM ${from}` : plan.sql}\n)\n${branches.join("\nUNION ALL\n")}`, out: lit(out),
  });
}

/** The target that yields one record per source row (no row conditions), else the first. */
export function carrierOf(plan: Plan): TargetPlan {
  return plan.targets.find((t) => t.rows.length === 1 && t.rows[0]!.when === "true") ?? plan.targets[0]!;
}

export { isPartitioned };
