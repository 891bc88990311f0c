/** The stage graph derived from the catalog, and selections over it (stages, datasets, x+, +x, -x). */
import { describe, expect, it } from "vitest";
import { resolveSelection, SelectionError, stageGraph } from "../../pipelines/app/graph.ts";
import { catalog, TRANSFORMS_DIR } from "../../pipelines/catalog/datasets.ts";
import { loadProject } from "../../pipelines/catalog/project.ts";

describe("the stage graph", () => {
  const graph = stageGraph();

  it("derives each stage's upstream from what it reads", () => {
    expect(graph.get("extract")!.after).toEqual([]);
    expect(graph.get("enrich")!.after).toEqual(["extract"]);
    expect(new Set(graph.get("transform")!.after)).toEqual(new Set(["extract", "enrich", "retention"]));
    expect(graph.get("train-churn")!.after).toEqual(["transform"]);
    expect(graph.get("train-churn")!.produces).toEqual(["marts.churn_risk"]);
    for (const m of ["marts.volume_forecast", "marts.volume_forecast_interval", "marts.staffing", "marts.forecast_accuracy"]) expect(graph.get("train-forecast")!.produces).toContain(m);
    expect(new Set(graph.get("report")!.after)).toEqual(new Set(["transform", "train-churn", "train-forecast"]));
  });

  it("every dataset but the raw entities (and marts built from checked-in seeds alone) is produced from datasets of the catalog", () => {
    const c = catalog();
    const seedOnly = new Set(loadProject(TRANSFORMS_DIR).filter((m) => m.seeds.length && !m.refs.length && !m.sources.length).map((m) => `marts.${m.name}`));
    for (const d of c.datasets) {
      if (d.kind === "raw" || seedOnly.has(d.id)) continue;
      expect(d.inputs.length, d.id).toBeGreaterThan(0);
      for (const i of d.inputs) expect(c.find(i), `${d.id} reads ${i}`).toBeDefined();
    }
  });

  it("resolves selections: downstream, upstream, datasets, globs and exclusions, in dependency order", () => {
    expect(resolveSelection(["extract+"])).toEqual(["extract", "enrich", "retention", "transform", "train-churn", "train-forecast", "train-opportunity", "outreach", "report", "alerts"]);
    expect(resolveSelection(["extract+", "-report"])).toEqual(["extract", "enrich", "retention", "transform", "train-churn", "train-forecast", "train-opportunity", "outreach", "alerts"]);
    expect(resolveSelection(["+marts.churn_risk"])).toEqual(["extract", "enrich", "retention", "transform", "train-churn"]);
    expect(resolveSelection(["enriched.*"])).toEqual(["enrich"]);
    expect(resolveSelection(["marts.staffing+"])).toEqual(["train-forecast", "report", "alerts"]);
    expect(resolveSelection(["transform", "extract"])).toEqual(["extract", "transform"]);
  });

  it("names what it does not know", () => {
    expect(() => resolveSelection(["marts.nope"])).toThrow(SelectionError);
    expect(() => resolveSelection(["marts.nope"])).toThrow(/marts\.nope/);
    expect(() => resolveSelection(["trian-churn"])).toThrow(/trian-churn/);
  });
});
