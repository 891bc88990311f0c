/**
 * Enriched entities: what the text stage writes under data/lake/enriched/<name>/ (redacted text,
 * sentiment, topics, conversation metrics), each with its zod schema. Transforms read them with
 * `{{ source('<name>') }}` like raw entities; a missing one is an empty table typed from its schema.
 */
import type { z } from "zod";

export type EnrichedEntity = { name: string; schema: z.ZodType };

export const ENRICHED: EnrichedEntity[] = [];
