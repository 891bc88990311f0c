/**
 * The static HTML data dictionary (as `dbt docs generate` writes one): every dataset of the catalog
 * with its description, grain, key, producer, retention and columns, and a lineage graph of every
 * dataset with an edge for every input, laid out in layers (a dataset sits right of everything it
 * reads). One self-contained file: no network, no external script; open it from disk in any browser.
 * Clicking a dataset highlights what it reads and what reads it, and shows its entry.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Dataset, Kind } from "../../catalog/datasets.ts";

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const anchor = (id: string) => `ds-${id.replaceAll(".", "-")}`;

const KIND_COLOUR: Record<Kind, string> = { raw: "#dbeafe", enriched: "#e0e7ff", mart: "#dcfce7", prediction: "#fef3c7", export: "#fce7f3" };
const KIND_TITLE: Record<Kind, string> = {
  raw: "Raw entities", enriched: "Enriched entities", mart: "Marts (SQL)", prediction: "Prediction marts (models)", export: "Exports (reports, files)",
};

export type Layout = { x: Map<string, number>; y: Map<string, number>; width: number; height: number };

const NODE_W = 210;
const NODE_H = 24;
const GAP_X = 110;
const GAP_Y = 8;

/** Layers by longest path from the sources; order within a layer by the mean position of the inputs (two sweeps). */
export function layout(datasets: Dataset[]): Layout {
  const byId = new Map(datasets.map((d) => [d.id, d]));
  const level = new Map<string, number>();
  const depth = (id: string, seen = new Set<string>()): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle would be a catalog error; never loop
    seen.add(id);
    const inputs = byId.get(id)!.inputs.filter((i) => byId.has(i));
    const l = inputs.length ? 1 + Math.max(...inputs.map((i) => depth(i, seen))) : 0;
    level.set(id, l);
    return l;
  };
  for (const d of datasets) depth(d.id);
  const layers: string[][] = [];
  for (const d of datasets) (layers[level.get(d.id)!] ??= []).push(d.id);
  const order = new Map<string, number>();
  layers.forEach((ids) => ids.forEach((id, i) => order.set(id, i)));
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const ids of layers.slice(1)) {
      const key = (id: string) => {
        const ins = byId.get(id)!.inputs.filter((i) => order.has(i));
        return ins.length ? ins.reduce((a, i) => a + order.get(i)!, 0) / ins.length : order.get(id)!;
      };
      ids.sort((a, b) => key(a) - key(b) || a.localeCompare(b));
      ids.forEach((id, i) => order.set(id, i));
    }
  }
  const x = new Map<string, number>();
  const y = new Map<string, number>();
  const tallest = Math.max(...layers.map((l) => l?.length ?? 0));
  const height = tallest * (NODE_H + GAP_Y) + GAP_Y;
  layers.forEach((ids, l) => {
    const top = (height - ids.length * (NODE_H + GAP_Y)) / 2;
    ids.forEach((id, i) => {
      x.set(id, 10 + l * (NODE_W + GAP_X));
      y.set(id, top + i * (NODE_H + GAP_Y) + GAP_Y / 2);
    });
  });
  return { x, y, width: 20 + layers.length * (NODE_W + GAP_X) - GAP_X, height };
}

function svg(datasets: Dataset[]): string {
  const L = layout(datasets);
  const ids = new Set(datasets.map((d) => d.id));
  const edges: string[] = [];
  for (const d of datasets) {
    for (const i of d.inputs) {
      if (!ids.has(i)) continue;
      const x1 = L.x.get(i)! + NODE_W, y1 = L.y.get(i)! + NODE_H / 2;
      const x2 = L.x.get(d.id)!, y2 = L.y.get(d.id)! + NODE_H / 2;
      const mx = (x1 + x2) / 2;
      edges.push(`<path class="edge" data-from="${esc(i)}" data-to="${esc(d.id)}" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 4},${y2}" marker-end="url(#arrow)"/>`);
    }
  }
  const nodes = datasets.map((d) => {
    const label = d.id.length > 30 ? d.id.slice(0, 29) + "…" : d.id;
    return `<g class="node" data-id="${esc(d.id)}" data-kind="${d.kind}" transform="translate(${L.x.get(d.id)},${L.y.get(d.id)})" tabindex="0">` +
      `<title>${esc(d.id)}: ${esc(d.description)}</title>` +
      `<rect width="${NODE_W}" height="${NODE_H}" rx="5" fill="${KIND_COLOUR[d.kind]}"/>` +
      `<text x="8" y="${NODE_H / 2 + 4}">${esc(label)}</text></g>`;
  });
  return `<svg id="lineage" xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}">` +
    `<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#94a3b8"/></marker></defs>` +
    `<g class="edges">${edges.join("")}</g><g class="nodes">${nodes.join("")}</g></svg>`;
}

function entry(d: Dataset, readBy: string[]): string {
  const link = (id: string) => `<a href="#${anchor(id)}" data-link="${esc(id)}">${esc(id)}</a>`;
  const facts: [string, string][] = [
    ["kind", `${d.kind} (${d.zone})`],
    ...(d.grain ? [["a row is", esc(d.grain)] as [string, string]] : []),
    ...(d.key.length ? [["key", esc(d.key.join(", "))] as [string, string]] : []),
    ["produced by", `stage <code>${esc(d.producer)}</code>${d.partitionBy ? `, partitioned by <code>${esc(d.partitionBy)}</code>` : ""}`],
    ["reads", d.inputs.length ? d.inputs.map(link).join(", ") : "the configured sources"],
    ["read by", readBy.length ? readBy.map(link).join(", ") : "—"],
    ["retention", esc(d.purpose ?? (d.derivedFrom.length ? `as ${d.derivedFrom.map((f) => `raw.${f}`).join(", ")}` : "—"))],
    ["declared in", `<code>${esc(d.declaredIn)}</code>`],
  ];
  const cols = d.columns.length
    ? `<table class="cols"><thead><tr><th>column</th><th>type</th><th>PII</th><th>description</th></tr></thead><tbody>${
      d.columns.map((c) => `<tr><td><code>${esc(c.name)}</code></td><td>${esc(c.type)}</td><td>${c.pii === "none" ? "" : esc(c.pii)}</td><td>${esc(c.description)}</td></tr>`).join("")
    }</tbody></table>`
    : "";
  return `<section class="dataset" id="${anchor(d.id)}" data-dataset="${esc(d.id)}"><h3>${esc(d.id)}</h3><p>${esc(d.description)}</p>` +
    `<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>${cols}</section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#0f172a}
header{padding:14px 20px;border-bottom:1px solid #e2e8f0;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
#search{padding:5px 8px;border:1px solid #cbd5e1;border-radius:5px;min-width:260px}
.legend span{display:inline-block;padding:1px 8px;border-radius:4px;margin-right:4px;font-size:12px}
#graph{overflow:auto;border-bottom:1px solid #e2e8f0;max-height:70vh;background:#f8fafc}
.edge{fill:none;stroke:#94a3b8;stroke-width:1.2;opacity:.55}
.node{cursor:pointer}.node rect{stroke:#64748b;stroke-width:.8}.node text{font-size:11.5px;font-family:ui-monospace,monospace}
.dim .node:not(.on){opacity:.2}.dim .edge:not(.on){opacity:.06}.edge.on{stroke:#2563eb;opacity:1;stroke-width:2}.node.sel rect{stroke:#2563eb;stroke-width:2.5}
.node.miss{opacity:.15}
main{padding:0 20px 40px;max-width:1100px}
.dataset{border-top:1px solid #e2e8f0;padding-top:6px}.dataset h3{font-family:ui-monospace,monospace;margin:10px 0 4px}
dl{display:grid;grid-template-columns:110px 1fr;gap:2px 10px;margin:6px 0}dt{color:#64748b}dd{margin:0}
table.cols{border-collapse:collapse;width:100%;font-size:13px}table.cols td,table.cols th{border-bottom:1px solid #f1f5f9;padding:3px 6px;text-align:left;vertical-align:top}
`;

const SCRIPT = `
(() => {
  const svg = document.getElementById("lineage");
  const edges = [...svg.querySelectorAll(".edge")];
  const nodes = new Map([...svg.querySelectorAll(".node")].map((n) => [n.dataset.id, n]));
  const walk = (id, dir, seen) => {
    for (const e of edges) {
      const [from, to] = dir === "up" ? [e.dataset.to, e.dataset.from] : [e.dataset.from, e.dataset.to];
      if (from === id) { e.classList.add("on"); if (!seen.has(to)) { seen.add(to); walk(to, dir, seen); } }
    }
    return seen;
  };
  const select = (id, scroll) => {
    svg.classList.add("dim");
    for (const el of svg.querySelectorAll(".on,.sel")) el.classList.remove("on", "sel");
    const lit = new Set([id, ...walk(id, "up", new Set()), ...walk(id, "down", new Set())]);
    for (const x of lit) nodes.get(x)?.classList.add("on");
    nodes.get(id)?.classList.add("sel");
    if (scroll) document.getElementById("ds-" + id.replaceAll(".", "-"))?.scrollIntoView({ behavior: "smooth" });
  };
  window.commsightSelect = select;
  for (const [id, n] of nodes) {
    n.addEventListener("click", () => select(id, true));
    n.addEventListener("keydown", (e) => { if (e.key === "Enter") select(id, true); });
  }
  svg.addEventListener("dblclick", () => { svg.classList.remove("dim"); for (const el of svg.querySelectorAll(".on,.sel")) el.classList.remove("on", "sel"); });
  document.getElementById("search").addEventListener("input", (e) => {
    const q = e.target.value.trim().toLowerCase();
    for (const [id, n] of nodes) n.classList.toggle("miss", q !== "" && !id.toLowerCase().includes(q));
    for (const s of document.querySelectorAll(".dataset")) s.hidden = q !== "" && !s.dataset.dataset.toLowerCase().includes(q);
  });
})();
`;

/** The whole page. */
export function dictionaryHtml(datasets: Dataset[], opts: { title?: string; generatedAt?: string } = {}): string {
  const readBy = new Map<string, string[]>();
  for (const d of datasets) for (const i of d.inputs) readBy.set(i, [...(readBy.get(i) ?? []), d.id]);
  const kinds = (Object.keys(KIND_TITLE) as Kind[]).filter((k) => datasets.some((d) => d.kind === k));
  const edgeCount = datasets.reduce((a, d) => a + d.inputs.length, 0);
  const title = opts.title ?? "Commsight data dictionary";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${esc(title)}</h1>
<span id="counts">${datasets.length} datasets, ${edgeCount} lineage edges</span>
<input id="search" type="search" placeholder="filter datasets (e.g. churn, raw.calls)">
<span class="legend">${kinds.map((k) => `<span style="background:${KIND_COLOUR[k]}">${k}</span>`).join("")}</span>
${opts.generatedAt ? `<small>generated ${esc(opts.generatedAt)} by <code>commsight docs</code></small>` : ""}</header>
<div id="graph">${svg(datasets)}</div>
<main>
<p>Every dataset Commsight holds, from the catalog (<code>pipelines/catalog/datasets.ts</code>). The graph reads left to right: a dataset sits right of what it is computed from. Click one to highlight its lineage; double-click the graph to clear. Query the views with <code>commsight sql</code>.</p>
${kinds.map((k) => `<h2>${KIND_TITLE[k]}</h2>\n${datasets.filter((d) => d.kind === k).map((d) => entry(d, readBy.get(d.id) ?? [])).join("\n")}`).join("\n")}
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}

export function writeDictionaryHtml(file: string, datasets: Dataset[]): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, dictionaryHtml(datasets));
  return file;
}
