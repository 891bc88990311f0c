/** Small valid source records for tests, shaped as the OpenPhone/Quo API returns them. */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export function call(id: string, createdAt: string, over: Record<string, unknown> = {}) {
  const end = new Date(Date.parse(createdAt) + 300_000).toISOString();
  return {
    id, answeredAt: createdAt, answeredBy: "US1", initiatedBy: null, direction: "incoming", status: "completed",
    completedAt: end, createdAt, duration: 300, forwardedFrom: null, forwardedTo: null, phoneNumberId: "PN1",
    participants: ["+14155550100"], updatedAt: end, userId: "US1", ...over,
  };
}

export function summary(callId: string, text: string) {
  return { callId, nextSteps: [], status: "completed", summary: [text] };
}

export function tmpDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write NDJSON lines (objects, or raw strings for broken lines) to dir/path. */
export function writeNdjson(dir: string, path: string, lines: (object | string)[]): string {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return file;
}

/** A throwaway SQL model project: path under the project → file text. */
export function sqlProject(files: Record<string, string>): string {
  const dir = tmpDir("proj-");
  for (const [path, text] of Object.entries(files)) writeText(dir, path, text);
  return dir;
}

function writeText(dir: string, path: string, text: string): void {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * Every file under a folder (relative path → content hash, inode and, unless `mtime: false`, modification
 * time): two stamps are equal only when no file was added, removed, rewritten or replaced.
 */
export function fileStamps(dir: string, opts: { mtime?: boolean } = {}, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(join(dir, r));
    if (st.isDirectory()) Object.assign(out, fileStamps(dir, opts, r));
    else out[r] = `${createHash("sha256").update(readFileSync(join(dir, r))).digest("hex")} ${st.ino}${opts.mtime === false ? "" : ` ${st.mtimeMs}`}`;
  }
  return out;
}
