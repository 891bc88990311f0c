/** Quarantined records: one NDJSON per entity (file, line, field, reason, the record itself). */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
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
