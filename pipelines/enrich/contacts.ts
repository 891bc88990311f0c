/**
 * Which days a contacts change reaches. A text's analysis reads its contact's opt-out (and names,
 * for [NAME] redaction), so when the raw contacts change, the texts of every contact whose opt-out
 * or names changed, or who appeared or disappeared, are analysed again, and only those: a snapshot
 * of per-contact digests (sql/contact_digest.sql, one Parquet file per contacts snapshot under
 * data/state/enrich/) is compared with the previous one, and the days holding a text of a changed
 * contact are found in the raw lake (sql/contact_days.sql). New contacts are the common nightly
 * change, and an earlier text can name a number that only now became a contact, so the lookup
 * does not stop at changed opt-outs.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../core/config.ts";
import { exec, lit, rows, sqlTemplate, type Db } from "../core/duckdb.ts";
import { sourceRelation } from "../core/paths.ts";
import { pseudonymKey } from "../privacy/pseudonym.ts";

const SQL = join(import.meta.dirname, "sql");
const PRIVACY_SQL = join(import.meta.dirname, "..", "privacy", "sql");

export const digestFile = (dir: string, contactsPrint: string) => join(dir, `contacts-${contactsPrint}.parquet`);

/** Write the digest of the current contacts (atomically), unless that snapshot's digest is there already. */
export async function writeDigest(db: Db, config: Config, rawDir: string, file: string): Promise<void> {
  if (existsSync(file)) return;
  const relation = sourceRelation(rawDir, "contacts");
  const tmp = `${file}.tmp-${process.pid}`;
  mkdirSync(dirname(file), { recursive: true });
  if (!relation) await exec(db, `COPY (SELECT NULL::VARCHAR AS k, NULL::VARCHAR AS d WHERE false) TO ${lit(tmp)} (FORMAT parquet)`);
  else {
    await exec(db, sqlTemplate(join(SQL, "contact_digest.sql"), {
      contacts: sqlTemplate(join(PRIVACY_SQL, "contacts.sql"), { contacts: relation, field: lit(config.privacy.optOut.field) }),
      salt: lit(pseudonymKey().key), out: lit(tmp),
      names: config.privacy.redactContactNames ? "'|' || coalesce(first_name, '') || '|' || coalesce(last_name, '')" : "''",
    }));
  }
  renameSync(tmp, file);
}

const emptyRelation: Record<string, string> = {
  messages: "(SELECT NULL::DATE AS date, NULL::VARCHAR AS direction, NULL::VARCHAR AS \"from\", NULL::VARCHAR[] AS \"to\" WHERE false)",
  calls: "(SELECT NULL::DATE AS date, NULL::VARCHAR[] AS participants WHERE false)",
  survey_responses: "(SELECT NULL::DATE AS date, NULL::VARCHAR AS contactId WHERE false)",
};

/** Days (YYYY-MM-DD) with a text of a contact whose digest differs between two snapshots. */
export async function daysOfChangedContacts(db: Db, rawDir: string, before: string, after: string): Promise<Set<string>> {
  await exec(db, sqlTemplate(join(SQL, "contact_changes.sql"), { before: lit(before), after: lit(after) }));
  const [{ n }] = await rows<{ n: number }>(db, "SELECT count(*) AS n FROM enr_changed_contacts") as [{ n: number }];
  if (n === 0) return new Set();
  const rel = (e: string) => sourceRelation(rawDir, e) ?? emptyRelation[e]!;
  const found = await rows<{ day: string }>(db, sqlTemplate(join(SQL, "contact_days.sql"), {
    messages: rel("messages"), calls: rel("calls"), surveys: rel("survey_responses"), salt: lit(pseudonymKey().key),
  }));
  return new Set(found.map((r) => r.day));
}

/** Remove the digests of snapshots no day refers to any more. */
export function pruneDigests(dir: string, keep: Set<string>): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (/^contacts-.*\.parquet/.test(f) && !keep.has(join(dir, f))) rmSync(join(dir, f), { force: true });
  }
}
