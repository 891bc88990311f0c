/**
 * Columnar reads from DuckDB: a query's result chunks are copied column by column into
 * typed arrays (numbers → Float64Array with NaN for NULL, DATE → Int32Array of days since
 * 1970-01-01, VARCHAR → string[]), never materialised as row objects.
 * Cast anything else (DECIMAL, TIMESTAMP, ...) in SQL first.
 *
 * Memory: a DOUBLE, FLOAT, 8- to 32-bit integer or DATE vector is copied in bulk (its typed data
 * with one `set`, then the NULLs marked from its validity mask); other numeric types value by value.
 * When the caller knows the row count (`rows`), each column is allocated once at that size; else
 * the chunks' pieces are kept and joined once at the end (one copy, no capacity doubling).
 */
import { DuckDBTypeId, type DuckDBDateValue, type DuckDBVector } from "@duckdb/node-api";
import type { Db } from "../../pipelines/core/duckdb.ts";

export type ColumnData = Float64Array | Int32Array | (string | null)[];

export class Columns {
  constructor(readonly rowCount: number, readonly data: Map<string, ColumnData>) {}

  num(name: string): Float64Array {
    const c = this.get(name);
    if (!(c instanceof Float64Array)) throw new Error(`column ${name} is not numeric`);
    return c;
  }

  /** DATE column as days since 1970-01-01 (NULL → INT32 min). */
  date(name: string): Int32Array {
    const c = this.get(name);
    if (!(c instanceof Int32Array)) throw new Error(`column ${name} is not a DATE`);
    return c;
  }

  str(name: string): (string | null)[] {
    const c = this.get(name);
    if (!Array.isArray(c)) throw new Error(`column ${name} is not VARCHAR`);
    return c;
  }

  private get(name: string): ColumnData {
    const c = this.data.get(name);
    if (c === undefined) throw new Error(`no column ${name} (have: ${[...this.data.keys()].join(", ")})`);
    return c;
  }
}

export const NULL_DATE = -2147483648;

type Kind = "num" | "date" | "str";
const NUMERIC = new Set<DuckDBTypeId>([
  DuckDBTypeId.BOOLEAN, DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT,
  DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT,
]);

/** Types whose stored value is the number itself (DECIMAL is scaled, BOOLEAN and 64-bit integers are read value by value). */
const BULK = new Set<DuckDBTypeId>([
  DuckDBTypeId.DOUBLE, DuckDBTypeId.FLOAT, DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER,
]);

/**
 * The node API's fixed-width vectors keep their chunk's data as a typed array (`items`) and a
 * validity mask (`validity.itemValid`, no mask at all when every value is present); neither is
 * public API, so they are read through this narrow shape, checked at run time, with the
 * value-by-value path as the fallback.
 */
type Fixed = { items?: unknown; validity?: { data?: unknown; itemValid?: (i: number) => boolean } };
type Items = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array;

function fixedItems(vec: DuckDBVector, m: number): { items: Items; valid: ((i: number) => boolean) | null } | null {
  const v = vec as unknown as Fixed;
  const items = v.items;
  const ok = items instanceof Float64Array || items instanceof Float32Array || items instanceof Int32Array || items instanceof Int16Array
    || items instanceof Int8Array || items instanceof Uint32Array || items instanceof Uint16Array || items instanceof Uint8Array;
  if (!ok || (items as Items).length !== m || typeof v.validity?.itemValid !== "function") return null;
  const validity = v.validity;
  return { items: items as Items, valid: validity.data == null ? null : (i) => validity.itemValid!(i) };
}

/** Copy one chunk's numeric vector into `out` at `at` (NULL → NaN). */
function copyNumbers(vec: DuckDBVector, typeId: DuckDBTypeId, out: Float64Array, at: number, m: number): void {
  const fixed = BULK.has(typeId) ? fixedItems(vec, m) : null;
  if (fixed) {
    out.set(fixed.items, at);
    if (fixed.valid) for (let r = 0; r < m; r++) if (!fixed.valid(r)) out[at + r] = NaN;
    return;
  }
  for (let r = 0; r < m; r++) {
    const v = vec.getItem(r);
    out[at + r] = v === null ? NaN : typeof v === "object" ? (v as { toDouble(): number }).toDouble() : Number(v);
  }
}

/** Copy one chunk's DATE vector into `out` at `at` (NULL → NULL_DATE). */
function copyDates(vec: DuckDBVector, out: Int32Array, at: number, m: number): void {
  const fixed = fixedItems(vec, m);
  if (fixed && fixed.items instanceof Int32Array) {
    out.set(fixed.items, at);
    if (fixed.valid) for (let r = 0; r < m; r++) if (!fixed.valid(r)) out[at + r] = NULL_DATE;
    return;
  }
  for (let r = 0; r < m; r++) {
    const v = vec.getItem(r) as DuckDBDateValue | null;
    out[at + r] = v === null ? NULL_DATE : v.days;
  }
}

export type ReadOptions = {
  /** The query's row count when the caller knows it (e.g. from a count in SQL): columns are allocated once at this size. */
  rows?: number;
};

/** Run a query and return its result as typed columns. */
export async function readColumns(db: Db, sql: string, opts: ReadOptions = {}): Promise<Columns> {
  const result = await db.conn.stream(sql);
  const names = result.columnNames();
  const typeIds = names.map((_, i) => result.columnTypeId(i));
  const kinds: Kind[] = names.map((name, i) => {
    const id = typeIds[i]!;
    if (NUMERIC.has(id) || id === DuckDBTypeId.DECIMAL) return "num";
    if (id === DuckDBTypeId.DATE) return "date";
    if (id === DuckDBTypeId.VARCHAR) return "str";
    throw new Error(`readColumns: column ${name} has type ${DuckDBTypeId[id]}; cast it to DOUBLE, DATE or VARCHAR in SQL`);
  });
  const known = opts.rows;
  // With a known count: one array per column. Without: one piece per chunk, joined at the end.
  const whole: (Float64Array | Int32Array | null)[] = kinds.map((k) => (known === undefined ? null : k === "num" ? new Float64Array(known) : k === "date" ? new Int32Array(known) : null));
  const pieces: (Float64Array | Int32Array)[][] = kinds.map(() => []);
  const strs: ((string | null)[] | null)[] = kinds.map((k) => (k === "str" ? [] : null));
  let n = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const m = chunk.rowCount;
    if (known !== undefined && n + m > known) throw new Error(`readColumns: the query returned more than the ${known} rows announced`);
    for (let c = 0; c < names.length; c++) {
      const vec: DuckDBVector = chunk.getColumnVector(c);
      const kind = kinds[c]!;
      if (kind === "str") {
        const str = strs[c]!;
        for (let r = 0; r < m; r++) {
          const v = vec.getItem(r);
          str.push(v === null ? null : String(v));
        }
        continue;
      }
      const target = whole[c] ?? (kind === "num" ? new Float64Array(m) : new Int32Array(m));
      const at = whole[c] ? n : 0;
      if (kind === "num") copyNumbers(vec, typeIds[c]!, target as Float64Array, at, m);
      else copyDates(vec, target as Int32Array, at, m);
      if (!whole[c]) pieces[c]!.push(target);
    }
    n += m;
  }
  if (known !== undefined && n !== known) throw new Error(`readColumns: the query returned ${n} rows, ${known} were announced`);
  const data = new Map<string, ColumnData>();
  names.forEach((name, c) => {
    if (kinds[c] === "str") { data.set(name, strs[c]!); return; }
    if (whole[c]) { data.set(name, whole[c]!); return; }
    const parts = pieces[c]!;
    const out = kinds[c] === "num" ? new Float64Array(n) : new Int32Array(n);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    parts.length = 0;
    data.set(name, out);
  });
  return new Columns(n, data);
}
