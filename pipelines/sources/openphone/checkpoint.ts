/**
 * The API walk's durable position, data/state/openphone.json, rewritten atomically after every
 * page whose records are on disk in the landing zone. It holds the watermark (the newest
 * conversation `updatedAt` a finished run saw), the run in progress (its window and cursor), and
 * the calls whose summary or transcript has not arrived yet. A killed walk resumes from here.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { readJson, writeJsonAtomic } from "../../core/stateFile.ts";

export const Window = z.object({
  updatedAfter: z.string().nullable(), updatedBefore: z.string().nullable(),
  createdAfter: z.string().nullable(), createdBefore: z.string().nullable(),
});
export type Window = z.infer<typeof Window>;

export const Cursor = z.object({
  /** Index into the run's listed conversations. */
  conversation: z.number().int(),
  kind: z.enum(["calls", "messages"]),
  pageToken: z.string().nullable(),
});
export type Cursor = z.infer<typeof Cursor>;

export const RunState = z.object({
  id: z.string(),
  /** "incremental" runs move the watermark; a --since/--until backfill never does. */
  key: z.string(),
  window: Window,
  startedAt: z.string(),
  phase: z.enum(["numbers", "listing", "conversations", "pending", "done"]),
  listingToken: z.string().nullable(),
  listed: z.number().int(),
  cursor: Cursor,
  pendingAfter: z.string().nullable(),
  highWater: z.string().nullable(),
});
export type RunState = z.infer<typeof RunState>;

const Pending = z.object({ createdAt: z.string() });
export const State = z.object({
  version: z.literal(1),
  watermark: z.string().nullable(),
  runs: z.record(z.string(), RunState),
  pending: z.record(z.string(), Pending),
});
export type State = z.infer<typeof State>;

export type ConversationRef = { id: string; phoneNumberId: string; participants: string[] };

export class Checkpoint {
  readonly file: string;
  readonly dir: string;
  state: State;

  constructor(stateDir: string) {
    this.dir = join(stateDir, "openphone");
    this.file = join(stateDir, "openphone.json");
    this.state = readJson(this.file, State, () => ({ version: 1 as const, watermark: null, runs: {}, pending: {} }));
  }

  save(): void {
    writeJsonAtomic(this.file, this.state);
  }

  /** The conversations a run listed, appended (and fsynced) page by page before the cursor moves. */
  listFile(run: RunState): string {
    return join(this.dir, `${run.id}.conversations.ndjson`);
  }

  appendListed(run: RunState, refs: ConversationRef[]): void {
    mkdirSync(this.dir, { recursive: true });
    // Lines past `listed` come from a page appended just before a crash, whose cursor never
    // moved: that page is being listed again, so they go.
    const file = this.listFile(run);
    if (existsSync(file)) {
      const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
      if (lines.length > run.listed) writeFileSync(file, lines.slice(0, run.listed).map((l) => l + "\n").join(""));
    }
    if (refs.length) {
      appendFileSync(this.listFile(run), refs.map((r) => JSON.stringify(r) + "\n").join(""));
      const fd = openSync(this.listFile(run), "r");
      try { fsyncSync(fd); } finally { closeSync(fd); }
    }
    run.listed += refs.length;
  }

  /** The first `run.listed` conversations (lines past it belong to a page whose cursor never moved). */
  listed(run: RunState): ConversationRef[] {
    if (!existsSync(this.listFile(run))) return [];
    return readFileSync(this.listFile(run), "utf8").split("\n").filter(Boolean).slice(0, run.listed).map((l) => JSON.parse(l) as ConversationRef);
  }

  finish(run: RunState): void {
    delete this.state.runs[run.key];
    this.save();
    rmSync(this.listFile(run), { force: true });
  }
}
