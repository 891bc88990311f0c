/**
 * The action ledger, data/state/actions.jsonl: every send attempt of an action (an alert to Slack, a
 * report by e-mail, a task in Linear…) as fsynced JSON lines keyed by an idempotency key. "sending" is
 * written and synced before the request goes out and "sent" or "failed" after it, so after a crash a key
 * found "sending" with no outcome is known to be in doubt: it is retried only where the destination
 * deduplicates (dispatch.ts), and otherwise left for a person to check, never sent twice.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";

export const ActionRecord = z.object({
  key: z.string().min(1),
  destination: z.string(),
  type: z.string(),
  status: z.enum(["sending", "sent", "failed", "in-doubt"]),
  attempt: z.number().int().nonnegative(),
  at: z.string(),
  /** What came back (an issue id, a task gid, an HTTP status) or why it failed. */
  detail: z.string().nullable().default(null),
  /** Human-readable subject, for `commsight alerts list`. */
  title: z.string().default(""),
});
export type ActionRecord = z.infer<typeof ActionRecord>;

export type ActionState = {
  key: string; destination: string; type: string; title: string;
  status: ActionRecord["status"]; attempts: number; lastAt: string; detail: string | null;
};

export class ActionLedger {
  constructor(readonly path: string, private readonly now: () => Date = () => new Date()) {}

  append(rec: Omit<ActionRecord, "at" | "detail" | "title"> & { detail?: string | null; title?: string }): ActionRecord {
    const full = ActionRecord.parse({ ...rec, at: this.now().toISOString() });
    mkdirSync(dirname(this.path), { recursive: true });
    // One write(2) per line and an fsync before returning: a crash loses at most the line being written.
    const fd = openSync(this.path, "a");
    try {
      appendFileSync(fd, JSON.stringify(full) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return full;
  }

  records(): ActionRecord[] {
    if (!existsSync(this.path)) return [];
    const out: ActionRecord[] = [];
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try { out.push(ActionRecord.parse(JSON.parse(line))); } catch { /* a torn last line from a crash */ }
    }
    return out;
  }

  /** The latest state of every key, in first-seen order. */
  states(): Map<string, ActionState> {
    const out = new Map<string, ActionState>();
    for (const r of this.records()) {
      const prev = out.get(r.key);
      out.set(r.key, {
        key: r.key, destination: r.destination, type: r.type, title: r.title || prev?.title || "",
        status: r.status, attempts: Math.max(prev?.attempts ?? 0, r.attempt), lastAt: r.at, detail: r.detail,
      });
    }
    return out;
  }

  state(key: string): ActionState | undefined {
    return this.states().get(key);
  }
}
