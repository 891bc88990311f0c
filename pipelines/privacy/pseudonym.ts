/**
 * Pseudonymised ids: contact ids and customers' phone numbers leave the raw zone only as a keyed
 * hash, so marts can still join and count people without naming them. The same key gives the same
 * pseudonym on every run (joins across runs and marts keep working); another key gives unrelated
 * pseudonyms, so the mapping cannot be rebuilt without the key.
 *
 * The hash is computed in SQL by the staging models (transforms/staging/stg_*.sql, var
 * `pseudonym_key`); `pseudonymOf` here is its exact mirror, for tests and for people who must
 * look up one customer (with the key in hand).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { log } from "../core/log.ts";

export const PSEUDONYM_KEY_ENV = "COMMSIGHT_PSEUDONYM_KEY";
/** For the demo only: a documented, public default, so a demo run needs no setup. Never use it on real data. */
export const DEMO_PSEUDONYM_KEY = "commsight-demo-key-not-secret";

export type PseudonymKind = "contact" | "phone";
const PREFIX: Record<PseudonymKind, string> = { contact: "ct_", phone: "ph_" };

export function pseudonymKey(env: NodeJS.ProcessEnv = process.env): { key: string; isDemoDefault: boolean } {
  const key = env[PSEUDONYM_KEY_ENV];
  if (key && key.length > 0) return { key, isDemoDefault: false };
  return { key: DEMO_PSEUDONYM_KEY, isDemoDefault: true };
}

/**
 * sha256(key | kind | value), 64 bits of it in hex: collisions stay negligible far beyond the
 * millions of contacts a business has (birthday bound ≈ 4·10⁹). The kind separates the domains,
 * so a contact id and a phone number that happen to be equal get different pseudonyms.
 */
export function pseudonymOf(key: string, kind: PseudonymKind, value: string): string {
  return PREFIX[kind] + createHash("sha256").update(`${key}|${kind}|${value}`).digest("hex").slice(0, 16);
}

/** A key's public fingerprint: says which key made a set of pseudonyms without revealing it. */
export function keyFingerprint(key: string): string {
  return createHash("sha256").update(`commsight-key-id|${key}`).digest("hex").slice(0, 12);
}

/**
 * Incremental marts keep the partitions they did not rebuild, so a new key would leave old and new
 * pseudonyms side by side. When the key's fingerprint differs from the last run's, the transform's
 * state is dropped: the next transform rebuilds every mart whole (as --full-refresh would).
 */
export function guardKeyChange(stateDir: string, env: NodeJS.ProcessEnv = process.env): { changed: boolean; fingerprint: string } {
  const { key, isDemoDefault } = pseudonymKey(env);
  if (isDemoDefault) log.warn(`${PSEUDONYM_KEY_ENV} is not set: using the public demo key (fine for the demo, not for real data)`);
  const fingerprint = keyFingerprint(key);
  const file = join(stateDir, "pseudonym.json");
  let previous: string | null = null;
  try { previous = (JSON.parse(readFileSync(file, "utf8")) as { fingerprint?: string }).fingerprint ?? null; } catch { /* first run */ }
  const changed = previous !== null && previous !== fingerprint;
  if (changed) {
    log.warn({ from: previous, to: fingerprint }, "pseudonym key changed: the next transform rebuilds every mart");
    rmSync(join(stateDir, "transform.json"), { force: true });
  }
  if (!existsSync(stateDir)) mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ fingerprint }) + "\n");
  return { changed, fingerprint };
}
