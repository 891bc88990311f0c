/**
 * Scanning outputs for planted PII, robust to reformatting: every e-mail-like and digit-run token
 * found in an output is normalised (e-mails lower-cased; digits only, a leading North American
 * "1" dropped) and looked up among the planted values normalised the same way. So a card written
 * "5178-2426-1806-1793" in the source is caught as "5178242618061793" in a mart too.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { lit, openDb, rows } from "../../pipelines/core/duckdb.ts";

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const DIGITS = /\+?\(?\d[\d ().-]{5,}\d/g;
const SQL_PATTERN = "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}|\\+?\\(?\\d[\\d ().-]{5,}\\d";

export function normalise(value: string): string {
  if (value.includes("@")) return value.toLowerCase();
  const d = value.replace(/\D/g, "");
  return d.length === 11 && d.startsWith("1") ? d.slice(1) : d;
}

/**
 * Tokens of a text: e-mails, and for each digit run (digits with spaces, dots, dashes, brackets)
 * every contiguous sequence of its digit groups, so "5178-2426-1806-1793 (12/27" still yields the
 * card. Windows inside a group are not tried: a float's long digit tail would match by chance.
 */
function tokensOf(text: string): string[] {
  const out = [...text.matchAll(EMAIL)].map((m) => m[0].toLowerCase());
  for (const m of text.matchAll(DIGITS)) out.push(...groupSequences(m[0]));
  return out;
}

function groupSequences(run: string): string[] {
  const groups = run.split(/\D+/).filter((g) => g.length > 0);
  const out: string[] = [];
  for (let i = 0; i < groups.length; i++) for (let j = i; j < groups.length; j++) out.push(normalise(groups.slice(i, j + 1).join("")));
  return out;
}

export type Leak = { file: string; value: string };

export class PiiScanner {
  private readonly planted = new Map<string, string>();

  constructor(values: string[]) {
    for (const v of values) this.planted.set(normalise(v), v);
  }

  /** Planted values among the (normalised) tokens. */
  find(tokens: Iterable<string>): string[] {
    const hits = new Set<string>();
    for (const t of tokens) if (this.planted.has(t)) hits.add(this.planted.get(t)!);
    return [...hits];
  }

  text(file: string, text: string): Leak[] {
    return this.find(tokensOf(text)).map((value) => ({ file, value }));
  }

  /** Parquet files, one query per dataset (a folder of partitions), all columns as JSON text. */
  async parquet(files: string[]): Promise<Leak[]> {
    const byDataset = new Map<string, string[]>();
    for (const f of files) {
      const parts = f.split("/");
      const at = parts.findIndex((p) => p.includes("="));
      const key = (at > 0 ? parts.slice(0, at) : parts.slice(0, -1)).join("/");
      byDataset.set(key, [...(byDataset.get(key) ?? []), f]);
    }
    const db = await openDb(":memory:", { threads: "2" });
    const leaks: Leak[] = [];
    try {
      for (const [dataset, list] of byDataset) {
        const r = await rows<{ tok: string }>(db,
          `SELECT DISTINCT unnest(regexp_extract_all(to_json(t)::VARCHAR, ${lit(SQL_PATTERN)})) AS tok
           FROM read_parquet([${list.map(lit).join(", ")}], union_by_name = true) t`);
        const found = this.find(r.flatMap((x) => (x.tok.includes("@") ? [x.tok.toLowerCase()] : groupSequences(x.tok))));
        leaks.push(...found.map((value) => ({ file: dataset, value })));
      }
    } finally {
      db.close();
    }
    return leaks;
  }

  /** Every file under `root` except the excluded folders: Parquet via DuckDB, PDFs via pdftotext, the rest as bytes. */
  async tree(root: string, exclude: string[]): Promise<{ leaks: Leak[]; files: number }> {
    const leaks: Leak[] = [];
    const parquet: string[] = [];
    let files = 0;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        const rel = relative(root, path);
        if (exclude.some((e) => rel === e || rel.startsWith(e + "/"))) continue;
        if (statSync(path).isDirectory()) { walk(path); continue; }
        files++;
        if (name.endsWith(".parquet")) parquet.push(path);
        else if (name.endsWith(".pdf")) leaks.push(...this.text(rel, execFileSync("pdftotext", ["-layout", path, "-"], { encoding: "utf8" })));
        else leaks.push(...this.text(rel, readFileSync(path).toString("latin1")));
      }
    };
    walk(root);
    leaks.push(...(await this.parquet(parquet)));
    return { leaks, files };
  }
}
