/**
 * Survey responses (NPS 0-10, CSAT 1-5): the OpenPhone/Quo API has none, so they come from
 * the user's survey tool (or the demo generator), each tied to the interaction it rates.
 */
import { z } from "zod";
import { col } from "./meta.ts";
import { eventTime } from "./openphone.ts";

export const SurveyResponse = z
  .object({
    id: col(z.string().min(1), "Unique id of the survey response, as the survey tool assigns it; the key.", "none"),
    interactionId: col(
      z.string().regex(/^AC(.*)$/, "expected a call or message id (AC...)"),
      "Id (AC…) of the call or message the response rates (see channel).",
      "none",
    ),
    channel: col(z.enum(["call", "message"]), "What was rated: call (interactionId is a call) or message (a text message).", "none"),
    contactId: col(z.string().nullable(), "Id of the responding contact (contacts.id), pseudonymised before analysts see it; null if unknown.", "identifier"),
    respondedAt: col(eventTime, "When the customer responded (UTC instant); sets the lake partition day (UTC).", "none"),
    nps: col(z.number().int().min(0).max(10).nullable(), "Net Promoter score 0-10 (9-10 promoter, 7-8 passive, 0-6 detractor); null if not asked.", "none"),
    csat: col(z.number().int().min(1).max(5).nullable(), "Customer satisfaction score 1 (very dissatisfied) to 5 (very satisfied); null if not asked.", "none"),
    comment: col(z.string().nullable(), "The customer's free-text comment, unredacted (redacted form: survey_comments.comment); null if none.", "free_text"),
  })
  .refine((r) => r.nps !== null || r.csat !== null, { message: "a response needs an nps or a csat score", path: ["nps"] });
export type SurveyResponse = z.infer<typeof SurveyResponse>;
