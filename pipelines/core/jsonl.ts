/**
 * Durable JSON-lines files (the run ledger, the action ledger, the alert journal): one write(2) per
 * record and an fsync before returning, so a crash loses at most the line being written; reading
 * validates each line and skips a torn last line instead of failing.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { z } from "zod";

export function appendDurable(path: string, record: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "a");
  try {
    appendFileSync(fd, JSON.stringify(record) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function readDurable<S extends z.ZodType>(path: string, schema: S): z.infer<S>[] {
  if (!existsSync(path)) return [];
  const out: z.infer<S>[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try { out.push(schema.parse(JSON.parse(line))); } catch { /* a torn last line from a crash */ }
  }
  return out;
}
