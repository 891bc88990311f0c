/**
 * Topics from a keyword taxonomy (a CSV of topic,label,keyword,priority; the default is
 * transforms/seeds/topic_keywords.csv): the topic with the most keyword hits in the (redacted,
 * lower-cased) text wins; ties go to the lower priority number, then the topic id. The same rule
 * the SQL used to apply to raw text, now applied where the redacted text is.
 */
import { parse } from "csv-parse/sync";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { projectRoot } from "../../pipelines/core/paths.ts";

export const TaxonomyRow = z.object({
  topic: z.string().regex(/^[a-z][a-z0-9_]*$/, "expected a snake_case topic id"),
  label: z.string().min(1),
  keyword: z.string().min(1).transform((k) => k.toLowerCase()),
  priority: z.coerce.number().int(),
});
export type TaxonomyRow = z.infer<typeof TaxonomyRow>;
export type Taxonomy = { rows: TaxonomyRow[]; labels: Map<string, string> };

export const DEFAULT_TAXONOMY = join(projectRoot, "transforms", "seeds", "topic_keywords.csv");

/** The taxonomy CSV, read with csv-parse (quoted fields allowed); errors name file and line. */
export function loadTaxonomy(file = DEFAULT_TAXONOMY): Taxonomy {
  const records = parse(readFileSync(file, "utf8"), { columns: (h: string[]) => h.map((c) => c.trim()), trim: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  const rows = records.map((rec, i) => {
    const parsed = TaxonomyRow.safeParse(rec);
    if (!parsed.success) throw new Error(`${file}:${i + 2}: ${parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return parsed.data;
  });
  return { rows, labels: new Map(rows.map((r) => [r.topic, r.label])) };
}

/** The winning topic of a text, or null when no keyword occurs. */
export function keywordTopic(text: string, taxonomy: Taxonomy): string | null {
  const lower = text.toLowerCase();
  const hits = new Map<string, { n: number; priority: number }>();
  for (const r of taxonomy.rows) {
    if (!lower.includes(r.keyword)) continue;
    const h = hits.get(r.topic) ?? { n: 0, priority: r.priority };
    h.n++;
    h.priority = Math.min(h.priority, r.priority);
    hits.set(r.topic, h);
  }
  let best: string | null = null;
  let bh = { n: 0, priority: Infinity };
  for (const [topic, h] of hits) {
    if (h.n > bh.n || (h.n === bh.n && (h.priority < bh.priority || (h.priority === bh.priority && topic < best!)))) {
      best = topic;
      bh = h;
    }
  }
  return best;
}
