/**
 * Call-flow (IVR/routing) events: the OpenPhone/Quo API has none, so they come from the
 * phone system's flow log (or the demo generator) in this canonical shape, one event a line.
 */
import { z } from "zod";

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
  id: z.string().min(1),
  callId: z.string().regex(/^AC(.*)$/, "expected a call id (AC...)"),
  seq: z.number().int().nonnegative(),        // order of the event within its call
  type: CallFlowEventType,
  occurredAt: z.iso.datetime({ offset: true }),
  menu: z.string().nullable(),
  option: z.string().nullable(),
  team: z.string().nullable(),
  agentId: z.string().nullable(),
  reason: z.string().nullable(),
  by: z.enum(["caller", "agent", "system"]).nullable(),
});
export type CallFlowEvent = z.infer<typeof CallFlowEvent>;
