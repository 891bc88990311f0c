/**
 * Shift plans remembered between runs (models/staffing/shiftMemo.ts): a program solved before is
 * answered from data/state/staffing-shifts.json with the plan HiGHS gives when solving it again; the
 * file keeps the last run's programs only; a damaged file is solved around.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { openShiftMemo, shiftMemoFile } from "../../models/staffing/shiftMemo.ts";
import { planShifts, shiftCandidates, type ShiftPlan } from "../../models/staffing/shifts.ts";
import { tempConfig } from "./synthetic.ts";

const templates = [
  { name: "full day", minutes: 510, breakMinutes: 30, breakWindow: [180, 300] as [number, number] },
  { name: "six hours", minutes: 360, breakMinutes: 0 },
  { name: "four hours", minutes: 240, breakMinutes: 0 },
];
const required = (peak: number) => Array.from({ length: 48 }, (_, t) => (t < 16 || t >= 40 ? 0 : t >= 20 && t < 30 ? peak : 2));
const plain = (p: ShiftPlan) => ({ ...p, shifts: p.shifts.map((s) => ({ start: s.candidate.start, end: s.candidate.end, breakStart: s.candidate.breakStart, template: s.candidate.template, count: s.count })) });

describe("shift plans remembered between runs", () => {
  it("answers a program solved the run before with the plan solving gives, keeps only the last run's programs, and solves around a damaged file", async () => {
    const paths = lakePaths(tempConfig());
    const cands = shiftCandidates(480, 1200, 30, templates);
    const solved = await planShifts(required(5), cands, { timeLimit: 20 });
    expect(solved.status).toBe("Optimal");

    const night1 = openShiftMemo(paths);
    expect(plain(await night1.plan(required(5), cands, { timeLimit: 20 }))).toEqual(plain(solved));
    await night1.plan(required(5), cands, { timeLimit: 20 }); // the same program twice in one run
    await night1.plan(required(3), cands, { timeLimit: 20 });
    expect([night1.solved, night1.reused]).toEqual([2, 1]);
    night1.save();

    const night2 = openShiftMemo(paths);
    const again = await night2.plan(required(5), shiftCandidates(480, 1200, 30, templates), { timeLimit: 20 });
    expect([night2.solved, night2.reused]).toEqual([0, 1]);
    expect(plain(again)).toEqual(plain(solved));
    // The restored plan covers every interval: the people on the stored shifts, counted here.
    const counted = new Array<number>(48).fill(0);
    for (const s of again.shifts) for (const t of s.candidate.covers) counted[t]! += s.count;
    expect(again.rostered).toEqual(counted);
    required(5).forEach((r, t) => expect(counted[t]!).toBeGreaterThanOrEqual(r));
    // Another day's hours are another program; so is another time limit.
    await night2.plan(required(5), shiftCandidates(480, 780, 30, templates), { timeLimit: 20 });
    await night2.plan(required(5), cands, { timeLimit: 30 });
    expect([night2.solved, night2.reused]).toEqual([2, 1]);
    night2.save();
    const kept = JSON.parse(readFileSync(shiftMemoFile(paths), "utf8")) as { plans: Record<string, unknown> };
    expect(Object.keys(kept.plans)).toHaveLength(3); // night 1's required(3) program is gone

    writeFileSync(shiftMemoFile(paths), "{ not json");
    const night3 = openShiftMemo(paths);
    expect(plain(await night3.plan(required(5), cands, { timeLimit: 20 }))).toEqual(plain(solved));
    expect([night3.solved, night3.reused]).toEqual([1, 0]);
    night3.save();
    expect(existsSync(shiftMemoFile(paths))).toBe(true);
  }, 60_000);
});
