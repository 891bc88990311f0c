/**
 * readColumns copies fixed-width vectors in bulk: every numeric type and DATE, with NULLs in the
 * middle of chunks, must read as the value-by-value reading of the same rows (checked against
 * DuckDB's own row values), with and without an announced row count.
 */
import { describe, expect, it } from "vitest";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { NULL_DATE, readColumns } from "../../models/shared/columnar.ts";
import { isoToDays } from "../../models/shared/dates.ts";

const SQL = `
  SELECT i,
         CASE WHEN i % 7 = 3 THEN NULL ELSE i * 0.25 END::DOUBLE AS d,
         CASE WHEN i % 11 = 5 THEN NULL ELSE i * 0.5 END::FLOAT AS f,
         CASE WHEN i % 13 = 0 THEN NULL ELSE i - 3000 END::INTEGER AS n32,
         (i % 200 - 100)::TINYINT AS n8,
         (i % 30000)::SMALLINT AS n16,
         (i % 60000)::USMALLINT AS u16,
         i::UINTEGER AS u32,
         CASE WHEN i % 5 = 1 THEN NULL ELSE i * 1000000000 END::BIGINT AS n64,
         (i % 1000 / 10)::DECIMAL(5,1) AS dec,
         CASE WHEN i % 9 = 2 THEN NULL ELSE i % 3 = 0 END AS b,
         CASE WHEN i % 17 = 4 THEN NULL ELSE DATE '2026-01-01' + (i % 400)::INTEGER END AS day
  FROM range(7000) t(i) ORDER BY i`;

describe("columnar reads in bulk", () => {
  it("reads every numeric type and DATE with NULLs across chunks as DuckDB's row values", async () => {
    const db = await openDb();
    try {
      const expected = await rows<Record<string, unknown>>(db, `SELECT * REPLACE (day::VARCHAR AS day, dec::DOUBLE AS dec, n64::DOUBLE AS n64, b::INTEGER AS b) FROM (${SQL})`);
      for (const announced of [undefined, 7000]) {
        const cols = await readColumns(db, SQL, { rows: announced });
        expect(cols.rowCount).toBe(7000);
        for (const name of ["d", "f", "n32", "n8", "n16", "u16", "u32", "n64", "dec", "b"]) {
          const want = expected.map((r) => (r[name] === null ? NaN : Number(r[name])));
          expect(Array.from(cols.num(name)), name).toEqual(want);
        }
        expect(Array.from(cols.date("day"))).toEqual(expected.map((r) => (r.day === null ? NULL_DATE : isoToDays(r.day as string))));
      }
      await expect(readColumns(db, SQL, { rows: 6999 })).rejects.toThrow(/more than the 6999 rows announced/);
      await expect(readColumns(db, SQL, { rows: 7001 })).rejects.toThrow(/returned 7000 rows, 7001 were announced/);
    } finally {
      db.close();
    }
  });
});
