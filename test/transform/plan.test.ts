/**
 * How a run holds each model (issue 13, item 3: staging computed once per run) and when it drops it,
 * and the incremental declaration in a mart's .yml. Pure planning: no DuckDB.
 */
import { describe, expect, it } from "vitest";
import { sqlProject } from "../helpers/records.ts";
import { loadProject, topoSort } from "../../pipelines/catalog/project.ts";
import { lastConsumers, relationKinds } from "../../pipelines/transform/plan.ts";
import { changedDays, upstreamSources, type TransformState } from "../../pipelines/transform/state.ts";

const contract = (extra = "") => `description: d\n${extra}columns: [{name: x, type: INTEGER, description: x}]\n`;

describe("transform plan", () => {
  const dir = sqlProject({
    "staging/s_once.sql": "SELECT 1 AS x FROM {{ source('calls') }}",
    "staging/s_twice.sql": "SELECT 1 AS x FROM {{ source('calls') }}",
    "staging/s_tested.sql": "SELECT 1 AS x FROM {{ source('calls') }}",
    "staging/s_tested.yml": contract(),
    "staging/s_looked_up.sql": "SELECT 1 AS x FROM {{ source('calls') }}",
    "intermediate/i.sql": "SELECT * FROM {{ ref('s_twice') }} UNION ALL SELECT * FROM {{ ref('s_once') }}",
    "marts/a.sql": "SELECT * FROM {{ ref('s_twice') }} UNION ALL SELECT * FROM {{ ref('s_tested') }} UNION ALL SELECT * FROM {{ ref('s_looked_up') }}",
    "marts/z.sql": "SELECT * FROM {{ ref('i') }}",
    "marts/z.yml": "description: d\ncolumns: [{name: x, type: INTEGER, description: x, tests: [{relationships: {to: s_looked_up, field: x}}]}]\n",
    "marts/inc.sql": "SELECT * FROM {{ ref('i') }}, {{ ref('s_tested') }} t, {{ source('contacts') }}",
    "marts/inc.yml": contract("incremental: { partition_by: month, lookback_days: 3, keyed_by: { s_tested: x } }\n"),
  });
  const models = topoSort(loadProject(dir));

  it("a staging model read more than once (two models, or a model and its tests) is a table; read once, a view", () => {
    const kinds = relationKinds(models);
    expect(kinds.get("s_once")).toBe("VIEW");
    expect(kinds.get("s_twice")).toBe("TABLE");
    expect(kinds.get("s_tested")).toBe("TABLE");
    // read by a's SQL and by z's relationships test
    expect(kinds.get("s_looked_up")).toBe("TABLE");
    expect(kinds.get("i")).toBe("TABLE");
  });

  it("a table is dropped after its last reader, a relationships test counting as a read", () => {
    const kinds = relationKinds(models);
    const last = lastConsumers(models, kinds);
    const droppedAfter = (name: string) => models[[...last].find(([, names]) => names.includes(name))![0]]!.name;
    expect(droppedAfter("s_looked_up")).toBe("z");
    expect(droppedAfter("s_twice")).toBe(models.findLast((m) => ["a", "i"].includes(m.name))!.name);
    // s_once is read only by i (a table): done once i is built
    expect(droppedAfter("s_once")).toBe("i");
    expect(droppedAfter("i")).toBe(models.findLast((m) => ["z", "inc"].includes(m.name))!.name);
  });

  it("an incremental mart declared in its .yml: partition, lookback widening the changed days, keyed snapshots", () => {
    const inc = models.find((m) => m.name === "inc")!;
    expect([inc.materialized, inc.partitionBy, inc.lookbackDays, inc.keyedBy]).toEqual(["incremental", "month", 3, { s_tested: "x" }]);
    // s_tested's source is left out only when nothing else reads it: calls is still read through i
    expect([...upstreamSources(models, inc, new Set(["s_tested"]))].sort()).toEqual(["calls", "contacts"]);
    const state = (day: string, snapshot: string): TransformState => ({
      raw: { calls: { "date=2026-03-10": `p@1:1:${day}` }, contacts: { snapshot: `d@1:1:${snapshot}` } }, models: { inc: "h" },
    });
    // a changed day: ±1 for the time zone, ±3 of lookback
    expect(changedDays(state("a", "s"), state("b", "s"), inc, new Set(["calls"]))).toEqual(
      ["2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13", "2026-03-14"]);
    // same content under a new mtime: no change
    const touched = state("a", "s");
    touched.raw.calls!["date=2026-03-10"] = "p@1:999:a";
    expect(changedDays(state("a", "s"), touched, inc, new Set(["calls"]))).toEqual([]);
    // a changed snapshot the mart reads directly: everything
    expect(changedDays(state("a", "s"), state("a", "t"), inc, new Set(["calls", "contacts"]))).toBe("all");
  });
});
