/**
 * What a drop file must pass before DuckDB reads it, so that one bad record costs one record and a
 * bad file costs one file, never the run: the file is read once (never following a symlink, never
 * blocking on a pipe), refused whole when it is no UTF-8 text (gzip, UTF-16, a JSON array that is
 * truncated or invalid), and otherwise cleaned line by line: the UTF-8 byte-order mark skipped, and
 * lines that are not UTF-8, hold a NUL, exceed the size limits, open a CSV quote that never closes,
 * or (JSON) hold a key twice or a lone surrogate are quarantined with their line and left out of a
 * cleaned copy that DuckDB reads instead. A JSON array is cleaned into NDJSON, one element a line.
 * Lines keep their numbers: NDJSON blanks a refused line, CSV keeps a map from the copy's lines to
 * the file's.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileEncodingProblem, jsonProblem, jsonProblems, readerLimits, readSourceFile, splitLines, type Line } from "../../lake/quarantine.ts";
import type { Quarantined } from "../../lake/validate.ts";

export type Prescan =
  | { refused: string }
  | {
    /** The file DuckDB reads: the drop itself when nothing needed cleaning, else the cleaned copy. */
    path: string;
    /** The format of that file (a JSON array becomes NDJSON). */
    format: "csv" | "tsv" | "ndjson";
    /** Lines refused here, with their reasons. */
    refused: Quarantined[];
    /** CSV: the file's line number of each line of the cleaned copy (1-based, index 0 unused); null when unchanged. */
    lineMap: number[] | null;
  };

const entry = (file: string, line: number, field: string | null, reason: string, record: string): Quarantined =>
  ({ entity: "", file, line, field, reason, record: record.slice(0, 2000) });

const jsonMessage = (err: unknown) => (err as Error).message.replace(/"(?:[^"\\]|\\.)*"/g, "…").replace(/'[^']{2,}'/g, "…");

export function prescan(path: string, format: "csv" | "tsv" | "ndjson" | "json", rel: string, out: string, quote = '"'): Prescan {
  const r = readSourceFile(path);
  if ("refused" in r) return { refused: r.refused };
  const enc = fileEncodingProblem(r.buf);
  if (enc) return { refused: enc };
  if (format === "json") return prescanArray(r.buf, rel, out);
  const bom = r.buf.length >= 3 && r.buf[0] === 0xef && r.buf[1] === 0xbb && r.buf[2] === 0xbf;
  // The common CSV: valid UTF-8, no NUL, quotes balanced, no overlong line: read as it is, no lines split out.
  if (format !== "ndjson" && !bom && cleanCsv(r.buf, quote)) return { path, format, refused: [], lineMap: null };
  const lines = splitLines(r.buf);
  const refused: Quarantined[] = [];
  const bad = new Set<number>();
  for (const l of lines) {
    if ("bad" in l) {
      bad.add(l.line);
      refused.push(entry(rel, l.line, null, l.bad, l.raw));
    } else if (format === "ndjson" && l.text.trim()) {
      let ok = true;
      try { JSON.parse(l.text); } catch { ok = false; } // DuckDB quarantines it as invalid JSON
      const p = ok ? jsonProblem(l.text) : null;
      if (p) {
        bad.add(l.line);
        refused.push(entry(rel, l.line, p.field, `${p.field ?? "record"}: ${p.reason}`, l.text));
      }
    }
  }
  if (format !== "ndjson") for (const n of unclosedQuotes(lines, bad, quote)) {
    bad.add(n);
    const l = lines[n - 1] as { text: string };
    refused.push(entry(rel, n, null, `unclosed quote: a quoted field opened on this line never closes`, l.text));
  }
  refused.sort((a, b) => a.line - b.line);
  if (!bad.size && !bom) return { path, format, refused, lineMap: null };
  const text = (l: Line) => ("bad" in l ? "" : l.text);
  mkdirSync(dirname(out), { recursive: true });
  if (format === "ndjson") {
    writeFileSync(out, lines.map((l) => (bad.has(l.line) ? "" : text(l))).join("\n") + "\n");
    return { path: out, format, refused, lineMap: null };
  }
  const kept = lines.filter((l) => !bad.has(l.line));
  writeFileSync(out, kept.map(text).join("\n") + "\n");
  return { path: out, format, refused, lineMap: [0, ...kept.map((l) => l.line)] };
}

const fatal = new TextDecoder("utf-8", { fatal: true });

/** Whether a CSV needs no line-by-line look: UTF-8, no NUL, an even number of quotes, every line within the record limit. */
function cleanCsv(buf: Buffer, quote: string): boolean {
  if (buf.includes(0)) return false;
  try { fatal.decode(buf); } catch { return false; }
  const q = Buffer.from(quote)[0];
  let quotes = 0;
  if (q !== undefined) for (let i = buf.indexOf(q); i >= 0; i = buf.indexOf(q, i + 1)) quotes++;
  if (quotes % 2) return false;
  for (let from = 0; from < buf.length;) {
    let end = buf.indexOf(0x0a, from);
    if (end < 0) end = buf.length;
    if (end - from > readerLimits.maxRecordBytes) return false;
    from = end + 1;
  }
  return true;
}

/**
 * Lines that open a quoted field which is still open at the end of the file (the quote would
 * swallow every line after it): each is left out, and the lines after it are read again.
 */
function unclosedQuotes(lines: Line[], bad: Set<number>, quote: string): number[] {
  const q = quote.charCodeAt(0);
  const count = (t: string) => { let n = 0; for (let i = t.indexOf(quote); i >= 0; i = t.indexOf(quote, i + 1)) n++; return n; };
  let total = 0;
  for (const l of lines) if (!("bad" in l)) total += count(l.text);
  if (total % 2 === 0 || !Number.isFinite(q)) return [];
  const out: number[] = [];
  let from = 0;
  while (from < lines.length) {
    let open = -1;
    for (let k = from; k < lines.length; k++) {
      const l = lines[k]!;
      if ("bad" in l || bad.has(l.line)) continue;
      const odd = count(l.text) % 2 === 1;
      if (open < 0 && odd) open = k;
      else if (open >= 0 && odd) open = -1;
    }
    if (open < 0) break;
    out.push(lines[open]!.line);
    bad.add(lines[open]!.line);
    from = open + 1;
  }
  return out;
}

/** A JSON array: refused whole when it does not parse (truncated), else one element a line with bad elements blanked. */
function prescanArray(buf: Buffer, rel: string, out: string): Prescan {
  const lines = splitLines(buf);
  const badLine = lines.find((l) => "bad" in l);
  if (badLine && "bad" in badLine) return { refused: `line ${badLine.line}: ${badLine.bad}` };
  const text = lines.map((l) => ("bad" in l ? "" : l.text)).join("\n");
  let items: unknown;
  try { items = JSON.parse(text); } catch (err) {
    return { refused: `invalid or truncated JSON (${jsonMessage(err)}): expected one array of records` };
  }
  if (!Array.isArray(items)) return { refused: "expected a JSON array of records" };
  const refused: Quarantined[] = [];
  const bad = new Set<number>();
  for (const p of jsonProblems(text)) {
    const index = typeof p.path[0] === "number" ? p.path[0] : -1;
    if (index < 0 || bad.has(index)) continue;
    bad.add(index);
    const field = p.path.slice(1).join(".") || null;
    refused.push(entry(rel, index + 1, field, `${field ?? "record"}: ${p.reason}`, JSON.stringify(items[index]) ?? ""));
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, items.map((x, i) => (bad.has(i) ? "" : JSON.stringify(x) ?? "null")).join("\n") + "\n");
  return { path: out, format: "ndjson", refused, lineMap: null };
}

export const cleanedPath = (root: string, i: number, format: string) => join(root, "clean", `${i}.${format === "json" ? "ndjson" : format}`);
