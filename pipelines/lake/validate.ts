/**
 * Validation at the lake's boundary: what a quarantined record carries (file, line, field, reason),
 * the first zod issue in words, and the source files of a folder entity.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";

export type Quarantined = { entity: string; file: string; line: number; field: string | null; reason: string; record: string };

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
