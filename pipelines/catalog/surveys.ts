/**
 * Survey responses (NPS 0-10, CSAT 1-5): the OpenPhone/Quo API has none, so they come from
 * the user's survey tool (or the demo generator), each tied to the interaction it rates.
 */
import { z } from "zod";

export const SurveyResponse = z
  .object({
    id: z.string().min(1),
    interactionId: z.string().regex(/^AC(.*)$/, "expected a call or message id (AC...)"),
    channel: z.enum(["call", "message"]),
    contactId: z.string().nullable(),
    respondedAt: z.iso.datetime({ offset: true }),
    nps: z.number().int().min(0).max(10).nullable(),
    csat: z.number().int().min(1).max(5).nullable(),
    comment: z.string().nullable(),
  })
  .refine((r) => r.nps !== null || r.csat !== null, { message: "a response needs an nps or a csat score", path: ["nps"] });
export type SurveyResponse = z.infer<typeof SurveyResponse>;
