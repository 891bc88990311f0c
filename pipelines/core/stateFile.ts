/**
 * Small JSON state files (checkpoints, consumed offsets, imported files) written so that a crash
 * leaves either the old or the new version: temporary file, fsync, rename, fsync of the folder.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { z } from "zod";

export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, JSON.stringify(value, null, 1) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

/** Read a state file through its schema; absent means `fallback`, unreadable is an error naming the file. */
export function readJson<T>(path: string, schema: z.ZodType<T>, fallback: () => T): T {
  if (!existsSync(path)) return fallback();
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`${path} is not a valid state file: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * Read a cache file through its schema: absent, unparsable or not matching is `fallback` (a cache
 * that cannot be read only costs the work it would have saved), never an error.
 */
export function readCache<T>(path: string, schema: z.ZodType<T>, fallback: () => T): T {
  try {
    return readJson(path, schema, fallback);
  } catch {
    return fallback();
  }
}

/** A rename is durable only once its folder is synced. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try { fsyncSync(fd); } finally { closeSync(fd); }
}
