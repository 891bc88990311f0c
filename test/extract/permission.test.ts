/**
 * Permission denied (issue 17, item 1): one source file the extract may not read is quarantined as a
 * file entry ("permission denied") and everything else lands, exit 0. Root reads any file whatever
 * its mode, so when the tests run as root the real CLI runs in a child as an unprivileged user
 * (nobody, 65534); otherwise as the test's own user. Skipped only when file modes cannot be tested:
 * not root (so no other user to switch to) and the test's own user can read a mode-000 file anyway
 * (CAP_DAC_OVERRIDE).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { lake } from "../files/helpers.ts";
import { tmpDir } from "../helpers/records.ts";
import { goodRecord } from "./hostile/classes.ts";
import { BIN } from "../helpers/cli.ts";

const NOBODY = 65534;
const root = process.getuid?.() === 0;

/** Whether a mode-000 file refuses this process (it does for any user without CAP_DAC_OVERRIDE). */
function modesEnforcedForMe(): boolean {
  const dir = tmpDir("perm-probe-");
  const f = join(dir, "probe");
  writeFileSync(f, "x");
  chmodSync(f, 0o000);
  try {
    closeSync(openSync(f, "r"));
    return false;
  } catch {
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const testable = root || modesEnforcedForMe();
const why = "not root (no unprivileged user to switch to) and this user reads a mode-000 file anyway (CAP_DAC_OVERRIDE?): file modes cannot be tested here";

const nd = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join("\n") + "\n";
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe("a source file the extract may not read", () => {
  it.skipIf(!testable)(`is quarantined as "permission denied"; every other file and entity lands; exit 0${testable ? "" : ` (skipped: ${why})`}`, async () => {
    const top = tmpDir("perm-");
    dirs.push(top);
    chmodSync(top, 0o755);
    const src = join(top, "src");
    const data = join(top, "data");
    mkdirSync(join(src, "calls"), { recursive: true });
    mkdirSync(join(src, "messages"), { recursive: true });
    mkdirSync(data);
    writeFileSync(join(src, "phone-numbers.ndjson"), nd([{ id: "PN1", groupId: "g", createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-01-01T00:00:00Z", name: "Main", number: "+14155550000", formattedNumber: null, forward: null, portRequestId: null, portingStatus: null, symbol: null, users: [] }]));
    writeFileSync(join(src, "users.ndjson"), nd([{ id: "US1", email: "agent@example.com", firstName: "A", lastName: "B", groupId: "g", role: "member" }]));
    writeFileSync(join(src, "calls", "a.ndjson"), nd([goodRecord("calls", "ACperma1"), goodRecord("calls", "ACperma2")]));
    writeFileSync(join(src, "calls", "b-locked.ndjson"), nd([goodRecord("calls", "ACpermlocked1")]));
    writeFileSync(join(src, "calls", "c.ndjson"), nd([goodRecord("calls", "ACpermc1")]));
    writeFileSync(join(src, "messages", "m.ndjson"), nd([goodRecord("messages", "ACpermmsg1")]));
    chmodSync(join(src, "calls", "b-locked.ndjson"), 0o000);
    // As root: the unprivileged user may read the sources (all but the one file) and write the data folder.
    if (root) chownSync(data, NOBODY, NOBODY);

    const r = spawnSync(process.execPath, [BIN, "--data", data, "extract", "--input", src], {
      cwd: projectRoot, encoding: "utf8", timeout: 120_000,
      env: { ...process.env, HOME: top, COMMSIGHT_LOG_LEVEL: undefined, COMMSIGHT_LOG_FORMAT: undefined, COMMSIGHT_DEBUG: undefined } as NodeJS.ProcessEnv,
      ...(root ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    const printed = `${r.stdout}\n${r.stderr}`;
    expect(r.status, printed).toBe(0);
    // the by-reason line, once
    expect(printed.match(/quarantined 1 by reason: permission denied: 1/g), printed).toHaveLength(1);
    // the file's quarantine entry: the file, line 0, the reason; no other entry
    const paths = lakePaths(parseConfig({ paths: { data } }));
    const entries = readFileSync(join(paths.quarantine, "calls.ndjson"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    expect(entries.map((q: { file: string; line: number; reason: string }) => [q.file, q.line, q.reason])).toEqual([["calls/b-locked.ndjson", 0, "permission denied"]]);
    // every other file and entity landed
    const keys = async (entity: string, key = "id") =>
      (await lake(paths, `SELECT "${key}" AS k FROM read_parquet('$RAW/${entity}/**/*.parquet') ORDER BY 1`)).map((x) => String(x.k));
    expect(await keys("calls")).toEqual(["ACperma1", "ACperma2", "ACpermc1"]);
    expect(await keys("messages")).toEqual(["ACpermmsg1"]);
    expect(await keys("users")).toEqual(["US1"]);
    expect(await keys("phone_numbers")).toEqual(["PN1"]);
  }, 180_000);
});
