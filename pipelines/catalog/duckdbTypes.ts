/**
 * DuckDB column types derived from the zod record schemas (via JSON Schema), so a record's
 * shape is written once: the schema validates it in JS and types its column in the lake.
 */
import { z } from "zod";

type Js = { type?: string | string[]; format?: string; anyOf?: Js[]; oneOf?: Js[]; items?: Js; properties?: Record<string, Js>; enum?: unknown[]; const?: unknown };

export function duckdbColumns(schema: z.ZodType): Record<string, string> {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Js;
  if (!js.properties) throw new Error("a record schema must be an object");
  return Object.fromEntries(Object.entries(js.properties).map(([k, v]) => [k, duckdbType(v)]));
}

export function duckdbType(js: Js): string {
  const variants = (js.anyOf ?? js.oneOf ?? []).filter((v) => v.type !== "null");
  if (variants.length === 1) return duckdbType(variants[0]!);
  if (variants.length > 1) return "JSON";
  const types = (Array.isArray(js.type) ? js.type : [js.type]).filter((t) => t && t !== "null");
  if (types.length !== 1) return "JSON";
  switch (types[0]) {
    case "string": return js.format === "date-time" ? "TIMESTAMPTZ" : "VARCHAR";
    case "integer": return "BIGINT";
    case "number": return "DOUBLE";
    case "boolean": return "BOOLEAN";
    case "array": return js.items ? `${duckdbType(js.items)}[]` : "JSON";
    case "object": {
      if (!js.properties) return "JSON";
      const fields = Object.entries(js.properties).map(([k, v]) => `"${k}" ${duckdbType(v)}`);
      return `STRUCT(${fields.join(", ")})`;
    }
    default: return "JSON";
  }
}

/** The `columns={...}` argument of read_json for these columns. */
export function readJsonColumns(cols: Record<string, string>): string {
  return "{" + Object.entries(cols).map(([k, t]) => `'${k}': '${t.replaceAll("'", "''")}'`).join(", ") + "}";
}
