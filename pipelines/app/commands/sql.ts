/**
 * `commsight sql`: DuckDB SQL against the analysts' warehouse (data/warehouse.duckdb), read-only, with
 * the views' relative paths resolved (openWarehouse). A query on the command line prints its result
 * as a table, CSV or JSON; with no query, an interactive prompt on a terminal (statements end with `;`,
 * `.tables`, `.help`, `.quit`), or the statements piped on stdin.
 */
import { stringify } from "csv-stringify/sync";
import { createInterface } from "node:readline";
import { Option, type Command } from "commander";
import type { DuckDBResultReader } from "@duckdb/node-api";
import type { Db } from "../../core/duckdb.ts";
import { requireWarehouse } from "../inputs.ts";
import { configFrom, parseIntStrict, UsageError } from "./shared.ts";

type Format = "table" | "csv" | "json";
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export class SqlError extends Error {}

export function register(program: Command): void {
  program.command("sql")
    .description("query the warehouse (data/warehouse.duckdb, read-only) with DuckDB SQL; no query: an interactive prompt (or the statements on stdin)")
    .argument("[query]", "SQL, e.g. \"select count(*) from kpi_weekly\"; views: marts in main, enriched.*, raw.* (no PII columns)")
    .addOption(new Option("-f, --format <format>", "table (aligned), csv (RFC 4180, a header) or json (an array of objects)").choices(["table", "csv", "json"]).default("table"))
    .option("--max-rows <n>", "table format: print at most this many rows (0: all)", parseIntStrict("--max-rows"), 100)
    .addHelpText("after", "\nExamples:\n  commsight sql \"select week_start, calls from kpi_weekly order by 1 desc limit 5\"\n  commsight sql -f csv \"from churn_risk\" > churn_risk.csv\n  commsight sql \"select schema_name, view_name, comment from duckdb_views() where not internal\"")
    .action(async (query: string | undefined, opts: { format: Format; maxRows: number }, cmd: Command) => {
      const config = configFrom(cmd);
      const file = requireWarehouse(config);
      const { openWarehouse } = await import("../../lake/warehouse.ts");
      const db = await openWarehouse(file);
      try {
        if (query !== undefined) {
          if (!query.trim()) throw new UsageError("sql: the query is empty");
          await runText(db, query, opts);
        } else if (process.stdin.isTTY) {
          await prompt(db, file, opts);
        } else {
          let text = "";
          for await (const chunk of process.stdin) text += chunk;
          if (!text.trim()) throw new UsageError("sql: no query given and nothing on stdin");
          await runText(db, text, opts);
        }
      } finally {
        db.close();
      }
    });
}

/** Run every statement of a text; print the result of each that returns rows. */
async function runText(db: Db, text: string, opts: { format: Format; maxRows: number }): Promise<void> {
  let extracted;
  try {
    extracted = await db.conn.extractStatements(text);
  } catch (err) {
    throw new SqlError(sqlMessage(err));
  }
  for (let i = 0; i < extracted.count; i++) {
    let reader: DuckDBResultReader;
    try {
      const prepared = await extracted.prepare(i);
      reader = await prepared.runAndReadAll();
    } catch (err) {
      throw new SqlError(sqlMessage(err));
    }
    print(reader, opts);
  }
}

function sqlMessage(err: unknown): string {
  const m = (err as Error).message ?? String(err);
  if (/read-only mode/i.test(m)) return `${m}\n  (the warehouse is read-only: its views are rebuilt by \`commsight transform\`)`;
  return m;
}

function print(reader: DuckDBResultReader, opts: { format: Format; maxRows: number }): void {
  const names = reader.columnNames();
  const rows = reader.getRowsJson() as Json[][];
  if (names.length === 0) return;
  const out = (s: string) => process.stdout.write(s);
  if (opts.format === "json") {
    out(JSON.stringify(rows.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j] ?? null]))), null, 2) + "\n");
    return;
  }
  if (opts.format === "csv") {
    out(stringify([names, ...rows.map((r) => r.map(csvText))], { record_delimiter: "windows", quoted_match: /[\r\n]/ })); // RFC 4180 (a lone LF quoted too)
    return;
  }
  out(table(names, rows, opts.maxRows));
}

function csvText(v: Json): string {
  if (v === null) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** An aligned text table: numbers to the right, NULL for null, at most maxRows rows (then a count). */
export function table(names: string[], rows: Json[][], maxRows: number): string {
  const shown = maxRows > 0 ? rows.slice(0, maxRows) : rows;
  const cells = shown.map((r) => r.map((v) => (v === null ? "NULL" : typeof v === "object" ? JSON.stringify(v) : String(v))));
  const numeric = names.map((_, j) => shown.length > 0 && shown.every((r) => r[j] === null || typeof r[j] === "number" || (typeof r[j] === "string" && /^-?\d+(\.\d+)?$/.test(r[j] as string))));
  const width = names.map((n, j) => Math.min(60, Math.max(n.length, ...cells.map((c) => c[j]!.length))));
  const fit = (s: string, j: number) => {
    const t = s.length > width[j]! ? s.slice(0, width[j]! - 1) + "…" : s;
    return numeric[j] ? t.padStart(width[j]!) : t.padEnd(width[j]!);
  };
  const lines = [
    names.map((n, j) => fit(n, j)).join(" │ "),
    width.map((w) => "─".repeat(w)).join("─┼─"),
    ...cells.map((c) => c.map((s, j) => fit(s, j)).join(" │ ")),
  ];
  const more = rows.length > shown.length ? `(${rows.length} rows, ${shown.length} shown; --max-rows 0 shows all)` : `(${rows.length} row${rows.length === 1 ? "" : "s"})`;
  return lines.map((l) => l.trimEnd()).join("\n") + `\n${more}\n`;
}

const HELP = `Statements end with ";" and may span lines.
  .tables          the warehouse's views (main: marts, enriched.*, raw.*)
  .describe VIEW   its columns with their descriptions
  .format F        table, csv or json
  .quit            leave (also Ctrl-D)`;

async function prompt(db: Db, file: string, opts: { format: Format; maxRows: number }): Promise<void> {
  process.stdout.write(`commsight sql: ${file} (read-only). .help for help, .quit to leave.\n`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "commsight> ", terminal: true });
  let buffer = "";
  rl.prompt();
  for await (const line of rl) {
    const t = line.trim();
    if (!buffer && t.startsWith(".")) {
      const [cmd, arg] = t.split(/\s+/, 2);
      try {
        if (cmd === ".quit" || cmd === ".exit") break;
        else if (cmd === ".help") process.stdout.write(HELP + "\n");
        else if (cmd === ".tables") await runText(db, "SELECT schema_name AS schema, view_name AS view, comment FROM duckdb_views() WHERE NOT internal ORDER BY 1, 2", { ...opts, maxRows: 0 });
        else if (cmd === ".describe" && arg) await runText(db, `SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = '${arg.split(".").pop()!.replaceAll("'", "''")}' ORDER BY column_index`, { ...opts, maxRows: 0 });
        else if (cmd === ".format" && (arg === "table" || arg === "csv" || arg === "json")) opts = { ...opts, format: arg };
        else process.stdout.write(`unknown command ${t}\n${HELP}\n`);
      } catch (err) {
        process.stdout.write(`error: ${(err as Error).message}\n`);
      }
      rl.prompt();
      continue;
    }
    buffer += line + "\n";
    if (buffer.trim().endsWith(";")) {
      try {
        await runText(db, buffer, opts);
      } catch (err) {
        process.stdout.write(`error: ${(err as Error).message}\n`);
      }
      buffer = "";
      rl.setPrompt("commsight> ");
    } else if (buffer.trim()) {
      rl.setPrompt("      ...> ");
    } else {
      buffer = "";
    }
    rl.prompt();
  }
  rl.close();
}
