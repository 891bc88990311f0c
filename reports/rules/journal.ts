/**
 * The alert journal, data/state/alerts.jsonl: when each rule's condition fired and cleared, as fsynced
 * JSON lines. Folding it tells whether a condition is firing (no repeat alert until it clears) and when
 * it last fired (the cool-down). A "fired" line also records the destinations, so its actions can be
 * completed after a crash even if the rules file changed since.
 */
import { z } from "zod";
import { appendDurable, readDurable } from "../../pipelines/core/jsonl.ts";
import { Alert } from "../actions/alert.ts";

export const JournalEntry = z.discriminatedUnion("type", [
  z.object({ type: z.literal("fired"), ruleId: z.string(), condition: z.string(), at: z.string(), alert: Alert, actions: z.array(z.string()) }),
  z.object({ type: z.literal("cleared"), ruleId: z.string(), condition: z.string(), at: z.string() }),
]);
export type JournalEntry = z.infer<typeof JournalEntry>;

export type ConditionState = { firing: boolean; lastFiredAt: string | null; lastAlert: Alert | null };

export class AlertJournal {
  constructor(readonly path: string) {}

  append(entry: JournalEntry): void {
    appendDurable(this.path, JournalEntry.parse(entry));
  }

  entries(): JournalEntry[] {
    return readDurable(this.path, JournalEntry);
  }

  /** State per "ruleId\u0000condition". */
  states(): Map<string, ConditionState> {
    const out = new Map<string, ConditionState>();
    for (const e of this.entries()) {
      const k = stateKey(e.ruleId, e.condition);
      const s = out.get(k) ?? { firing: false, lastFiredAt: null, lastAlert: null };
      if (e.type === "fired") out.set(k, { firing: true, lastFiredAt: e.at, lastAlert: e.alert });
      else out.set(k, { ...s, firing: false });
    }
    return out;
  }

  /** Fired entries since a time, newest last: the alerts whose actions may still be owed. */
  firedSince(iso: string): Extract<JournalEntry, { type: "fired" }>[] {
    return this.entries().filter((e): e is Extract<JournalEntry, { type: "fired" }> => e.type === "fired" && e.at >= iso);
  }
}

export function stateKey(ruleId: string, condition: string): string {
  return `${ruleId}\u0000${condition}`;
}
