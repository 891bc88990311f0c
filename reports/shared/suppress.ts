/**
 * Small-group suppression as the reports present it: a row that describes fewer than k people
 * (responses, cases, contacts) is hidden, and the caption says how many rows were. The rule and k
 * (`privacy.minGroupSize`) are the privacy module's; a report also hides empty or unknown groups,
 * which have nothing to show.
 */
import type { Config } from "../../pipelines/core/config.ts";
import { minGroupSize as privacyMinGroupSize } from "../../pipelines/privacy/config.ts";
import { showable } from "../../pipelines/privacy/suppress.ts";
import { fmtCount } from "./format.ts";

export function minGroupSize(config: Config): number {
  return privacyMinGroupSize(config.privacy);
}

/** Is a group of n people too small (or empty, or unknown) to show? */
export function isSmall(n: number | null | undefined, k: number): boolean {
  return !(typeof n === "number" && n > 0 && showable(n, k));
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
