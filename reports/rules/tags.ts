/**
 * Contact tags from the text stage's contact_tags mart (built concurrently under transforms/marts/text/):
 * read with the columns it has — a contact id, a tag, and the day the tag was applied with its reason
 * when present.
 */
import { rows, type Db } from "../../pipelines/core/duckdb.ts";
import { lit } from "../../pipelines/core/duckdb.ts";
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import { ident, martColumns, pick } from "../shared/discover.ts";

export type Tagged = { contactId: string; day: string; reason: string };

export async function contactTags(db: Db, paths: Paths, tag: string, start: string, end: string, limit: number): Promise<Tagged[] | null> {
  const cols = await martColumns(db, paths, "contact_tags");
  const contact = pick(cols, ["contact_id", "contact"]);
  const tagCol = pick(cols, ["tag", "name", "label"]);
  if (!contact || !tagCol) return null;
  const day = pick(cols, ["applied_on", "applied_at", "date", "as_of", "tagged_at"], /DATE|TIMESTAMP/);
  const reason = pick(cols, ["reason", "why", "evidence"], /VARCHAR/);
  const dayExpr = day ? `CAST(CAST(${ident(day)} AS DATE) AS VARCHAR)` : `'${end}'`;
  // Column names come from the mart's schema; the tag and days are SQL literals.
  const sql = `
    SELECT CAST(${ident(contact)} AS VARCHAR) AS contact_id, max(${dayExpr}) AS day,
           ${reason ? `arg_max(${ident(reason)}, ${dayExpr})` : "NULL"} AS reason
    FROM ${martScan(paths, "contact_tags")}
    WHERE ${ident(tagCol)} = ${lit(tag)} ${day ? `AND CAST(${ident(day)} AS DATE) BETWEEN DATE ${lit(start)} AND DATE ${lit(end)}` : ""}
    GROUP BY 1 ORDER BY day DESC, contact_id LIMIT ${Math.floor(limit)}`;
  const found = await rows<{ contact_id: string; day: string; reason: string | null }>(db, sql);
  return found.map((r) => ({ contactId: r.contact_id, day: r.day, reason: r.reason ?? "tag applied by the text stage" }));
}
