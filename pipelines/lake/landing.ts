/**
 * The landing zone, data/landing/<stream>/: append-only NDJSON segments that work as the lake's
 * write-ahead log. A writer (the webhook receiver, an API walk) appends and fsyncs before it
 * acknowledges anything; an extract reads every complete line past its last consumed offset and
 * records the new offsets only after the lake commit, so a crash anywhere between receipt and
 * pick-up loses nothing (a line read twice is harmless: the merge deduplicates by key).
 *
 * Segments are `<time>-<pid>-<n>.open.ndjson` while a writer holds them and `<...>.ndjson` once
 * sealed; sealed segments that are fully consumed move to `consumed/`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { alive } from "./lock.ts";
import { fsyncDir, readJson, writeJsonAtomic } from "../core/stateFile.ts";
import { splitLines } from "./quarantine.ts";

const OPEN = ".open.ndjson";
const SEALED = ".ndjson";
let counter = 0;

type Pending = { data: string; resolve: () => void; reject: (e: unknown) => void };

export class LandingWriter {
  private fh: FileHandle | null = null;
  private path = "";
  private bytes = 0;
  private openedAt = 0;
  private pending: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(readonly dir: string, private readonly opts = { maxBytes: 64 << 20, maxAgeMs: 10 * 60_000 }) {
    mkdirSync(dir, { recursive: true });
  }

  /** Resolves once the lines are on disk (written and fsynced). Concurrent calls share one fsync. */
  append(lines: string[]): Promise<void> {
    if (lines.some((l) => l.includes("\n"))) return Promise.reject(new Error("a landing line must not contain a newline"));
    return new Promise((resolve, reject) => {
      this.pending.push({ data: lines.map((l) => l + "\n").join(""), resolve, reject });
      this.flushing ??= this.flush().finally(() => { this.flushing = null; });
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0);
      try {
        await this.rotateIfDue();
        const buf = Buffer.from(batch.map((b) => b.data).join(""), "utf8");
        let off = 0;
        while (off < buf.length) off += (await this.fh!.write(buf, off, buf.length - off)).bytesWritten;
        await this.fh!.sync();
        this.bytes += buf.length;
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
  }

  private async rotateIfDue(): Promise<void> {
    if (this.fh && this.bytes < this.opts.maxBytes && Date.now() - this.openedAt < this.opts.maxAgeMs) return;
    await this.seal();
    const stamp = new Date().toISOString().replace(/[-:.]/g, "");
    this.path = join(this.dir, `${stamp}-${process.pid}-${String(counter++).padStart(4, "0")}${OPEN}`);
    this.fh = await open(this.path, "a");
    this.bytes = 0;
    this.openedAt = Date.now();
    fsyncDir(this.dir);
  }

  private async seal(): Promise<void> {
    if (!this.fh) return;
    await this.fh.close();
    this.fh = null;
    renameSync(this.path, this.path.slice(0, -OPEN.length) + SEALED);
    fsyncDir(this.dir);
  }

  /** Finish pending appends and seal the current segment. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.seal();
  }
}

/** Seal segments left open by writers that are gone (a crash): nothing will append to them again. */
export function sealAbandoned(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(OPEN)) continue;
    const pid = Number(/^[^-]+-(\d+)-/.exec(f)?.[1]);
    if (pid === process.pid || (pid && alive(pid))) continue;
    renameSync(join(dir, f), join(dir, f.slice(0, -OPEN.length) + SEALED));
  }
}

const Consumption = z.record(z.string(), z.object({ offset: z.number(), lines: z.number() }));
export type Consumption = z.infer<typeof Consumption>;
/** `bad`: why the line is no record (not UTF-8, a NUL byte), its text then a printable rendering. */
export type LandedLine = { segment: string; line: number; text: string; bad?: string };
export type LandedRead = { lines: LandedLine[]; next: Consumption; stateFile: string; dir: string };

const baseName = (f: string) => (f.endsWith(OPEN) ? f.slice(0, -OPEN.length) : f.slice(0, -SEALED.length));

/** Every complete line not yet consumed, oldest segment first, with where it stands. */
export function readLanded(dir: string, stateFile: string): LandedRead {
  sealAbandoned(dir);
  const consumed: Consumption = readJson(stateFile, Consumption, (): Consumption => ({}));
  const next: Consumption = { ...consumed };
  const lines: LandedLine[] = [];
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(SEALED)).sort() : [];
  for (const f of files) {
    const base = baseName(f);
    const from = consumed[base] ?? { offset: 0, lines: 0 };
    const buf = readFileSync(join(dir, f));
    const end = buf.lastIndexOf(0x0a) + 1; // a torn last line (crash mid-write) was never acknowledged
    if (end <= from.offset) continue;
    // Decoded line by line without replacement: an invalid byte makes that line bad, not U+FFFD.
    const text = splitLines(buf.subarray(from.offset, end));
    for (const l of text) {
      const line = from.lines + l.line;
      lines.push("bad" in l ? { segment: base + SEALED, line, text: l.raw, bad: l.bad } : { segment: base + SEALED, line, text: l.text });
    }
    let count = 0;
    for (let i = buf.indexOf(0x0a, from.offset); i >= 0 && i < end; i = buf.indexOf(0x0a, i + 1)) count++;
    next[base] = { offset: end, lines: from.lines + count };
  }
  return { lines, next, stateFile, dir };
}

/** After the lake commit: record the offsets, then archive sealed segments read to their end. */
export function markConsumed(read: LandedRead): void {
  writeJsonAtomic(read.stateFile, read.next);
  const archive = join(read.dir, "consumed");
  const remaining: Consumption = { ...read.next };
  let moved = false;
  for (const [base, at] of Object.entries(read.next)) {
    const sealed = join(read.dir, base + SEALED);
    if (!existsSync(sealed)) {
      if (!existsSync(join(read.dir, base + OPEN))) delete remaining[base];
      continue;
    }
    const buf = readFileSync(sealed);
    if (buf.lastIndexOf(0x0a) + 1 > at.offset) continue;
    mkdirSync(archive, { recursive: true });
    renameSync(sealed, join(archive, base + SEALED));
    delete remaining[base];
    moved = true;
  }
  if (moved) writeJsonAtomic(read.stateFile, remaining);
}

/** Bytes waiting in a stream (for status lines). */
export function landedBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((f) => f.endsWith(SEALED)).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}
