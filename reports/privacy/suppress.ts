/**
 * Small-group suppression for everything a report shows: a row that describes fewer than k people
 * (responses, cases, contacts) is hidden, and the caption says how many rows were. k is
 * `privacy.minGroupSize` (the privacy section's setting), default 5.
 */
import type { Config } from "../../pipelines/core/config.ts";
import { fmtCount } from "../format.ts";

export const DEFAULT_MIN_GROUP_SIZE = 5;

export function minGroupSize(config: Config): number {
  const privacy = (config as { privacy?: { minGroupSize?: unknown } }).privacy;
  return typeof privacy?.minGroupSize === "number" ? privacy.minGroupSize : DEFAULT_MIN_GROUP_SIZE;
}

/** Is a group of n people too small to show? (null/undefined counts as unknown: hidden.) */
export function isSmall(n: number | null | undefined, k: number): boolean {
  return typeof n !== "number" || n < k;
}

/** Keep the rows about at least k people; `hidden` counts the others. */
export function suppressRows<T>(rows: readonly T[], size: (r: T) => number | null | undefined, k: number): { shown: T[]; hidden: number } {
  const shown = rows.filter((r) => !isSmall(size(r), k));
  return { shown, hidden: rows.length - shown.length };
}

/** The caption line for hidden rows, or undefined when none were. */
export function suppressionNote(hidden: number, k: number, what: string): string | undefined {
  if (hidden === 0) return undefined;
  return `${fmtCount(hidden)} ${hidden === 1 ? "group" : "groups"} with fewer than ${fmtCount(k)} ${what} not shown (small-group suppression).`;
}

/** A value to print, or "—" when the group it describes is too small. */
export function orSuppressed(n: number | null | undefined, k: number, text: string): string {
  return isSmall(n, k) ? "—" : text;
}
