/**
 * The scheduler's memory across restarts, data/state/schedule.json: per job, the scheduled time of the
 * last run that finished (catch-up looks for a scheduled time after it), how it ended, and the run in
 * progress. Written whole to a temporary file and renamed, so a crash leaves the old or the new state.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeJsonAtomic } from "../../core/stateFile.ts";
import { z } from "zod";

export const JobState = z.object({
  /** Scheduled time of the last run that finished (ok, failed or interrupted), or of the baseline. */
  lastFireAt: z.string().nullable().default(null),
  lastStartedAt: z.string().nullable().default(null),
  lastFinishedAt: z.string().nullable().default(null),
  lastStatus: z.enum(["ok", "failed", "interrupted", "never"]).default("never"),
  lastError: z.string().nullable().default(null),
  lastSeconds: z.number().nullable().default(null),
  runs: z.number().int().default(0),
  skippedOverlaps: z.number().int().default(0),
  running: z.object({ fireAt: z.string(), startedAt: z.string(), step: z.string() }).nullable().default(null),
});
export type JobState = z.infer<typeof JobState>;

export const ScheduleState = z.object({ jobs: z.record(z.string(), JobState).default({}) });
export type ScheduleState = z.infer<typeof ScheduleState>;

export class ScheduleStateFile {
  private state: ScheduleState;

  constructor(readonly path: string) {
    this.state = ScheduleStateFile.read(path);
  }

  static read(path: string): ScheduleState {
    if (!existsSync(path)) return { jobs: {} };
    try {
      return ScheduleState.parse(JSON.parse(readFileSync(path, "utf8")));
    } catch {
      return { jobs: {} };
    }
  }

  job(name: string): JobState {
    return this.state.jobs[name] ?? JobState.parse({});
  }

  update(name: string, patch: Partial<JobState>): JobState {
    const next = { ...this.job(name), ...patch };
    this.state.jobs[name] = next;
    this.save();
    return next;
  }

  private save(): void {
    writeJsonAtomic(this.path, this.state);
  }
}
