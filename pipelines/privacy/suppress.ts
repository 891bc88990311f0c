/**
 * Small-group suppression (k-anonymity for aggregates): a figure computed over fewer than k
 * people can single someone out ("the one Enterprise customer who called about a refund"), so
 * anything a report shows hides it. k is `privacy.minGroupSize`. Reports call these helpers on
 * the rows they are about to show; marts keep the counts (they are the audited source).
 */

export type SuppressOptions<T> = {
  /** k: the smallest group that may be shown. */
  k: number;
  /** How many distinct people a row covers (a column name, or a function of the row). */
  people: keyof T | ((row: T) => number | null | undefined);
  /** The columns to hide in a small group; default: every number except the people count. */
  hide?: (keyof T)[];
};

export type Suppressed<T> = T & { suppressed: boolean };

function peopleOf<T>(row: T, people: SuppressOptions<T>["people"]): number {
  const v = typeof people === "function" ? people(row) : (row[people] as unknown);
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** True when a group of `people` may be shown. Zero people is no group at all, so nothing leaks. */
export function showable(people: number | null | undefined, k: number): boolean {
  return people === 0 || (typeof people === "number" && people >= k);
}

/**
 * The rows with small groups' figures set to null and `suppressed: true`. The people count itself
 * is hidden too (a "2" is as telling as the figure), but the row stays, so a table keeps its shape.
 */
export function suppressSmallGroups<T extends Record<string, unknown>>(rows: readonly T[], opts: SuppressOptions<T>): Suppressed<T>[] {
  return rows.map((row) => {
    const n = peopleOf(row, opts.people);
    if (showable(n, opts.k)) return { ...row, suppressed: false };
    const hide = opts.hide ?? (Object.keys(row) as (keyof T)[]).filter((c) => typeof row[c] === "number");
    const out: Record<string, unknown> = { ...row, suppressed: true };
    for (const c of hide) out[c as string] = null;
    if (typeof opts.people !== "function") out[opts.people as string] = null;
    return out as Suppressed<T>;
  });
}

/**
 * A complementary total can give a suppressed cell away (total − shown cells = hidden cell).
 * When exactly one cell of a set is suppressed, this also suppresses the next smallest one.
 */
export function suppressComplement<T extends Record<string, unknown>>(rows: Suppressed<T>[], people: keyof T, original: readonly T[], hide?: (keyof T)[]): Suppressed<T>[] {
  if (rows.filter((r) => r.suppressed).length !== 1) return rows;
  let at = -1;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.suppressed) continue;
    const n = peopleOf(original[i]!, people);
    if (n > 0 && (at < 0 || n < peopleOf(original[at]!, people))) at = i;
  }
  if (at < 0) return rows;
  const [hidden] = suppressSmallGroups([original[at]!], { k: Number.POSITIVE_INFINITY, people, hide });
  return rows.map((r, i) => (i === at ? hidden! : r));
}

/**
 * The same rule in SQL, for a report query: `value` when the group has at least k people,
 * else NULL (e.g. `${suppressSql("nps", "respondents", 5)} AS nps`).
 */
export function suppressSql(value: string, people: string, k: number): string {
  return `CASE WHEN ${people} = 0 OR ${people} >= ${Math.max(1, Math.floor(k))} THEN ${value} END`;
}
