/**
 * Legend swatches against the marks they stand for, read from a chart's SVG as Vega wrote it (the same markup the
 * PDF prints). Each legend entry (its swatch path and its label) is matched to the mark items of its series — a
 * mark item's series is read from the item's own aria-label (`<colour field>: <value>`) or, for a layer coloured by
 * a constant datum, from the layer's `color.datum` in the chart spec — and the swatch must paint like them: a line
 * series has a stroke swatch of the line's colour, dash and opacity; a bar or area series a filled swatch of the
 * fill colour and opacity. A gradient legend must give each cell the colour its value has on the gradient.
 */

export type El = { tag: string; attrs: Record<string, string>; children: El[]; text: string; parent: El | null };

/** A small XML reader for Vega's SVG output (no DTD, no CDATA, attributes always double-quoted). */
export function parseSvg(svg: string): El {
  const root: El = { tag: "#root", attrs: {}, children: [], text: "", parent: null };
  let cur = root;
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g)) {
    if (m[5] !== undefined) { cur.text += m[5]; continue; }
    if (m[1]) { cur = cur.parent ?? root; continue; }
    const attrs: Record<string, string> = {};
    for (const a of m[3]!.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'");
    const el: El = { tag: m[2]!, attrs, children: [], text: "", parent: cur };
    cur.children.push(el);
    if (!m[4]) cur = el;
  }
  return root;
}

const all = (el: El, pred: (e: El) => boolean, out: El[] = []): El[] => {
  for (const c of el.children) { if (pred(c)) out.push(c); all(c, pred, out); }
  return out;
};
const classes = (e: El) => (e.attrs.class ?? "").split(/\s+/);
const hasClass = (name: string) => (e: El) => classes(e).includes(name);
const textOf = (e: El): string => e.text + e.children.map(textOf).join("");

/** "#3a9d5d", "#fff" or "rgb(58, 157, 93)" → [r, g, b]; null for none/url()/missing. */
export function rgb(c: string | undefined): [number, number, number] | null {
  if (!c || c === "none" || c === "transparent" || c.startsWith("url(")) return null;
  let m = /^#([0-9a-f]{6})$/i.exec(c);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1]!.slice(i, i + 2), 16)) as [number, number, number];
  m = /^#([0-9a-f]{3})$/i.exec(c);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1]![i]! + m![1]![i]!, 16)) as [number, number, number];
  m = /^rgba?\(\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)/i.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const named: Record<string, [number, number, number]> = { white: [255, 255, 255], black: [0, 0, 0] };
  if (named[c.toLowerCase()]) return named[c.toLowerCase()]!;
  throw new Error(`unknown colour ${c}`);
}
const hex = (c: [number, number, number] | null) => (c ? `#${c.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}` : "none");
const num = (v: string | undefined, d = 1) => (v === undefined ? d : Number(v));
const dash = (v: string | undefined) => (v ?? "").split(/[\s,]+/).filter(Boolean).map(Number).join(",");

/** How a path paints: the colours as #rrggbb, effective opacities, dash and shape. */
export type Paint = { fill: string; stroke: string; fillOpacity: number; strokeOpacity: number; dash: string; shape: "stroke" | "filled" };
export function paintOf(p: El): Paint {
  const o = num(p.attrs.opacity);
  const d = p.attrs.d ?? "";
  // A swatch drawn as a line segment ("M-4.5,0L4.5,0"); anything closed is a filled shape.
  const shape = /^M-?[\d.]+,-?[\d.]+L-?[\d.]+,-?[\d.]+$/.test(d) && !/Z$/i.test(d) ? "stroke" : "filled";
  return {
    fill: hex(rgb(p.attrs.fill)), stroke: hex(rgb(p.attrs.stroke)),
    fillOpacity: o * num(p.attrs["fill-opacity"]), strokeOpacity: o * num(p.attrs["stroke-opacity"]),
    dash: dash(p.attrs["stroke-dasharray"]), shape,
  };
}

type ColorEnc = { field?: string; datum?: unknown; value?: unknown; title?: unknown; legend?: unknown };
type Node = { encoding?: { color?: ColorEnc }; layer?: Node[]; spec?: Node; mark?: unknown };

/** The colour encoding of each layer (index as Vega-Lite names its marks: layer_<i>_marks), top-level encoding inherited. */
function colourEncodings(spec: Node): Map<number, ColorEnc | undefined> {
  const top = spec.spec ?? spec;
  const out = new Map<number, ColorEnc | undefined>();
  if (top.layer) top.layer.forEach((l, i) => out.set(i, l.encoding?.color ?? top.encoding?.color));
  else out.set(-1, top.encoding?.color);
  return out;
}

/** "k: v; k: v" of an aria-label. */
function ariaFields(label: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of label.split("; ")) {
    const i = part.indexOf(": ");
    if (i > 0) m.set(part.slice(0, i), part.slice(i + 2));
  }
  return m;
}

export type MarkItem = { series: string; kind: string; paint: Paint; value?: string };

/** Every item of every mark coloured by a field or datum, with its series. */
export function seriesMarks(svg: El, spec: object): MarkItem[] {
  const enc = colourEncodings(spec as Node);
  const items: MarkItem[] = [];
  for (const g of all(svg, hasClass("role-mark"))) {
    const kind = classes(g).find((c) => c.startsWith("mark-"))!.slice(5);
    if (kind === "text" || kind === "group") continue;
    const layer = classes(g).map((c) => /(?:^|_)layer_(\d+)_marks$/.exec(c)).find(Boolean);
    const color = enc.get(layer ? Number(layer[1]) : -1) ?? (layer ? undefined : enc.get(0));
    if (!color || (color.field === undefined && color.datum === undefined)) continue;
    for (const p of g.children.filter((c) => c.attrs["aria-label"] !== undefined)) {
      const aria = ariaFields(p.attrs["aria-label"]!);
      const key = typeof color.title === "string" ? color.title : color.field!;
      const series = color.field !== undefined ? aria.get(key) : String(color.datum);
      if (series === undefined) throw new Error(`mark item without its colour field ${key}: ${p.attrs["aria-label"]}`);
      items.push({ series, kind, paint: paintOf(p) });
    }
  }
  return items;
}

export type Entry = { label: string; swatch: Paint };

/** The symbol legends' entries: swatch and label, in order. */
export function legendEntries(svg: El): Entry[] {
  return all(svg, hasClass("role-legend-symbol")).map((sym) => {
    const entry = sym.parent!;
    const label = all(entry, hasClass("role-legend-label")).map(textOf).join("").trim();
    const path = all(sym, (e) => e.tag === "path")[0]!;
    return { label, swatch: paintOf(path) };
  });
}

const close = (a: number, b: number, eps = 0.02) => Math.abs(a - b) <= eps;

/**
 * Every way a legend swatch differs from its series' marks ("Forecast: legend dash '' but the line's is '4,2'"),
 * and every series drawn but missing from a legend that exists. Empty when they all match.
 */
export function legendMismatches(svgText: string, spec: object): string[] {
  const svg = parseSvg(svgText);
  const entries = legendEntries(svg);
  const marks = seriesMarks(svg, spec);
  const problems: string[] = [];
  for (const { label, swatch } of entries) {
    const own = marks.filter((m) => m.series === label);
    for (const kind of new Set(own.map((m) => m.kind))) {
      // Every item of the series must paint alike; the first stands for them (a difference among them is itself a mismatch).
      const paints = new Set(own.filter((m) => m.kind === kind).map((m) => JSON.stringify(m.paint)));
      if (paints.size > 1) problems.push(`${label}: its ${kind} marks are painted ${paints.size} different ways`);
      const p = own.find((m) => m.kind === kind)!.paint;
      if (kind === "line" || kind === "rule") {
        if (swatch.shape !== "stroke") problems.push(`${label}: a ${kind} series with a filled swatch`);
        if (swatch.stroke !== p.stroke) problems.push(`${label}: swatch stroke ${swatch.stroke}, the ${kind}'s ${p.stroke}`);
        if (swatch.dash !== p.dash) problems.push(`${label}: swatch dash '${swatch.dash}', the ${kind}'s '${p.dash}'`);
        if (!close(swatch.strokeOpacity, p.strokeOpacity)) problems.push(`${label}: swatch opacity ${swatch.strokeOpacity}, the ${kind}'s ${p.strokeOpacity}`);
      } else if (kind === "rect" || kind === "area" || kind === "arc") {
        // A filled swatch shows the fill; a stroke swatch (a band drawn as a thick line) shows its stroke colour.
        const [c, o] = swatch.shape === "filled" ? [swatch.fill, swatch.fillOpacity] : [swatch.stroke, swatch.strokeOpacity];
        if (c !== p.fill) problems.push(`${label}: swatch colour ${c}, the ${kind}'s fill ${p.fill}`);
        if (!close(o, p.fillOpacity)) problems.push(`${label}: swatch opacity ${o}, the ${kind}'s ${p.fillOpacity}`);
      } else if (kind === "symbol") {
        if (swatch.fill !== p.fill || swatch.stroke !== p.stroke) problems.push(`${label}: swatch ${swatch.fill}/${swatch.stroke}, the points' ${p.fill}/${p.stroke}`);
      } else {
        problems.push(`${label}: no rule for ${kind} marks`);
      }
    }
  }
  if (entries.length) {
    const listed = new Set(entries.map((e) => e.label));
    for (const s of new Set(marks.map((m) => m.series))) if (!listed.has(s)) problems.push(`${s}: drawn but not in the legend`);
  }
  return problems;
}

/** Legend labels that have at least one mark of their series in the SVG (what legendMismatches could check). */
export function checkedEntries(svgText: string, spec: object): string[] {
  const svg = parseSvg(svgText);
  const series = new Set(seriesMarks(svg, spec).map((m) => m.series));
  return legendEntries(svg).map((e) => e.label).filter((l) => series.has(l));
}

/** Gradient legends: each cell's fill against the gradient's colour at the cell's value (labels give the ends). */
export function gradientMismatches(svgText: string, spec: object, parseValue: (s: string) => number, tolerance = 10): { cells: number; problems: string[] } {
  const svg = parseSvg(svgText);
  const problems: string[] = [];
  let cells = 0;
  const top = ((spec as Node).spec ?? spec) as Node;
  const layers = top.layer ?? [top];
  for (const legend of all(svg, hasClass("role-legend"))) {
    const grad = all(legend, hasClass("role-legend-gradient"))[0];
    if (!grad) continue;
    const url = /url\(#([^)]+)\)/.exec(all(grad, (e) => e.tag === "path")[0]!.attrs.fill ?? "")?.[1];
    const def = all(svg, (e) => e.tag === "linearGradient" && e.attrs.id === url)[0];
    if (!def) { problems.push(`gradient ${url} not found`); continue; }
    const stops = def.children.filter((s) => s.tag === "stop").map((s) => ({ t: Number(s.attrs.offset), c: rgb(s.attrs["stop-color"])! }));
    const ends = all(legend, hasClass("role-legend-label")).flatMap((l) => all(l, (e) => e.tag === "text")).map((t) => parseValue(textOf(t).trim()));
    const [lo, hi] = [Math.min(...ends), Math.max(...ends)];
    const at = (v: number): [number, number, number] => {
      const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
      const j = stops.findIndex((s) => s.t >= t);
      if (j <= 0) return stops[Math.max(0, j)]!.c;
      const [a, b] = [stops[j - 1]!, stops[j]!];
      const f = (t - a.t) / (b.t - a.t || 1);
      return a.c.map((x, i) => x + f * (b.c[i]! - x)) as [number, number, number];
    };
    const field = layers.map((l) => l.encoding?.color).find((c) => c?.field !== undefined)!;
    const key = typeof field.title === "string" ? field.title : field.field!;
    for (const g of all(svg, hasClass("role-mark")).filter((g) => hasClass("mark-rect")(g))) {
      for (const p of g.children.filter((c) => c.attrs["aria-label"] !== undefined)) {
        const v = ariaFields(p.attrs["aria-label"]!).get(key);
        if (v === undefined) continue;
        cells++;
        const want = at(parseValue(v));
        const got = rgb(p.attrs.fill)!;
        const d = Math.max(...got.map((x, i) => Math.abs(x - want[i]!)));
        if (d > tolerance) problems.push(`${v}: cell ${hex(got)}, the gradient's ${hex(want)}`);
      }
    }
  }
  return { cells, problems };
}
