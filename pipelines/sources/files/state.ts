/**
 * Which files of a file-drop source were already imported (path, size, modification time), so a
 * folder that keeps receiving exports imports each new or changed file once. Written after the
 * lake commit: a crash before it imports the file again, which the merge makes harmless.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { refuseEntry } from "../../lake/quarantine.ts";
import { z } from "zod";
import { readJson, writeJsonAtomic } from "../../core/stateFile.ts";

const Seen = z.object({ files: z.record(z.string(), z.object({ size: z.number(), mtimeMs: z.number(), importedAt: z.string() })) });
export type Seen = z.infer<typeof Seen>;
export type DropFile = { path: string; key: string; size: number; mtimeMs: number };

const KNOWN = new Set([".csv", ".tsv", ".tab", ".txt", ".ndjson", ".jsonl", ".json"]);

export function stateFile(stateDir: string, source: string): string {
  return join(stateDir, `files-${source}.json`);
}

export function readSeen(file: string): Seen {
  return readJson(file, Seen, () => ({ files: {} }));
}

/** The entries of a drop folder with a data file's name, each with why it is refused (null: a regular file to read). */
function entries(path: string): { file: string; refused: string | null }[] {
  const full = resolve(path);
  if (!existsSync(full)) throw new Error(`file-drop path ${path} does not exist`);
  if (!statSync(full).isDirectory()) return [{ file: full, refused: refuseEntry(full, dirname(full)) }];
  return readdirSync(full).filter((f) => KNOWN.has(extname(f).toLowerCase())).sort()
    .map((f) => ({ file: join(full, f), refused: refuseEntry(join(full, f), full) }));
}

/** Entries refused unread: symlinks (unless allowed inside the folder), pipes, sockets, devices, directories. */
export function refusedEntries(path: string): { file: string; reason: string }[] {
  return entries(path).flatMap((e) => (e.refused ? [{ file: e.file, reason: e.refused }] : []));
}

/** The source's files (one file, or a folder's data files), with those already imported unchanged left out. */
export function newFiles(path: string, seen: Seen): DropFile[] {
  const files = entries(path).filter((e) => !e.refused).map((e) => e.file);
  return files
    .map((f) => ({ path: f, key: f, size: statSync(f).size, mtimeMs: statSync(f).mtimeMs }))
    .filter((f) => { const s = seen.files[f.key]; return !s || s.size !== f.size || s.mtimeMs !== f.mtimeMs; });
}

export function markImported(file: string, seen: Seen, done: DropFile[]): void {
  for (const f of done) seen.files[f.key] = { size: f.size, mtimeMs: f.mtimeMs, importedAt: new Date().toISOString() };
  writeJsonAtomic(file, seen);
}

export function formatOf(file: string, declared?: string): "csv" | "tsv" | "ndjson" | "json" {
  if (declared) return declared as "csv";
  const ext = extname(file).toLowerCase();
  if (ext === ".tsv" || ext === ".tab") return "tsv";
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  if (ext === ".json") return "json";
  return "csv";
}
