/**
 * Streams source NDJSON files line by line through an entity's zod schema: good records go to a
 * staging NDJSON (with their file and line), bad ones to the quarantine list with the reason.
 */
import { createReadStream, createWriteStream, existsSync, readdirSync, statSync } from "node:fs";
import { once } from "node:events";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import type { z } from "zod";

export type Quarantined = { entity: string; file: string; line: number; field: string | null; reason: string; record: string };
export type ValidateResult = { rowsRead: number; rowsValid: number; quarantined: Quarantined[]; files: string[] };

/** The source files of an entity path (a file, or a folder of *.ndjson/*.jsonl), sorted. */
export function sourceFiles(sourceDir: string, path: string): string[] {
  const full = join(sourceDir, path);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [full];
  return readdirSync(full)
    .filter((f) => f.endsWith(".ndjson") || f.endsWith(".jsonl"))
    .sort()
    .map((f) => join(full, f));
}

/** Describe the first zod issue: which field, what was wrong, what it held. */
export function describeIssue(error: z.ZodError, record: unknown): { field: string | null; reason: string } {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join(".") : null;
  let got: unknown = record;
  for (const p of issue.path) got = got && typeof got === "object" ? (got as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
  const shown = got === undefined ? "missing" : JSON.stringify(got)?.slice(0, 80);
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more issue${error.issues.length > 2 ? "s" : ""})` : "";
  return { field, reason: `${field ?? "record"}: ${issue.message} (got ${shown})${more}` };
}

export async function validateFiles(
  entity: string, sourceDir: string, files: string[], schema: z.ZodType, stagingFile: string,
): Promise<ValidateResult> {
  const out = createWriteStream(stagingFile);
  const quarantined: Quarantined[] = [];
  let rowsRead = 0;
  let rowsValid = 0;
  for (const file of files) {
    const rel = relative(sourceDir, file);
    const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
    let n = 0;
    for await (const text of lines) {
      n++;
      if (!text.trim()) continue;
      rowsRead++;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (err) {
        quarantined.push({ entity, file: rel, line: n, field: null, reason: `invalid JSON: ${(err as Error).message}`, record: text.slice(0, 2000) });
        continue;
      }
      const parsed = schema.safeParse(record);
      if (!parsed.success) {
        const { field, reason } = describeIssue(parsed.error, record);
        quarantined.push({ entity, file: rel, line: n, field, reason, record: text.slice(0, 2000) });
        continue;
      }
      rowsValid++;
      const row = { ...(parsed.data as Record<string, unknown>), _source_file: rel, _source_line: n };
      if (!out.write(JSON.stringify(row) + "\n")) await once(out, "drain");
    }
  }
  out.end();
  await once(out, "finish");
  return { rowsRead, rowsValid, quarantined, files: files.map((f) => relative(sourceDir, f)) };
}
