/**
 * readSourceChunks reads a source file in pieces of whole lines; split piece by piece (splitLines
 * with each piece's first line and byte offset) it must give exactly the lines of the whole file:
 * the BOM skipped once, CRLF, empty lines, a line that is not UTF-8 (with its byte offset in the
 * file), multi-byte characters, a line longer than a piece, no newline at the end.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSourceChunks, splitLines, type Line } from "../../pipelines/lake/quarantine.ts";
import { tmpDir } from "../helpers/records.ts";

function pieces(file: string, chunk: number): Line[] {
  const out: Line[] = [];
  let line = 1;
  for (const p of readSourceChunks(file, chunk)) {
    if ("refused" in p) throw new Error(p.refused);
    const lines = splitLines(p.buf, { line, offset: p.offset });
    line += lines.length;
    out.push(...lines);
  }
  return out;
}

describe("reading a source file in pieces", () => {
  it("gives the lines of the whole file, whatever the piece size", () => {
    const dir = tmpDir("chunks-");
    const file = join(dir, "a.ndjson");
    const parts = [
      Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\r\n'), Buffer.from("\n"), Buffer.from('{"b":"héllo – ünïcode ✓"}\n'),
      Buffer.from('{"c":"'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('"}\n'), Buffer.from(`{"long":"${"x".repeat(300)}"}\n`), Buffer.from('{"last":true}'),
    ];
    writeFileSync(file, Buffer.concat(parts));
    const whole = splitLines(readFileSync(file));
    expect(whole.length).toBe(6);
    expect(whole.find((l) => "bad" in l)).toMatchObject({ line: 4, bad: expect.stringMatching(/byte 7 of the line \(byte \d+ of the file\)/) });
    for (const chunk of [1, 2, 5, 7, 16, 64, 1 << 20]) expect(pieces(file, chunk), `pieces of ${chunk} bytes`).toEqual(whole);
  });

  it("refuses a file that is not UTF-8 text from its first bytes, once", () => {
    const dir = tmpDir("chunks-");
    const file = join(dir, "z.ndjson");
    writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(100, 0x0a)]));
    expect([...readSourceChunks(file, 8)]).toEqual([{ refused: "gzip-compressed: decompress the file first" }]);
    expect([...readSourceChunks(join(dir, "missing.ndjson"))]).toEqual([{ refused: "cannot open: ENOENT" }]);
  });
});
