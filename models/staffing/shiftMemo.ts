/**
 * Shift plans remembered from night to night (data/state/staffing-shifts.json). A day's shift
 * program is a pure function of the queue's scheduled agents per interval, the day's candidate
 * shifts and the solver's time limit; most days of tomorrow's horizon ask the same program as
 * tonight's (the integer agents rarely move when one day of data is added), and HiGHS costs about
 * as much as the rest of a night's forecast. So a program solved before is answered from the file:
 * the same program gives the same plan as solving it again (HiGHS is deterministic on its input;
 * a plan the time limit cut short is not kept).
 * The file keeps the programs of the last run only, so it stays the size of one horizon.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import type { Paths } from "../../pipelines/core/paths.ts";
import { readCache, writeJsonAtomic } from "../../pipelines/core/stateFile.ts";
import { planShifts, type ShiftCandidate, type ShiftPlan } from "./shifts.ts";

/** A solved program: the counts per candidate index and the solver's figures. */
const StoredSchema = z.object({
  status: z.string(), x: z.array(z.tuple([z.number().int().min(0), z.number().int().min(1)])), paidHours: z.number(), lpBoundHours: z.number().nullable(),
});
type Stored = z.infer<typeof StoredSchema>;
const MemoFileSchema = z.object({ version: z.literal(1), plans: z.record(z.string(), StoredSchema) });

export type ShiftMemo = {
  plan(required: number[], candidates: ShiftCandidate[], opts: { timeLimit?: number }): Promise<ShiftPlan>;
  /** Keep this run's programs (and only them) for the next run. */
  save(): void;
  readonly solved: number;
  readonly reused: number;
};

export function shiftMemoFile(paths: Paths): string {
  return join(paths.data, "state", "staffing-shifts.json");
}

function programKey(required: number[], candidates: ShiftCandidate[], timeLimit: number | undefined): string {
  const c = candidates.map((x) => [x.template, x.start, x.end, x.breakStart, x.breakMinutes, x.paidMinutes, x.covers]);
  return createHash("sha256").update(JSON.stringify({ required, c, timeLimit: timeLimit ?? null })).digest("hex").slice(0, 32);
}

/** The last run's programs; a damaged memo is only a lost shortcut: its programs are solved again. */
function readMemo(file: string): Record<string, Stored> {
  return readCache(file, MemoFileSchema, () => ({ version: 1 as const, plans: {} })).plans;
}

/** The plan a stored solution gives with today's candidates (the key guarantees they are the same). */
function restore(s: Stored, required: number[], candidates: ShiftCandidate[]): ShiftPlan | null {
  const rostered = new Array<number>(required.length).fill(0);
  const shifts: ShiftPlan["shifts"] = [];
  for (const [j, count] of s.x) {
    const candidate = candidates[j];
    if (!candidate || !(count > 0)) return null;
    shifts.push({ candidate, count });
    for (const t of candidate.covers) rostered[t]! += count;
  }
  const uncovered = required.flatMap((r, t) => (r > rostered[t]! ? [t] : []));
  return { status: s.status, shifts, paidHours: s.paidHours, lpBoundHours: s.lpBoundHours ?? NaN, rostered, uncovered };
}

export function openShiftMemo(paths: Paths): ShiftMemo {
  const file = shiftMemoFile(paths);
  const before = readMemo(file);
  const now: Record<string, Stored> = {};
  let solved = 0;
  let reused = 0;
  return {
    async plan(required, candidates, opts) {
      const key = programKey(required, candidates, opts.timeLimit);
      const hit = now[key] ?? before[key];
      const restored = hit ? restore(hit, required, candidates) : null;
      if (hit && restored) {
        now[key] = hit;
        reused++;
        return restored;
      }
      const plan = await planShifts(required, candidates, opts);
      solved++;
      // Only a proven optimum is kept: a plan cut short by the time limit may differ on another solve.
      if (plan.status !== "Optimal") return plan;
      const index = new Map(candidates.map((c, j) => [c, j]));
      now[key] = {
        status: plan.status, x: plan.shifts.map((s) => [index.get(s.candidate)!, s.count]), paidHours: plan.paidHours,
        lpBoundHours: Number.isFinite(plan.lpBoundHours) ? plan.lpBoundHours : null,
      };
      return plan;
    },
    save() {
      writeJsonAtomic(file, { version: 1, plans: now } satisfies z.infer<typeof MemoFileSchema>);
    },
    get solved() { return solved; },
    get reused() { return reused; },
  };
}
