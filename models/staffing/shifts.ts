/**
 * From interval requirements to shifts: a set-covering integer program per day and queue, solved
 * exactly by HiGHS (the `highs` package: HiGHS compiled to WebAssembly, branch and cut):
 *
 *   minimise   Σ_j paid_j · x_j                 (paid hours; x_j = people on candidate shift j)
 *   subject to Σ_j a_jt · x_j ≥ r_t  for every open interval t   (a_jt = 1 when j works all of t)
 *              x_j ∈ {0, 1, 2, …}
 *
 * Candidates: every template (length, unpaid break and its window) starting at every interval
 * boundary from opening so that it ends by closing, with its break at every allowed interval
 * boundary; a day shorter than every template gets one shift from opening to closing. The same
 * program without integrality is the LP relaxation, whose optimum bounds every plan from below:
 * the gap between the two is what whole people and fixed shift lengths cost.
 */
import * as highsModule from "highs";

export type ShiftTemplate = { name: string; minutes: number; breakMinutes: number; breakWindow?: [number, number] | undefined };

export type ShiftCandidate = {
  template: string;
  /** Minutes after midnight. */
  start: number;
  end: number;
  breakStart: number | null;
  breakMinutes: number;
  paidMinutes: number;
  /** Slots (intervals of the day) the shift works in full. */
  covers: number[];
};

export type ShiftPlan = {
  status: string;
  shifts: Array<{ candidate: ShiftCandidate; count: number }>;
  paidHours: number;
  lpBoundHours: number;
  /** People working in each slot of the day. */
  rostered: number[];
  /** Slots whose requirement the plan does not cover (empty when the solver succeeded). */
  uncovered: number[];
};

// The package's types are CommonJS-shaped while Node loads its ES module: the loader is its default export.
type Loader = (typeof highsModule)["default"]["default"];
type Highs = Awaited<ReturnType<Loader>>;
const highsLoader = ((highsModule.default as unknown as { default?: Loader }).default ?? highsModule.default) as unknown as Loader;
let solver: Promise<Highs> | null = null;
const highs = () => (solver ??= highsLoader());

/** Candidate shifts of a day open [open, close) minutes, on a grid of `minutes`-long intervals. */
export function shiftCandidates(open: number, close: number, minutes: number, templates: ShiftTemplate[]): ShiftCandidate[] {
  const out: ShiftCandidate[] = [];
  const first = Math.floor(open / minutes) * minutes;
  const make = (name: string, start: number, end: number, breakStart: number | null, breakMinutes: number): ShiftCandidate => {
    const covers: number[] = [];
    for (let t = Math.ceil(start / minutes) * minutes; t + minutes <= end; t += minutes) {
      if (breakStart !== null && t < breakStart + breakMinutes && t + minutes > breakStart) continue;
      covers.push(t / minutes);
    }
    return { template: name, start, end, breakStart, breakMinutes, paidMinutes: end - start - breakMinutes, covers };
  };
  const last = Math.ceil(close / minutes) * minutes;
  for (const tp of templates) {
    for (let start = first; start + tp.minutes <= last; start += minutes) {
      if (tp.breakMinutes > 0 && tp.breakWindow) {
        const [lo, hi] = tp.breakWindow;
        for (let b = Math.ceil((start + lo) / minutes) * minutes; b <= start + hi; b += minutes) out.push(make(tp.name, start, start + tp.minutes, b, tp.breakMinutes));
      } else {
        out.push(make(tp.name, start, start + tp.minutes, null, 0));
      }
    }
  }
  if (out.length === 0 && close > open) out.push(make("opening hours", first, last, null, 0));
  return out;
}

/** The program in CPLEX LP format (HiGHS reads it); integer unless `relax`. */
export function shiftProgram(required: number[], candidates: ShiftCandidate[], relax: boolean): string {
  const obj = candidates.map((c, j) => `${(c.paidMinutes / 60).toFixed(6)} x${j}`).join(" + ");
  const rows: string[] = [];
  required.forEach((r, t) => {
    if (!(r > 0)) return;
    const cover = candidates.flatMap((c, j) => (c.covers.includes(t) ? [`x${j}`] : []));
    if (cover.length) rows.push(` c${t}: ${cover.join(" + ")} >= ${r}`);
  });
  const vars = candidates.map((_, j) => `x${j}`);
  return [
    "Minimize", ` paid: ${obj || "0 x0"}`, "Subject To", ...(rows.length ? rows : [" c_none: x0 >= 0"]),
    "Bounds", ...vars.map((v) => ` ${v} >= 0`),
    ...(relax ? [] : ["General", ` ${vars.join(" ")}`]), "End",
  ].join("\n");
}

/** Solve one day: candidate shifts covering `required` people per slot at least paid cost. */
export async function planShifts(required: number[], candidates: ShiftCandidate[], opts: { timeLimit?: number } = {}): Promise<ShiftPlan> {
  const need = required.some((r) => r > 0);
  const rostered = new Array<number>(required.length).fill(0);
  if (!need || candidates.length === 0) {
    const uncovered = required.flatMap((r, t) => (r > 0 ? [t] : []));
    return { status: need ? "no shift fits the opening hours" : "nothing to cover", shifts: [], paidHours: 0, lpBoundHours: 0, rostered, uncovered };
  }
  const h = await highs();
  const options = { output_flag: false, log_to_console: false, mip_rel_gap: 0, mip_abs_gap: 1e-6, time_limit: opts.timeLimit ?? 20 } as const;
  const milp = h.solve(shiftProgram(required, candidates, false), options);
  const lp = h.solve(shiftProgram(required, candidates, true), { output_flag: false, log_to_console: false });
  if (milp.Status !== "Optimal" && milp.Status !== "Time limit reached") throw new Error(`shift plan: HiGHS says ${milp.Status}`);
  const shifts: ShiftPlan["shifts"] = [];
  candidates.forEach((c, j) => {
    const v = milp.Columns[`x${j}`];
    const count = v ? Math.round(v.Primal) : 0;
    if (count > 0) {
      shifts.push({ candidate: c, count });
      for (const t of c.covers) rostered[t]! += count;
    }
  });
  const paidHours = shifts.reduce((s, x) => s + (x.candidate.paidMinutes * x.count) / 60, 0);
  const uncovered = required.flatMap((r, t) => (r > rostered[t]! ? [t] : []));
  return { status: milp.Status, shifts, paidHours, lpBoundHours: lp.Status === "Optimal" ? lp.ObjectiveValue : NaN, rostered, uncovered };
}
