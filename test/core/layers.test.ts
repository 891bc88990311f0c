/**
 * Layers import only downward. Every import line of every non-test .ts/.mjs file of the product is
 * read; paths are cut at two folder levels (pipelines/sources/files/land.ts belongs to pipelines/sources);
 * the test fails when a folder imports one of a higher layer, when two folders import each other
 * (directly or round a cycle), or when a folder is in no layer (a new folder must be placed here).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

/** Lowest first. A folder may import its own layer (without a cycle) and any layer below. */
export const LAYERS: [string, string[]][] = [
  ["core: config types, DuckDB access, paths, logging, ledger", ["pipelines/core"]],
  ["catalog: record schemas, contracts, dataset declarations", ["pipelines/catalog"]],
  ["libraries: privacy (redaction, pseudonyms, suppression), ML and text primitives", ["pipelines/privacy", "models/shared", "models/text"]],
  ["lake: landing zone, merge, atomic publish, the warehouse views", ["pipelines/lake"]],
  ["sources: OpenPhone API, webhooks, file drops, the demo generator", ["pipelines/sources"]],
  ["stages: extract, enrich, retention, transform", ["pipelines/extract", "pipelines/enrich", "pipelines/retention", "pipelines/transform"]],
  ["models: churn, forecast, staffing, opportunity and outreach", ["models/churn", "models/forecast", "models/staffing", "models/opportunity"]],
  ["reports", ["reports/shared", "reports/render", "reports/leadership", "reports/staffing", "reports/coaching"]],
  ["alerting: rules, actions, delivery", ["reports/actions", "reports/delivery", "reports/rules"]],
  ["publishing: produce and deliver the reports", ["reports/publish"]],
  ["app: CLI, commands, stage graph, scheduler, config assembly", ["pipelines/app", "pipelines/bin", "pipelines/setup"]],
];

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "node_modules" ? [] : files(p);
    return /\.(ts|mjs)$/.test(f) && !f.endsWith(".test.ts") ? [p] : [];
  });
}

const folderOf = (file: string) => {
  const parts = relative(root, file).split("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : parts[0]!;
};

export function folderImports(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const top of ["pipelines", "models", "reports", "transforms"]) {
    let all: string[] = [];
    try { all = files(join(root, top)); } catch { continue; }
    for (const f of all) {
      const from = folderOf(f);
      if (!edges.has(from)) edges.set(from, new Map());
      for (const m of readFileSync(f, "utf8").matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? m[3]!;
        if (!spec.startsWith(".")) continue;
        const to = folderOf(normalize(join(dirname(f), spec)));
        if (to === from) continue;
        const via = edges.get(from)!;
        via.set(to, [...(via.get(to) ?? []), `${relative(root, f)} → ${spec}`]);
      }
    }
  }
  return edges;
}

function cycles(edges: Map<string, Map<string, string[]>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>(), out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe("layers", () => {
  const edges = folderImports();
  const rank = new Map(LAYERS.flatMap(([, folders], i) => folders.map((f) => [f, i] as const)));

  it("reads a real import graph (the check cannot pass on nothing)", () => {
    expect(edges.size).toBeGreaterThan(15);
    expect(edges.get("pipelines/app")?.has("pipelines/core")).toBe(true);
  });

  it("the cycle finder finds a cycle round three folders", () => {
    const e = (pairs: [string, string][]) => { const m = new Map<string, Map<string, string[]>>(); for (const [a, b] of pairs) { if (!m.has(a)) m.set(a, new Map()); m.get(a)!.set(b, []); } return m; };
    expect(cycles(e([["a", "b"], ["b", "c"], ["c", "a"], ["c", "d"]]))).toEqual([["a", "b", "c"]]);
    expect(cycles(e([["a", "b"], ["b", "c"]]))).toEqual([]);
  });

  it("every product folder is in a layer", () => {
    const unplaced = [...edges.keys()].filter((f) => !rank.has(f));
    expect(unplaced, `place these folders in LAYERS (test/core/layers.test.ts) and the README: ${unplaced.join(", ")}`).toEqual([]);
  });

  it("no folder imports one of a higher layer", () => {
    const upward: string[] = [];
    for (const [from, tos] of edges) {
      for (const [to, via] of tos) {
        if ((rank.get(to) ?? -1) > (rank.get(from) ?? Infinity)) upward.push(`${from} (${LAYERS[rank.get(from)!]![0].split(":")[0]}) imports ${to} (${LAYERS[rank.get(to)!]![0].split(":")[0]}): ${via[0]}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("no two folders sit in an import cycle", () => {
    const found = cycles(edges).map((c) => `${c.join(" ⇄ ")}: ${c.flatMap((a) => c.filter((b) => edges.get(a)?.has(b)).map((b) => edges.get(a)!.get(b)![0])).join("; ")}`);
    expect(found).toEqual([]);
  });
});
