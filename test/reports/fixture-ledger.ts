/**
 * Every number on a leadership report's pages, accounted for: the trust test's ledger. A page's text (pdftotext)
 * is cut into blocks (executive summary, each numbered section, the appendix); the page header and footer,
 * dates, the report's fixed settings (named phrases, each with its number) and chart axis ticks are classified
 * first; every other number must equal a figure the test recomputed independently. What is left is reported, so
 * a new number that nobody traced fails the test.
 */

/** A number as printed: "1,234", "66.4%", "−0.08", "6:41" (m:ss or hh:mm), "+32.7". */
const NUMBER = /(?<![\w.:])[−+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?::\d\d)?%?(?![\w])/g;

const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const LONG_MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December)";
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";

/** Dates in the report's one date style, and ISO stamps of the freshness line. */
export const DATE_PATTERNS: RegExp[] = [
  new RegExp(`\\b\\d{1,2} ${MONTH} \\d{4} – \\d{1,2} ${MONTH} \\d{4}\\b`, "g"),
  new RegExp(`\\b\\d{1,2} ${MONTH} – \\d{1,2} ${MONTH} \\d{4}\\b`, "g"),
  new RegExp(`\\b\\d{1,2}–\\d{1,2} ${MONTH} \\d{4}\\b`, "g"),
  new RegExp(`\\b(?:${DAY} )?\\d{1,2} ${MONTH}(?: \\d{4})?(?: \\d\\d:\\d\\d)?\\b`, "g"),
  new RegExp(`\\b(?:${MONTH}|${LONG_MONTH}) \\d{4}\\b`, "g"),
  /\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2})?\b/g,
];

export type Block = { name: string; text: string };

/** The blocks of a report's flattened text: summary, "1. Volume…" … "N. …", appendix. */
export function blocks(text: string, sectionTitles: string[], appendixTitle: string): Block[] {
  const marks: { name: string; at: number }[] = [{ name: "summary", at: 0 }];
  let from = 0;
  sectionTitles.forEach((t, i) => {
    const at = text.indexOf(`${i + 1}. ${t}`, from);
    if (at < 0) throw new Error(`section heading "${i + 1}. ${t}" not found in the report's text`);
    marks.push({ name: t, at });
    from = at;
  });
  const app = text.indexOf(appendixTitle, from);
  if (app < 0) throw new Error(`appendix "${appendixTitle}" not found`);
  marks.push({ name: "appendix", at: app });
  return marks.map((m, i) => ({ name: m.name, text: text.slice(m.at, marks[i + 1]?.at ?? text.length) }));
}

/** How a printed number reads for matching: no sign, no grouping, no %; "0.0" kept as written. */
export const norm = (s: string) => s.replace(/^[−+-]/, "").replace(/,/g, "").replace(/%$/, "");

/** The numbers of a text that no rule classifies and no traced figure explains. */
export function unaccounted(text: string, opts: { settings: RegExp[]; figures: Set<string>; axis?: Set<string> }): string[] {
  let t = text;
  for (const re of [...DATE_PATTERNS, ...opts.settings]) t = t.replace(re, " ");
  const left: string[] = [];
  for (const m of t.matchAll(NUMBER)) {
    const v = norm(m[0]);
    if (opts.figures.has(v) || opts.axis?.has(v)) continue;
    left.push(`${m[0]} …${t.slice(Math.max(0, m.index! - 50), m.index! + m[0].length + 20)}…`);
  }
  return left;
}

/** The numeric labels an SVG chart prints (axis ticks, cell labels), as normalised strings. */
export function svgNumbers(svg: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const m of (svg ?? "").matchAll(/<text[^>]*>([^<]*)<\/text>/g)) {
    for (const n of m[1]!.replace(/&#8722;|&minus;/g, "−").matchAll(NUMBER)) out.add(norm(n[0]));
  }
  return out;
}

/** The figures a test recomputed, per block of the report (summary, a section id, appendix); `add` takes formatted strings. */
export class Figures {
  readonly by = new Map<string, Set<string>>();
  private targets: string[] = [];
  /** The blocks the next figures belong to. */
  in(...blocks: string[]): this {
    this.targets = blocks;
    return this;
  }
  add(...s: (string | null | undefined)[]): this {
    if (!this.targets.length) throw new Error("Figures.add before Figures.in");
    for (const v of s) {
      if (v === null || v === undefined) continue;
      for (const m of v.matchAll(NUMBER)) {
        for (const t of this.targets) {
          if (!this.by.has(t)) this.by.set(t, new Set());
          this.by.get(t)!.add(norm(m[0]));
        }
      }
    }
    return this;
  }
  of(block: string): Set<string> {
    return this.by.get(block) ?? new Set();
  }
}
