/**
 * A failing data test stops that model and its descendants only (issue 17, item 8): one bad record
 * (a negative duration) fails one model's test; the independent marts still publish, the error
 * names the failed model, the test and what was skipped, and the next run rebuilds the failed
 * models whole once the record is fixed.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import "../../pipelines/app/config.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { PartialTransformError, runTransforms } from "../../pipelines/transform/run.ts";
import { sqlProject, tmpDir } from "../helpers/records.ts";

const yml = (model: string, cols: string) => `description: ${model}\ncolumns:\n${cols}`;

describe("a failing data test stops only what depends on it", () => {
  it("the other marts publish; the error names the model, its test and the skipped descendants", async () => {
    const data = tmpDir("data-");
    const config = parseConfig({ paths: { data } });
    const paths = lakePaths(config);
    const dir = sqlProject({
      "intermediate/int_calls.sql": "SELECT * FROM (VALUES (1, 'Sales', 30), (2, 'Support', -5), (3, 'Support', 60)) t(id, line, duration)",
      "marts/call_durations.sql": "SELECT id, line, duration FROM {{ ref('int_calls') }}",
      "marts/call_durations.yml": yml("d", "  - {name: id, type: INTEGER, description: id, tests: [unique]}\n  - {name: line, type: VARCHAR, description: l}\n  - {name: duration, type: INTEGER, description: d, tests: [{range: {min: 0}}]}\n"),
      "marts/line_durations.sql": "SELECT line, sum(duration)::BIGINT AS seconds FROM {{ ref('call_durations') }} GROUP BY line ORDER BY line",
      "marts/line_report.sql": "SELECT count(*) AS lines FROM {{ ref('line_durations') }}",
      "marts/call_counts.sql": "SELECT line, count(*) AS calls FROM {{ ref('int_calls') }} GROUP BY line ORDER BY line",
      "marts/lines.sql": "SELECT * FROM (VALUES ('Sales'), ('Support')) t(line)",
    });
    const err = await runTransforms(config, paths, { dir }).catch((e) => e);
    expect(err).toBeInstanceOf(PartialTransformError);
    const e = err as PartialTransformError;
    expect(e.result.failed.map((f) => f.model)).toEqual(["call_durations"]);
    expect(e.result.failed[0]!.skipped.sort()).toEqual(["line_durations", "line_report"]);
    expect(e.unpublished.sort()).toEqual(["call_durations", "line_durations", "line_report"]);
    expect(e.message).toContain("call_durations.duration: range(0..) failed for 1 row");
    expect(e.message).toMatch(/skipped: line_durations, line_report|skipped: line_report, line_durations/);
    // the independent marts were published, with the right content; the failed ones were not
    for (const m of ["call_durations", "line_durations", "line_report"]) expect(existsSync(join(paths.marts, m))).toBe(false);
    const db = await openDb();
    try {
      expect(await rows(db, `SELECT line, calls FROM read_parquet('${join(paths.marts, "call_counts")}/**/*.parquet') ORDER BY line`))
        .toEqual([{ line: "Sales", calls: 1 }, { line: "Support", calls: 2 }]);
      expect(await rows(db, `SELECT count(*) AS n FROM read_parquet('${join(paths.marts, "lines")}/**/*.parquet')`)).toEqual([{ n: 2 }]);
    } finally { db.close(); }
    expect(existsSync(paths.warehouse)).toBe(true);
    // the state marks the failed and skipped models, so the next run rebuilds them whole
    const state = JSON.parse(readFileSync(join(data, "state", "transform.json"), "utf8"));
    expect(state.models.call_durations).toBe("failed");
    expect(state.models.line_report).toBe("failed");
    expect(state.models.call_counts).not.toBe("failed");

    // the record is fixed: everything publishes
    writeFileSync(join(dir, "intermediate", "int_calls.sql"), "SELECT * FROM (VALUES (1, 'Sales', 30), (2, 'Support', 5), (3, 'Support', 60)) t(id, line, duration)");
    const ok = await runTransforms(config, paths, { dir });
    expect(ok.failed).toEqual([]);
    const db2 = await openDb();
    try {
      expect(await rows(db2, `SELECT line, seconds FROM read_parquet('${join(paths.marts, "line_durations")}/**/*.parquet') ORDER BY line`))
        .toEqual([{ line: "Sales", seconds: 30 }, { line: "Support", seconds: 65 }]);
      expect(await rows(db2, `SELECT lines FROM read_parquet('${join(paths.marts, "line_report")}/**/*.parquet')`)).toEqual([{ lines: 2 }]);
    } finally { db2.close(); }
  }, 60_000);
});
