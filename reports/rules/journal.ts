/**
 * The alert journal, data/state/alerts.jsonl: when each rule's condition fired and cleared, as fsynced
 * JSON lines. Folding it tells whether a condition is firing (no repeat alert until it clears) and when
 * it last fired (the cool-down). A "fired" line also records the destinations, so its actions can be
 * completed after a crash even if the rules file changed since.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
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
    JournalEntry.parse(entry);
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, "a");
    try {
      appendFileSync(fd, JSON.stringify(entry) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  entries(): JournalEntry[] {
    if (!existsSync(this.path)) return [];
    const out: JournalEntry[] = [];
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try { out.push(JournalEntry.parse(JSON.parse(line))); } catch { /* a torn last line from a crash */ }
    }
    return out;
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
