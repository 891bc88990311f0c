/** Quarantined records: one NDJSON per entity (file, line, field, reason, the record itself). */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Quarantined } from "./validate.ts";

export function writeQuarantine(dir: string, entity: string, items: Quarantined[]): string | null {
  const file = join(dir, `${entity}.ndjson`);
  if (items.length === 0) {
    rmSync(file, { force: true });
    return null;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, items.map((q) => JSON.stringify(q)).join("\n") + "\n");
  return file;
}

/** An entity's quarantine file as the last run wrote it (none: no file, no items). */
export function readQuarantine(dir: string, entity: string): { file: string | null; items: Quarantined[] } {
  const file = join(dir, `${entity}.ndjson`);
  if (!existsSync(file)) return { file: null, items: [] };
  const items = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Quarantined);
  return { file, items };
}
