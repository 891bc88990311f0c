/**
 * Buffered NDJSON output: one JSON object per line, appended through large synchronous writes.
 * Monthly files (`entity/YYYY-MM.ndjson`) are closed once generation has moved past their month.
 * With `until` (an instant), a record whose instant `at` is not before it is dropped unwritten:
 * how a business is extended by days (the simulation is the same, only what is visible changes).
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

const FLUSH_AT = 1 << 20;

interface OpenFile {
  fd: number;
  buf: string;
  month: string;
}

export class NdjsonWriter {
  /** Lines written per entity (directory or file stem). */
  readonly counts: Record<string, number> = {};
  private readonly open = new Map<string, OpenFile>();
  private readonly created = new Set<string>();
  private readonly dirs = new Set<string>();

  constructor(readonly outDir: string, readonly until = Infinity) {}

  /** Append one record to `entity/month.ndjson` (`at`: its latest instant, dropped at or after `until`). */
  monthly(entity: string, month: string, record: unknown, at = -Infinity): void {
    if (at >= this.until) return;
    this.append(`${entity}/${month}.ndjson`, entity, month, JSON.stringify(record));
  }

  /** Append one record to the single file `entity.ndjson`. */
  single(entity: string, record: unknown): void {
    this.append(`${entity}.ndjson`, entity, "", JSON.stringify(record));
  }

  private append(rel: string, entity: string, month: string, line: string): void {
    let f = this.open.get(rel);
    if (!f) {
      const path = join(this.outDir, rel);
      const dir = dirname(path);
      if (!this.dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.dirs.add(dir);
      }
      f = { fd: openSync(path, this.created.has(rel) ? "a" : "w"), buf: "", month };
      this.created.add(rel);
      this.open.set(rel, f);
    }
    f.buf += line + "\n";
    if (f.buf.length >= FLUSH_AT) {
      writeSync(f.fd, f.buf);
      f.buf = "";
    }
    this.counts[entity] = (this.counts[entity] ?? 0) + 1;
  }

  /** Close monthly files of months before `month` (YYYY-MM); they reopen in append mode if needed. */
  closeBefore(month: string): void {
    for (const [rel, f] of this.open) {
      if (f.month !== "" && f.month < month) {
        this.closeFile(f);
        this.open.delete(rel);
      }
    }
  }

  private closeFile(f: OpenFile): void {
    if (f.buf.length) writeSync(f.fd, f.buf);
    f.buf = "";
    closeSync(f.fd);
  }

  closeAll(): void {
    for (const f of this.open.values()) this.closeFile(f);
    this.open.clear();
  }

  /** Relative paths of every file written, sorted. */
  files(): string[] {
    return [...this.created].sort();
  }
}

/** "YYYY-MM" of an ISO timestamp. */
export function monthOf(isoTs: string): string {
  return isoTs.slice(0, 7);
}
