/** Pseudonyms: stable for a key, different across keys, the SQL and TS forms agree, a key change forces a full rebuild. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lit, one, openDb } from "../../pipelines/core/duckdb.ts";
import { DEMO_PSEUDONYM_KEY, guardKeyChange, keyFingerprint, pseudonymKey, pseudonymOf } from "../../pipelines/privacy/pseudonym.ts";
import { textTransformVars } from "../../pipelines/transform/vars.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { tmpDir } from "../helpers/records.ts";

describe("pseudonyms", () => {
  it("are stable for a key and differ with another key or kind", () => {
    const a = pseudonymOf("k1", "contact", "CT123");
    expect(pseudonymOf("k1", "contact", "CT123")).toBe(a);
    expect(a).toMatch(/^ct_[0-9a-f]{16}$/);
    expect(pseudonymOf("k2", "contact", "CT123")).not.toBe(a);
    expect(pseudonymOf("k1", "phone", "CT123")).not.toBe(a.replace("ct_", "ph_"));
  });

  it("the SQL the staging models use gives the same pseudonym as the TS mirror", async () => {
    const db = await openDb();
    try {
      for (const [kind, prefix, value] of [["contact", "ct_", "CT9"], ["phone", "ph_", "+14155552671"]] as const) {
        const r = await one<{ p: string }>(db, `SELECT ${lit(prefix)} || left(sha256(${lit("secret")} || '|${kind}|' || ${lit(value)}), 16) AS p`);
        expect(r.p).toBe(pseudonymOf("secret", kind, value));
      }
    } finally {
      db.close();
    }
  });

  it("takes the key from COMMSIGHT_PSEUDONYM_KEY, else the documented demo key, and hands it to the SQL vars", () => {
    expect(pseudonymKey({ COMMSIGHT_PSEUDONYM_KEY: "abc" })).toEqual({ key: "abc", isDemoDefault: false });
    expect(pseudonymKey({})).toEqual({ key: DEMO_PSEUDONYM_KEY, isDemoDefault: true });
    expect(textTransformVars(parseConfig({}), { COMMSIGHT_PSEUDONYM_KEY: "abc" }).pseudonym_key).toBe("abc");
  });

  it("a new key drops the transform state so every mart is rebuilt; the same key keeps it", () => {
    const dir = join(tmpDir("pseudo-"), "state");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "transform.json"), "{}");
    expect(guardKeyChange(dir, { COMMSIGHT_PSEUDONYM_KEY: "one" }).changed).toBe(false);
    expect(guardKeyChange(dir, { COMMSIGHT_PSEUDONYM_KEY: "one" }).changed).toBe(false);
    expect(existsSync(join(dir, "transform.json"))).toBe(true);
    const g = guardKeyChange(dir, { COMMSIGHT_PSEUDONYM_KEY: "two" });
    expect(g).toEqual({ changed: true, fingerprint: keyFingerprint("two") });
    expect(existsSync(join(dir, "transform.json"))).toBe(false);
    expect(keyFingerprint("two")).not.toContain("two");
  });
});
