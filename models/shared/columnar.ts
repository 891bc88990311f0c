/**
 * Columnar reads from DuckDB: a query's result chunks are copied column by column into
 * typed arrays (numbers → Float64Array with NaN for NULL, DATE → Int32Array of days since
 * 1970-01-01, VARCHAR → string[]), never materialised as row objects.
 * Cast anything else (DECIMAL, TIMESTAMP, ...) in SQL first.
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

/** Run a query and return its result as typed columns. */
export async function readColumns(db: Db, sql: string): Promise<Columns> {
  const result = await db.conn.stream(sql);
  const names = result.columnNames();
  const kinds: Kind[] = names.map((name, i) => {
    const id = result.columnTypeId(i);
    if (NUMERIC.has(id) || id === DuckDBTypeId.DECIMAL) return "num";
    if (id === DuckDBTypeId.DATE) return "date";
    if (id === DuckDBTypeId.VARCHAR) return "str";
    throw new Error(`readColumns: column ${name} has type ${DuckDBTypeId[id]}; cast it to DOUBLE, DATE or VARCHAR in SQL`);
  });
  let cap = 4096;
  let n = 0;
  let nums: (Float64Array | null)[] = kinds.map((k) => (k === "num" ? new Float64Array(cap) : null));
  let dates: (Int32Array | null)[] = kinds.map((k) => (k === "date" ? new Int32Array(cap) : null));
  const strs: ((string | null)[] | null)[] = kinds.map((k) => (k === "str" ? [] : null));

  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const m = chunk.rowCount;
    if (n + m > cap) {
      while (n + m > cap) cap *= 2;
      nums = nums.map((a) => (a ? grow(a, cap) : null));
      dates = dates.map((a) => (a ? grow(a, cap) : null));
    }
    for (let c = 0; c < names.length; c++) {
      const vec: DuckDBVector = chunk.getColumnVector(c);
      const num = nums[c];
      const date = dates[c];
      const str = strs[c];
      if (num) {
        for (let r = 0; r < m; r++) {
          const v = vec.getItem(r);
          num[n + r] = v === null ? NaN : typeof v === "object" ? (v as { toDouble(): number }).toDouble() : Number(v);
        }
      } else if (date) {
        for (let r = 0; r < m; r++) {
          const v = vec.getItem(r) as DuckDBDateValue | null;
          date[n + r] = v === null ? NULL_DATE : v.days;
        }
      } else if (str) {
        for (let r = 0; r < m; r++) {
          const v = vec.getItem(r);
          str.push(v === null ? null : String(v));
        }
      }
    }
    n += m;
  }
  const data = new Map<string, ColumnData>();
  names.forEach((name, c) => {
    const col = nums[c]?.slice(0, n) ?? dates[c]?.slice(0, n) ?? strs[c];
    data.set(name, col!);
  });
  return new Columns(n, data);
}

function grow<T extends Float64Array | Int32Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
