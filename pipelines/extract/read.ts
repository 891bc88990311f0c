/**
 * Reading one source file of the folder extract into the batch (extract/index.ts): pieces of whole
 * lines, each record validated (JSON, the JSON scan, zod), bad lines quarantined one by one; then
 * DuckDB reads the file itself when every line was a good record, or the good lines are handed over
 * as text. Nothing is copied to disk.
 */
import { createHash } from "node:crypto";
import { lstatSync } from "node:fs";
import type { Incoming } from "../lake/commit.ts";
import { parsedJsonProblem, readSourceChunks, splitLines, type Line } from "../lake/quarantine.ts";
import { LINE_HASH } from "./memo.ts";

/**
 * A file's lines hashed as they are read (`hashes`, LINE_HASH bytes each); those whose hash is the
 * one `old` holds at their place are not read again (`kept`: how many records they hold, and their
 * numbers). `whole`: every line was hashed (false when the file was refused part way).
 */
export type LineDiff = { old: Buffer | undefined; hashes: Buffer[]; kept: { read: number; lines: Set<number> }; whole: boolean };

function unchangedLine(diff: LineDiff, l: Line): boolean {
  const h = createHash("sha1").update("bad" in l ? `b${l.raw}` : `t${l.text}`).digest().subarray(0, LINE_HASH);
  diff.hashes.push(h);
  const at = (l.line - 1) * LINE_HASH;
  if (!diff.old || at + LINE_HASH > diff.old.length || diff.old.compare(h, 0, LINE_HASH, at, at + LINE_HASH) !== 0) return false;
  if ("bad" in l || l.text.trim()) {
    diff.kept.read++;
    diff.kept.lines.add(l.line);
  }
  return true;
}

/**
 * One file's records into the batch, bad lines quarantined one by one; the number of records (good
 * or bad) it held. The file is read in pieces of whole lines (never whole in memory) and each
 * record validated; then, when every line was a good record (no blank or bad line, no BOM, no
 * unknown field, none kept from the last read), DuckDB reads the file itself; otherwise its good
 * lines are read again and handed over as text. Either way nothing is copied to disk, and a file
 * that changes in between is an error (what DuckDB reads is what was validated).
 */
export async function readFile(incoming: Incoming, entity: string, file: string, rel: string, diff?: LineDiff): Promise<number> {
  const stamp = fileStamp(file);
  const good: { lines: number[]; seqs: number[]; extras: Map<number, string> } = { lines: [], seqs: [], extras: new Map() };
  let records = 0;
  let line = 1;
  let whole = true;
  let refused = false;
  for (const piece of readSourceChunks(file)) {
    if ("refused" in piece) {
      incoming.refuse(entity, { file: rel, line: 0, text: "" }, piece.refused);
      if (diff) diff.whole = false;
      records++;
      refused = true;
      break;
    }
    if (piece.offset === 0 && piece.buf[0] === 0xef && piece.buf[1] === 0xbb && piece.buf[2] === 0xbf) whole = false;
    const lines = splitLines(piece.buf, { line, offset: piece.offset });
    line += lines.length;
    const r = readLines(incoming, entity, rel, diff ? lines.filter((l) => !unchangedLine(diff, l)) : lines, good);
    records += r.records;
    if (!r.whole) whole = false;
  }
  if (!good.lines.length) return records;
  const n = good.lines.length;
  if (whole && !refused && !diff?.kept.lines.size && good.seqs[n - 1]! - good.seqs[0]! === n - 1 && good.lines[n - 1] === n) {
    await incoming.readWhole(entity, file, rel, good.seqs[0]!, n);
  } else {
    await takeGoodLines(incoming, entity, file, rel, good);
  }
  if (fileStamp(file) !== stamp) throw new Error(`${rel}: the file changed while it was read; run the extract again`);
  return records;
}

const fileStamp = (file: string) => {
  const st = lstatSync(file, { bigint: true });
  return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
};

/** The lines `readLines` found good, read again and handed over as text, piece by piece. */
async function takeGoodLines(incoming: Incoming, entity: string, file: string, rel: string, good: { lines: number[]; seqs: number[]; extras: Map<number, string> }): Promise<void> {
  let next = 0;
  let line = 1;
  for (const piece of readSourceChunks(file)) {
    if ("refused" in piece) throw new Error(`${rel}: could not be read again: ${piece.refused}`);
    const lines = splitLines(piece.buf, { line, offset: piece.offset });
    line += lines.length;
    for (const l of lines) {
      if (next >= good.lines.length) break;
      if (l.line !== good.lines[next]) continue;
      if ("bad" in l) throw new Error(`${rel}: line ${l.line} changed while the file was read`);
      incoming.take(entity, l.text, { file: rel, line: l.line }, good.seqs[next]!, good.extras.get(l.line) ?? null);
      next++;
    }
    await incoming.drain();
    if (next >= good.lines.length) break;
  }
  if (next < good.lines.length) throw new Error(`${rel}: the file changed while it was read; run the extract again`);
}

function readLines(
  incoming: Incoming, entity: string, rel: string, lines: Line[], good: { lines: number[]; seqs: number[]; extras: Map<number, string> },
): { records: number; whole: boolean } {
  let records = 0;
  let whole = true;
  for (const l of lines) {
    if ("bad" in l) {
      records++;
      whole = false;
      incoming.refuse(entity, { file: rel, line: l.line, text: l.raw }, l.bad);
      continue;
    }
    if (!l.text.trim()) {
      whole = false;
      continue;
    }
    records++;
    const at = { file: rel, line: l.line, text: l.text };
    let record: unknown;
    try {
      record = JSON.parse(l.text);
    } catch (err) {
      whole = false;
      incoming.refuse(entity, at, `invalid JSON: ${jsonError(err)}`);
      continue;
    }
    const p = parsedJsonProblem(l.text, record);
    if (p) {
      whole = false;
      incoming.refuse(entity, at, `${p.field ?? "record"}: ${p.reason}`, p.field);
      continue;
    }
    const ok = incoming.check(entity, record, at);
    if (!ok) {
      whole = false;
      continue;
    }
    good.lines.push(l.line);
    good.seqs.push(ok.seq);
    if (ok.extra !== null) {
      whole = false;
      good.extras.set(l.line, ok.extra);
    }
  }
  return { records, whole };
}

/** JSON.parse's message without the excerpt of the input it quotes (a value must not reach a log line). */
export function jsonError(err: unknown): string {
  return (err as Error).message.replace(/"(?:[^"\\]|\\.)*"/g, "…").replace(/'[^']{2,}'/g, "…");
}
