/**
 * data/warehouse.duckdb is rebuilt only when what its views say changes (issue 13: fixed overhead of a
 * night). New rows and new partitions of a dataset are seen through the views' globs without a
 * rebuild; a new dataset on disk, or a new column in a dataset's files, rebuilds it.
 */
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, lit, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { buildWarehouse, openWarehouse } from "../../pipelines/lake/warehouse.ts";
import { tmpDir } from "../helpers/records.ts";

describe("the warehouse is rebuilt only when its views change", () => {
  it("new rows and partitions need no rebuild; a new dataset or column does", async () => {
    const paths = lakePaths(parseConfig({ paths: { data: tmpDir("wh-") } }));
    const db = await openDb();
    const write = async (mart: string, part: string, select: string) => {
      const dir = join(paths.marts, mart, part);
      mkdirSync(dir, { recursive: true });
      await exec(db, `COPY (${select}) TO ${lit(join(dir, "part-0.parquet"))} (FORMAT parquet)`);
    };
    const query = async (sql: string) => {
      const wh = await openWarehouse(paths.warehouse);
      try { return await rows(wh, sql); } finally { wh.close(); }
    };
    const stamp = () => { const s = statSync(paths.warehouse); return `${s.ino}:${s.mtimeMs}`; };
    try {
      await write("daily_volume", "month=2026-01", "SELECT DATE '2026-01-05' AS date, 3 AS calls");
      await buildWarehouse(paths);
      const first = stamp();
      expect(await query("SELECT sum(calls)::INTEGER AS n FROM daily_volume")).toEqual([{ n: 3 }]);

      // A new partition and a rewritten one: same views, no rebuild, the rows are there.
      await new Promise((r) => setTimeout(r, 20));
      await write("daily_volume", "month=2026-02", "SELECT DATE '2026-02-05' AS date, 4 AS calls");
      await write("daily_volume", "month=2026-01", "SELECT DATE '2026-01-05' AS date, 5 AS calls");
      await buildWarehouse(paths);
      expect(stamp()).toBe(first);
      expect(await query("SELECT sum(calls)::INTEGER AS n FROM daily_volume")).toEqual([{ n: 9 }]);

      // A dataset that was not on disk: rebuilt, its view is there.
      await write("csat_weekly", "month=2026-01", "SELECT DATE '2026-01-05' AS week, 0.5 AS csat");
      await buildWarehouse(paths);
      const second = stamp();
      expect(second).not.toBe(first);
      expect(await query("SELECT count(*)::INTEGER AS n FROM csat_weekly")).toEqual([{ n: 1 }]);

      // A new column in the newest file: rebuilt, the column is there.
      await write("daily_volume", "month=2026-03", "SELECT DATE '2026-03-05' AS date, 1 AS calls, 2 AS texts");
      await buildWarehouse(paths);
      expect(stamp()).not.toBe(second);
      expect(await query("SELECT sum(texts)::INTEGER AS n FROM daily_volume")).toEqual([{ n: 2 }]);
    } finally {
      db.close();
    }
  });
});
