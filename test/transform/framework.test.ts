import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { openWarehouse } from "../../pipelines/lake/warehouse.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { DOCS_FILE, renderDocs } from "../../pipelines/catalog/docs.ts";
import { DataTestError, runTransforms } from "../../pipelines/transform/run.ts";
import { runUnitTests } from "../../pipelines/transform/unitTests.ts";
import { call, sqlProject, tmpDir, writeNdjson } from "../helpers/records.ts";

const config = (data: string) => parseConfig({ paths: { data } });

describe("transform framework", () => {
  it("a failing data test fails the run naming model, column and offending row count, and publishes nothing", async () => {
    const data = tmpDir("data-");
    const dir = sqlProject({
      "marts/m.sql": "SELECT * FROM (VALUES (1, 'a'), (2, NULL), (2, NULL)) t(id, v)",
      "marts/m.yml": "description: x\ncolumns:\n  - {name: id, type: INTEGER, description: id, tests: [unique]}\n  - {name: v, type: VARCHAR, description: v, tests: [not_null, {accepted_values: [a]}]}\n",
    });
    const err = await runTransforms(config(data), lakePaths(config(data)), { dir }).catch((e) => e);
    expect(err).toBeInstanceOf(DataTestError);
    expect(err.message).toContain("m.id: unique failed for 2 rows");
    expect(err.message).toContain("m.v: not_null failed for 2 rows");
    expect(err.message).not.toContain("accepted_values");
    expect(() => statSync(join(data, "lake", "marts", "m"))).toThrow();
  });

  it("a model that breaks its contract's columns or types is an error naming them", async () => {
    const data = tmpDir("data-");
    const dir = sqlProject({
      "marts/m.sql": "SELECT 1 AS id, 'x' AS extra",
      "marts/m.yml": "description: x\ncolumns:\n  - {name: id, type: VARCHAR, description: id}\n  - {name: gone, type: INTEGER, description: g}\n",
    });
    const err = await runTransforms(config(data), lakePaths(config(data)), { dir }).catch((e) => e);
    expect(err.message).toMatch(/m\.id: contract says VARCHAR, model gives INTEGER/);
    expect(err.message).toMatch(/contract column gone is missing/);
    expect(err.message).toMatch(/column extra is not in the contract/);
  });

  it("the shipped contracts' unit tests pass, and a wrong expectation fails naming model and test", async () => {
    const ok = await runUnitTests(config(tmpDir("data-")));
    expect(ok.passed).toBeGreaterThanOrEqual(5);
    const dir = sqlProject({
      "marts/m.sql": "SELECT x * 2 AS y FROM {{ ref('i') }}",
      "staging/i.sql": "SELECT 1 AS x",
      "marts/m.yml": "description: d\ncolumns: [{name: y, type: INTEGER, description: y}]\nunit_tests:\n  - name: doubles\n    given: {i: [{x: 2}, {x: 5}]}\n    expect: [{y: 4}, {y: 11}]\n",
    });
    const err = await runUnitTests(config(tmpDir("data-")), { dir }).catch((e) => e);
    expect(err.message).toMatch(/m › doubles: expected but not produced: \{"y":11\} \| produced but not expected: \{"y":"10"\}/);
  });

  it("macros under transforms/macros are registered before models and see the vars", async () => {
    const data = tmpDir("data-");
    const dir = sqlProject({
      "macros/double.sql": "CREATE OR REPLACE MACRO double_it(x) AS x * 2 + {{ var('service_level_seconds') }};",
      "marts/m.sql": "SELECT double_it(5) AS y",
      "marts/m.yml": "description: d\ncolumns: [{name: y, type: INTEGER, description: y}]\nunit_tests:\n  - name: macro\n    given: {}\n    expect: [{y: 30}]\n",
    });
    await runTransforms(config(data), lakePaths(config(data)), { dir });
    const db = await openDb();
    try {
      expect(await rows(db, `SELECT y FROM read_parquet('${join(data, "lake", "marts", "m")}/**/*.parquet')`)).toEqual([{ y: 30 }]);
    } finally { db.close(); }
    expect((await runUnitTests(config(data), { dir })).passed).toBe(1);
  });

  it("docs/marts.md is generated from the contracts and up to date", () => {
    expect(readFileSync(DOCS_FILE, "utf8")).toBe(renderDocs());
  });

  it("an incremental mart rebuilds only the month whose raw days changed, and equals a full refresh", async () => {
    const data = tmpDir("data-");
    const src = tmpDir("src-");
    const c = config(data);
    const paths = lakePaths(c);
    writeNdjson(src, "phone-numbers.ndjson", [{
      id: "PN1", groupId: "g", createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-01-01T00:00:00Z", name: "Support",
      number: "+15550000001", formattedNumber: null, forward: null, portRequestId: null, portingStatus: null, symbol: null, users: [],
    }]);
    writeNdjson(src, "calls/2026-01.ndjson", [call("AC1", "2026-01-10T15:00:00Z"), call("AC2", "2026-01-20T15:00:00Z")]);
    writeNdjson(src, "calls/2026-02.ndjson", [call("AC3", "2026-02-10T15:00:00Z")]);
    await extractFiles(paths, src);
    await runTransforms(c, paths, { select: "calls" });
    await runTransforms(c, paths);
    const jan = join(paths.marts, "calls", "month=2026-01", "part-0.parquet");
    const feb = join(paths.marts, "calls", "month=2026-02", "part-0.parquet");
    const febBefore = statSync(feb).mtimeMs;
    // A later version of AC3 (February) arrives; January's raw days are untouched.
    await new Promise((r) => setTimeout(r, 20));
    writeNdjson(src, "calls/2026-02.ndjson", [call("AC3", "2026-02-10T15:00:00Z", { duration: 999, updatedAt: "2026-02-11T00:00:00Z" }), call("AC4", "2026-02-12T15:00:00Z")]);
    const janBefore = statSync(jan).mtimeMs;
    await extractFiles(paths, src);
    const r = await runTransforms(c, paths);
    const callsRun = r.models.find((m) => m.model === "calls")!;
    // two changed UTC days (AC3 updated, AC4 new), each with its local neighbours: 02-09 … 02-13
    expect(callsRun.rebuilt).toBe("5 days");
    expect(statSync(jan).mtimeMs).toBe(janBefore);
    expect(statSync(feb).mtimeMs).toBeGreaterThan(febBefore);
    const read = async () => {
      const db = await openDb();
      try { return await rows(db, `SELECT call_id, duration_seconds, month FROM read_parquet('${paths.marts}/calls/**/*.parquet', hive_partitioning = true) ORDER BY call_id`); } finally { db.close(); }
    };
    const incremental = await read();
    expect(incremental.map((x) => x.call_id)).toEqual(["AC1", "AC2", "AC3", "AC4"]);
    expect(incremental.find((x) => x.call_id === "AC3")!.duration_seconds).toBe(999);
    await runTransforms(c, paths, { fullRefresh: true });
    expect(await read()).toEqual(incremental);
    // downstream marts read the whole published mart, not only the rebuilt days
    const db = await openWarehouse(paths.warehouse);
    try {
      const [k] = await rows<{ n: number }>(db, "SELECT sum(calls) AS n FROM kpi_weekly WHERE line = 'All'");
      expect(k!.n).toBe(4);
    } finally { db.close(); }
  });
});
