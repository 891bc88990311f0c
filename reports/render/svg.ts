/**
 * Vega-Lite spec (reports/charts/<name>.vl.json) + rows → SVG string, entirely in Node:
 * vega-lite compiles to Vega, Vega renders headless (renderer 'none') and serialises to SVG.
 * Data is injected as named datasets; specs refer to them with {"data": {"name": "..."}}.
 * Nothing is ever loaded over the network: the Vega loader refuses every URL and file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { FONT_STACK } from "./fonts.ts";

export const chartsDir = join(projectRoot, "reports", "charts");

/** Shared look: the report's embedded typeface (render/fonts.ts), quiet axes, small legend. */
const baseConfig = {
  font: FONT_STACK,
  background: "white",
  view: { stroke: null },
  axis: { labelFontSize: 10, titleFontSize: 10, gridColor: "#e6e6e6", domainColor: "#999", tickColor: "#999" },
  legend: { labelFontSize: 10, titleFontSize: 10, orient: "top", symbolSize: 80, labelLimit: 260 },
  title: { fontSize: 12, anchor: "start" },
};

/** A loader that never fetches: all chart data is inline. */
const noLoader = {
  ...vega.loader(),
  load: async (uri: string) => { throw new Error(`chart tried to load ${uri}; data must be inline`); },
  sanitize: async (uri: string) => { throw new Error(`chart tried to load ${uri}; data must be inline`); },
} as unknown as vega.Loader;

export function loadSpec(name: string): TopLevelSpec {
  const file = join(chartsDir, `${name}.vl.json`);
  return JSON.parse(readFileSync(file, "utf8")) as TopLevelSpec;
}

/** Render a Vega-Lite spec with the given named datasets to SVG (ids prefixed with idPrefix when given). */
export async function vegaLiteToSvg(
  spec: TopLevelSpec,
  datasets: Record<string, readonly object[]>,
  idPrefix?: string,
): Promise<string> {
  const full = {
    ...spec,
    datasets: { ...(spec as { datasets?: object }).datasets, ...structuredClone(datasets) },
    config: { ...baseConfig, ...(spec as { config?: object }).config },
  } as TopLevelSpec;
  const vgSpec = compile(full, { logger: quietLogger() }).spec;
  // Dataflow errors are only logged by Vega; collect them and fail before rendering a broken scene.
  const errors: unknown[] = [];
  const logger = vega.logger(vega.Error);
  logger.error = (...args: readonly unknown[]) => { errors.push(...args); return logger; };
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none", loader: noLoader, logger });
  try {
    await view.runAsync();
    if (errors.length) {
      const e = errors.find((x) => x instanceof Error) as Error | undefined;
      throw new Error(`vega could not draw the chart: ${e?.message ?? errors.map(String).join(" ")}`, { cause: e });
    }
    const svg = await view.toSVG();
    return idPrefix ? prefixIds(svg, idPrefix) : svg;
  } finally {
    view.finalize();
  }
}

/** Render reports/charts/<name>.vl.json with injected data; `patch` may adjust the parsed spec first. */
export function renderChart(
  name: string,
  datasets: Record<string, readonly object[]>,
  patch?: (spec: TopLevelSpec) => void,
): Promise<string> {
  const spec = loadSpec(name);
  patch?.(spec);
  // The spec's name on the <svg>, so a reader of the report's HTML (the legend test) knows which spec drew it.
  return vegaLiteToSvg(spec, datasets, name).then((svg) => svg.replace(/^<svg /, `<svg data-spec="${name.replace(/[^\w-]/g, "_")}" `));
}

/**
 * Several SVGs share one HTML page: make their defs ids (clip paths, gradients) unique per chart. Ids
 * are renumbered in order of appearance, because Vega numbers them from a process-wide counter and the
 * same chart must give the same markup however many were drawn before it.
 */
export function prefixIds(svg: string, prefix: string): string {
  const p = prefix.replace(/[^A-Za-z0-9_-]/g, "_");
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) if (!ids.has(m[1]!)) ids.set(m[1]!, `${p}-${ids.size + 1}`);
  const rename = (id: string) => ids.get(id) ?? `${p}-${id}`;
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${rename(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${rename(id)})`)
    .replace(/(xlink:)?href="#([^"]+)"/g, (_m, x: string | undefined, id: string) => `${x ?? ""}href="#${rename(id)}"`);
}

type Encodable = {
  encoding?: { x?: { type?: string; axis?: Record<string, unknown> | null } };
  layer?: Encodable[]; spec?: Encodable; vconcat?: Encodable[]; hconcat?: Encodable[];
};

/** Put ticks of every temporal x axis at the given ISO days (e.g. Mondays), labelled by the spec's format. */
export function setTemporalTicks(spec: TopLevelSpec, days: readonly string[]): void {
  const values = days.map((d) => Date.parse(`${d}T00:00:00Z`));
  const visit = (node: Encodable) => {
    const x = node.encoding?.x;
    if (x && x.type === "temporal" && x.axis !== null) {
      const { tickCount: _drop, ...axis } = x.axis ?? {};
      x.axis = { ...axis, values };
    }
    node.layer?.forEach(visit);
    node.vconcat?.forEach(visit);
    node.hconcat?.forEach(visit);
    if (node.spec) visit(node.spec);
  };
  visit(spec as Encodable);
}

/** Vega-Lite warnings (e.g. about dropped encodings) are not worth a console line in a batch run. */
function quietLogger() {
  let lvl = 0;
  const logger = {
    level(l?: number) { if (l === undefined) return lvl; lvl = l; return logger; },
    warn() { return logger; },
    info() { return logger; },
    debug() { return logger; },
    error(...args: unknown[]) { throw new Error(`vega-lite: ${args.map(String).join(" ")}`); },
  };
  return logger as never;
}
