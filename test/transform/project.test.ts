import { describe, expect, it } from "vitest";
import { sqlProject } from "../helpers/records.ts";
import { loadProject, select, topoSort } from "../../pipelines/catalog/project.ts";
import { TRANSFORMS_DIR } from "../../pipelines/transform/run.ts";

describe("SQL model project", () => {
  it("orders models by their refs and materializes by folder", () => {
    const dir = sqlProject({
      "marts/m.sql": "SELECT * FROM {{ ref('i') }}",
      "intermediate/i.sql": "SELECT * FROM {{ ref('s') }}",
      "staging/s.sql": "SELECT * FROM {{ source('calls') }}",
    });
    const order = topoSort(loadProject(dir));
    expect(order.map((m) => [m.name, m.materialized])).toEqual([["s", "view"], ["i", "table"], ["m", "mart"]]);
    expect(select(order, "i+").map((m) => m.name).sort()).toEqual(["i", "m"]);
    expect(select(order, "+i").map((m) => m.name).sort()).toEqual(["i", "s"]);
  });

  it("a cycle is an error naming the models in it", () => {
    const dir = sqlProject({ "marts/a.sql": "SELECT * FROM {{ ref('b') }}", "marts/b.sql": "SELECT * FROM {{ ref('a') }}" });
    expect(() => topoSort(loadProject(dir))).toThrow(/cycle: a → b → a/);
  });

  it("a missing reference is an error naming the file and the ref", () => {
    const dir = sqlProject({ "marts/a.sql": "SELECT * FROM {{ ref('nope') }}" });
    expect(() => topoSort(loadProject(dir))).toThrow(/marts\/a\.sql refers to ref\('nope'\)/);
  });

  it("the shipped project has no cycles or dangling refs", () => {
    const models = topoSort(loadProject(TRANSFORMS_DIR));
    for (const mart of ["daily_volume", "call_outcomes_daily", "nps_weekly", "csat_weekly", "kpi_weekly", "topic_daily"]) {
      expect(models.find((m) => m.name === mart)?.materialized).toBe("mart");
    }
    // built by slice since issue 13: only the snapshots from the changed days on, and the changed contacts
    for (const mart of ["calls", "interactions", "contact_features", "opportunity_features"]) {
      expect(models.find((m) => m.name === mart)?.materialized).toBe("incremental");
    }
  });
});
