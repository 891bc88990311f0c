/**
 * Marts carry contacts only as pseudonyms (ct_ + a keyed hash, pipelines/privacy/pseudonym.ts), but
 * OpenPhone needs the contact's own id to write a tag back. The id is looked up, at send time only, in
 * the raw lake's contacts by recomputing each one's pseudonym with the same key; it is never written
 * to a mart, the alert journal or the action ledger.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { lit, openDb, rows } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { pseudonymKey } from "../../pipelines/privacy/pseudonym.ts";

const PSEUDONYM = /^ct_[0-9a-f]{16}$/;

export type ContactResolver = (id: string) => Promise<string>;

export function contactResolver(paths: Paths, env: NodeJS.ProcessEnv = process.env): ContactResolver {
  const cache = new Map<string, string>();
  return async (id) => {
    if (!PSEUDONYM.test(id)) return id; // already the phone system's id
    const hit = cache.get(id);
    if (hit) return hit;
    const dir = join(paths.raw, "contacts");
    if (!existsSync(dir)) throw new Error(`cannot resolve contact ${id}: no raw contacts under ${dir}`);
    const { key } = pseudonymKey(env);
    const db = await openDb();
    try {
      const glob = join(dir, "**", "*.parquet");
      // The staging models' formula (transforms/staging/stg_contacts.sql), run the other way round.
      const [r] = await rows<{ id: string }>(db, `SELECT id FROM read_parquet(${lit(glob)}, hive_partitioning = true, union_by_name = true)
        WHERE 'ct_' || left(sha256(${lit(key)} || '|contact|' || id), 16) = ${lit(id)} LIMIT 1`);
      if (!r) throw new Error(`no contact in the raw lake has the pseudonym ${id} (was COMMSIGHT_PSEUDONYM_KEY changed?)`);
      cache.set(id, r.id);
      return r.id;
    } finally {
      db.close();
    }
  };
}
