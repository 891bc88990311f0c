/**
 * Quarantined records: one NDJSON per entity (file, line, field, reason, the record itself); and
 * what every reader checks before a record reaches its schema: that a file is the source's own
 * regular file (no symlink out, no pipe, no device), that it is UTF-8 text (not gzip, not UTF-16),
 * and per line: valid UTF-8, no NUL, within the size limits, no key twice in one object, no lone
 * surrogate. The quarantine lies inside the privacy perimeter (retention purpose "quarantine"):
 * reasons name the field and the rule, never the value.
 */
import {
  closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, realpathSync, rmSync, statSync, writeFileSync, type Stats,
} from "node:fs";
import { join, sep } from "node:path";
import type { Quarantined } from "./validate.ts";

export function writeQuarantine(dir: string, entity: string, items: Quarantined[]): string | null {
  const file = join(dir, `${entity}.ndjson`);
  if (items.length === 0) {
    rmSync(file, { force: true });
    return null;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, items.map((q) => JSON.stringify(q)).join("\n") + "\n");
  return file;
}

/** An entity's quarantine file as the last run wrote it (none: no file, no items). */
export function readQuarantine(dir: string, entity: string): { file: string | null; items: Quarantined[] } {
  const file = join(dir, `${entity}.ndjson`);
  if (!existsSync(file)) return { file: null, items: [] };
  const items = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Quarantined);
  return { file, items };
}

/**
 * Limits and permissions of the readers (config `ingest:`, set by the extract before it reads):
 * record and field sizes, whether symlinks inside a source root are followed, how long an orphan
 * is held back before it is quarantined, entities an empty file may leave without records.
 */
export const readerLimits = {
  maxRecordBytes: 4 << 20,
  maxFieldChars: 256 << 10,
  allowSymlinks: false,
  orphanWaitMs: 48 * 3_600_000,
  allowEmpty: [] as string[],
  /** Fail the extract when anything was quarantined. */
  strict: false,
  /**
   * The folder extract lands an entity's files in batches of about this many bytes of source
   * (whole files, in order), so what it stages and merges at a time, and its memory, are bounded by
   * the batch, not by the folder. Each batch pays a scan of the entity's lake (keys, parents), so
   * batches are not small: at medium only call-flow events (1.2 GB) take two.
   */
  batchBytes: 1 << 30,
};
export const DEFAULT_READER_LIMITS = { ...readerLimits };
export function setReaderLimits(l: Partial<typeof readerLimits>): void {
  Object.assign(readerLimits, l);
}

/** A file the reader refused whole, with the reason (it lands as a line-0 quarantine entry). */
export type FileRefusal = { file: string; reason: string };

const KIND = (s: Stats) =>
  s.isDirectory() ? "a directory" : s.isFIFO() ? "a named pipe (FIFO)" : s.isSocket() ? "a socket"
  : s.isCharacterDevice() ? "a character device" : s.isBlockDevice() ? "a block device" : s.isSymbolicLink() ? "a symbolic link" : "not a regular file";

/**
 * Whether a path under a source root may be read: a regular file, not a symlink (unless
 * `allowSymlinks` and it resolves inside the root to a regular file). Never opens anything.
 */
export function refuseEntry(path: string, root: string): string | null {
  let st: Stats;
  try { st = lstatSync(path); } catch (err) { return `cannot stat: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`; }
  if (st.isSymbolicLink()) {
    if (!readerLimits.allowSymlinks) return "a symbolic link: refused, only the source's own files are read (ingest.allowSymlinks)";
    let real: string;
    try { real = realpathSync(path); } catch { return "a symbolic link that resolves to nothing"; }
    const base = realpathSync(root);
    if (real !== base && !real.startsWith(base + sep)) return "a symbolic link pointing outside the source folder: refused";
    st = statSync(real);
  }
  if (!st.isFile()) return `${KIND(st)}, not a regular file: refused`;
  return null;
}

/**
 * Open a vetted file for reading without following a symlink or blocking on a pipe, and check it is a
 * regular file: its descriptor (the caller closes it), or why it cannot be read.
 */
function openSource(path: string): { fd: number } | { refused: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (readerLimits.allowSymlinks ? 0 : constants.O_NOFOLLOW));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { refused: code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ELOOP" ? "a symbolic link: refused" : `cannot open: ${code ?? (err as Error).message}` };
  }
  try {
    const st = fstatSync(fd);
    if (st.isFile()) return { fd };
    closeSync(fd);
    return { refused: `${KIND(st)}, not a regular file: refused` };
  } catch (err) {
    closeSync(fd);
    return { refused: readFailure(err) };
  }
}

/** Why a read of an opened source failed. */
function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "EISDIR" ? "a directory, not a regular file: refused" : `cannot read: ${code ?? (err as Error).message}`;
}

/** Read a vetted file without following a symlink or blocking on a pipe; a reason when it cannot be read. */
export function readSourceFile(path: string): { buf: Buffer } | { refused: string } {
  const opened = openSource(path);
  if ("refused" in opened) return opened;
  try {
    return { buf: readFileSync(opened.fd) };
  } catch (err) {
    return { refused: readFailure(err) };
  } finally {
    closeSync(opened.fd);
  }
}

/** A vetted file's text is read in pieces of about this many bytes (whole lines), so a big file never sits in memory whole. */
export const SOURCE_CHUNK = 16 << 20;

/**
 * A vetted file, read as `readSourceFile` does (no symlink followed, no pipe blocked on), in
 * pieces of whole lines (about `chunk` bytes; a longer line is one piece), each with its byte
 * offset in the file. Yields one `refused` instead when the file cannot be read, or is not UTF-8
 * text (fileEncodingProblem of its first bytes); a read that fails midway ends with `refused`.
 */
export function* readSourceChunks(path: string, chunk = SOURCE_CHUNK): Generator<{ buf: Buffer; offset: number } | { refused: string }> {
  const opened = openSource(path);
  if ("refused" in opened) { yield opened; return; }
  const fd = opened.fd;
  try {
    let carry: Buffer = Buffer.alloc(0);
    let offset = 0;
    for (;;) {
      const b = Buffer.allocUnsafe(chunk);
      let n: number;
      try {
        n = readSync(fd, b, 0, chunk, null);
      } catch (err) {
        yield { refused: readFailure(err) };
        return;
      }
      if (offset === 0 && carry.length === 0 && n > 0) {
        const enc = fileEncodingProblem(b.subarray(0, n));
        if (enc) { yield { refused: enc }; return; }
      }
      if (n === 0) {
        if (carry.length) yield { buf: carry, offset };
        return;
      }
      const data = carry.length ? Buffer.concat([carry, b.subarray(0, n)]) : b.subarray(0, n);
      const nl = data.lastIndexOf(0x0a);
      if (nl < 0) { carry = data; continue; }
      yield { buf: data.subarray(0, nl + 1), offset };
      offset += nl + 1;
      carry = data.subarray(nl + 1);
    }
  } finally {
    closeSync(fd);
  }
}

/** A whole-file problem seen in its first bytes: compressed, UTF-16/32, binary. */
export function fileEncodingProblem(buf: Buffer): string | null {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return "gzip-compressed: decompress the file first";
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return "a zip archive, not text";
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) return `UTF-16 (${buf[0] === 0xff ? "little" : "big"}-endian byte-order mark): expected UTF-8`;
  // UTF-16 without a BOM: ASCII text with every other byte 0.
  const head = buf.subarray(0, 256);
  let zeros = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 0) zeros++;
  if (head.length >= 8 && zeros >= head.length / 3) return "UTF-16 or binary (NUL bytes in every other position): expected UTF-8 text";
  return null;
}

const fatal = new TextDecoder("utf-8", { fatal: true });

/** Offset of the first byte that is not valid UTF-8 (the buffer is known not to decode). */
export function badUtf8At(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (!n || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    try { fatal.decode(b.subarray(i, i + n)); } catch { return i; }
    i += n;
  }
  return i;
}

export type Line = { line: number; text: string } | { line: number; bad: string; raw: string };

/**
 * A file's lines (1-based, CR of CRLF dropped), the UTF-8 BOM skipped; a line that is not UTF-8,
 * holds a NUL byte or is longer than the record limit comes back as `bad` with the reason and a
 * printable rendering of it (never a decoding that replaced bytes with U+FFFD).
 */
export function splitLines(buf: Buffer, at: { line?: number; offset?: number } = {}): Line[] {
  // `at`: where the piece starts in its file (readSourceChunks): its first line's number and byte offset.
  const fileOffset = at.offset ?? 0;
  let start = fileOffset === 0 && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const out: Line[] = [];
  let n = (at.line ?? 1) - 1;
  let whole: string | null = null;
  try { whole = fatal.decode(buf.subarray(start)); } catch { /* line by line below */ }
  if (whole !== null) {
    for (const t of whole.split("\n")) out.push(textLine(++n, t.endsWith("\r") ? t.slice(0, -1) : t));
    if (out.length && (out[out.length - 1] as { text?: string }).text === "") out.pop();
    return out;
  }
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    let slice = buf.subarray(start, end);
    if (slice.length && slice[slice.length - 1] === 0x0d) slice = slice.subarray(0, -1);
    n++;
    try {
      out.push(textLine(n, fatal.decode(slice)));
    } catch {
      const bad = badUtf8At(slice);
      out.push({ line: n, bad: `not UTF-8 at byte ${bad + 1} of the line (byte ${fileOffset + start + bad + 1} of the file)`, raw: slice.toString("latin1").slice(0, 2000) });
    }
    start = end + 1;
  }
  return out;
}

function textLine(line: number, text: string): Line {
  if (text.length > readerLimits.maxRecordBytes) return { line, bad: `record too large: ${text.length} characters (limit ${readerLimits.maxRecordBytes}, ingest.maxRecordBytes)`, raw: text.slice(0, 2000) };
  if (text.includes("\0")) return { line, bad: "a NUL byte in the line", raw: text.replaceAll("\0", "\\0").slice(0, 2000) };
  return { line, text };
}

/**
 * What JSON.parse accepts but the lake must not: a key twice in one object, NUL characters and
 * lone surrogates (escaped, `\u0000`, `\ud800`), strings longer than the field limit. `text` is
 * known to be valid JSON. Returns the first problem with the field's path, or null.
 */
export function jsonProblem(text: string): { field: string | null; reason: string } | null {
  return jsonProblems(text, 1)[0] ?? null;
}

/**
 * `jsonProblem` of a line already parsed to `parsed`, without scanning it when it cannot hold any:
 * no escape at all (so no NUL or surrogate escape, and every `"` delimits a string), no longer than
 * the field limit, and no key written twice. For the last: with no quote followed by whitespace,
 * every key of the text is followed by `":` right away and anything else making `":` is a value
 * starting with a colon, so as many `":` as the parsed value has keys means no key was dropped.
 */
export function parsedJsonProblem(text: string, parsed: unknown): { field: string | null; reason: string } | null {
  if (text.length <= readerLimits.maxFieldChars && text.indexOf("\\") < 0 && !/"[ \t\r]/.test(text) && colonsAfterQuote(text) === keyCount(parsed)) return null;
  return jsonProblem(text);
}

function colonsAfterQuote(text: string): number {
  let n = 0;
  for (let i = text.indexOf('":'); i >= 0; i = text.indexOf('":', i + 2)) n++;
  return n;
}

function keyCount(v: unknown): number {
  if (v === null || typeof v !== "object") return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && typeof x === "object") n += keyCount(x);
    return n;
  }
  for (const k in v) {
    n++;
    const x = (v as Record<string, unknown>)[k];
    if (x !== null && typeof x === "object") n += keyCount(x);
  }
  return n;
}

/** Every problem `jsonProblem` finds (up to `limit`), each with its path (a top-level array's index first). */
export function jsonProblems(text: string, limit = Infinity): { field: string | null; reason: string; path: (string | number)[] }[] {
  const found: { field: string | null; reason: string; path: (string | number)[] }[] = [];
  const report = (reason: string) => { found.push({ field: fieldOf(), reason, path: [...path] }); return found.length >= limit; };
  const keys: (Set<string> | null)[] = [];
  const path: (string | number)[] = [];
  const fieldOf = () => (path.length ? path.join(".") : null);
  let i = 0;
  const len = text.length;
  let nextBs = text.indexOf("\\");
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: jump quote to quote, stopping only at escapes
      let j = i + 1;
      let escaped = false;
      let problem: string | null = null;
      for (;;) {
        const quote = text.indexOf('"', j);
        if (nextBs !== -1 && nextBs < j) nextBs = text.indexOf("\\", j);
        if (nextBs === -1 || nextBs > quote) { j = quote; break; }
        escaped = true;
        j = nextBs;
        if (text.charCodeAt(j + 1) === 0x75) { // \uXXXX
          const code = parseInt(text.slice(j + 2, j + 6), 16);
          if (code === 0) problem ??= "a NUL character (\\u0000)";
          else if (code >= 0xd800 && code <= 0xdbff) {
            const next = text.charCodeAt(j + 6) === 0x5c && text.charCodeAt(j + 7) === 0x75 ? parseInt(text.slice(j + 8, j + 12), 16) : -1;
            if (next >= 0xdc00 && next <= 0xdfff) j += 6;
            else problem ??= `a lone surrogate (\\u${text.slice(j + 2, j + 6)})`;
          } else if (code >= 0xdc00 && code <= 0xdfff) problem ??= `a lone surrogate (\\u${text.slice(j + 2, j + 6)})`;
          j += 6;
        } else j += 2;
        nextBs = text.indexOf("\\", j);
      }
      const start = i + 1;
      i = j + 1;
      let k = i;
      while (k < len && (text.charCodeAt(k) === 0x20 || text.charCodeAt(k) === 0x09 || text.charCodeAt(k) === 0x0d || text.charCodeAt(k) === 0x0a)) k++;
      const isKey = text.charCodeAt(k) === 0x3a && keys.length > 0 && keys[keys.length - 1] !== null;
      if (isKey) {
        const raw = text.slice(start, j);
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        const set = keys[keys.length - 1]!;
        path[path.length - 1] = key;
        if (set.has(key) && report(`duplicate key "${key}" in one JSON object`)) return found;
        set.add(key);
        if (problem && report(`${problem} in a key`)) return found;
      } else {
        if (problem && report(`${problem} in the value`)) return found;
        if (j - start > readerLimits.maxFieldChars && report(`value too large: ${j - start} characters (limit ${readerLimits.maxFieldChars}, ingest.maxFieldChars)`)) return found;
      }
      continue;
    }
    if (c === 0x7b) { keys.push(new Set()); path.push(""); }
    else if (c === 0x5b) { keys.push(null); path.push(0); }
    else if (c === 0x7d || c === 0x5d) { keys.pop(); path.pop(); }
    else if (c === 0x2c && keys.length && keys[keys.length - 1] === null) path[path.length - 1] = (path[path.length - 1] as number) + 1;
    i++;
  }
  return found;
}

/** Quarantine reasons without the offending values: "(got …)" is cut (the record itself stays in the quarantine). */
export function withoutValue(reason: string): string {
  return reason.replace(/ \(got (?!missing\))[\s\S]*?\)(?=( \(\+\d+ more issues?\))?$)/, "");
}

/** Counts of quarantined items by reason, the values left out ("invalid JSON: 2, duplicate key: 1"). */
export function byReason(items: { reason: string }[]): string {
  const counts = new Map<string, number>();
  for (const q of items) {
    // Details in brackets at the end (a conflict's version and file) are left out of the kind.
    const kind = withoutValue(q.reason).replace(/\s*\[[^\]]*\]$/, "").replace(/^[\w.]+: /, "").replace(/ at byte \d+.*$/, "").replace(/"[^"]*"/g, "…").replace(/\d+/g, "N").slice(0, 80);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join("; ");
}
