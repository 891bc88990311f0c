/**
 * The action ledger, data/state/actions.jsonl: every send attempt of an action (an alert to Slack, a
 * report by e-mail, a task in Linear…) as fsynced JSON lines keyed by an idempotency key. "sending" is
 * written and synced before the request goes out and "sent" or "failed" after it, so after a crash a key
 * found "sending" with no outcome is known to be in doubt: it is retried only where the destination
 * deduplicates (dispatch.ts), and otherwise left for a person to check, never sent twice.
 */
import { z } from "zod";
import { appendDurable, readDurable } from "../../pipelines/core/jsonl.ts";

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
    appendDurable(this.path, full);
    return full;
  }

  records(): ActionRecord[] {
    return readDurable(this.path, ActionRecord);
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
