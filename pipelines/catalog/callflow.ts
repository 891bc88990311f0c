/**
 * Call-flow (IVR/routing) events: the OpenPhone/Quo API has none, so they come from the
 * phone system's flow log (or the demo generator) in this canonical shape, one event a line.
 */
import { z } from "zod";
import { col } from "./meta.ts";
import { eventTime } from "./openphone.ts";

export const CallFlowEventType = z.enum([
  "ivr_entered",     // caller reached a menu (`menu` names it)
  "option_chosen",   // caller pressed/said an option (`menu`, `option`)
  "queue_entered",   // call waits for a team (`team`)
  "queue_left",      // call left the queue: `reason` answered | abandoned | timeout
  "transfer",        // call moved to another team or agent (`team`, optional `agentId`)
  "voicemail",       // caller left a voicemail
  "hangup",          // call ended (`by`: caller | agent | system)
]);

export const CallFlowEvent = z.object({
  id: col(z.string().min(1), "Unique id of the event, as the flow log (or demo generator) assigns it; the key.", "none"),
  callId: col(z.string().regex(/^AC(.*)$/, "expected a call id (AC...)"), "Id (AC…) of the call the event belongs to (calls.id).", "none"),
  seq: col(z.number().int().nonnegative(), "Order of the event within its call (ascending in time; the demo numbers from 0).", "none"),
  type: col(
    CallFlowEventType,
    "What happened: ivr_entered, option_chosen, queue_entered, queue_left, transfer, voicemail or hangup (which fields apply depends on it).",
    "none",
  ),
  occurredAt: col(eventTime, "When the event happened (UTC instant); sets the lake partition day (UTC).", "none"),
  menu: col(z.string().nullable(), "IVR menu reached or chosen in (ivr_entered, option_chosen; also on a hang-up in a menu), e.g. main, billing; else null.", "none"),
  option: col(z.string().nullable(), "Menu option the caller pressed or said (option_chosen); else null.", "none"),
  team: col(z.string().nullable(), "Team (line/queue name) the call queued for or was transferred to (queue_entered, queue_left, transfer); else null.", "none"),
  agentId: col(z.string().nullable(), "Id (US…) of the user who took the call (queue_left answered, transfer to an agent); else null.", "identifier"),
  reason: col(z.string().nullable(), "Why the call left the queue (queue_left): answered, abandoned or timeout; else null.", "none"),
  by: col(z.enum(["caller", "agent", "system"]).nullable(), "Who ended the call (hangup): caller, agent or system; else null.", "none"),
});
export type CallFlowEvent = z.infer<typeof CallFlowEvent>;
