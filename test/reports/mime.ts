/**
 * Just enough MIME to check what the SMTP server received: the top-level headers and each part of a
 * multipart message with its headers and decoded body (base64 or quoted-printable as nodemailer writes them).
 */
export type MimePart = { headers: Record<string, string>; body: Buffer };

function headersOf(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function decode(body: string, encoding: string | undefined): Buffer {
  if (encoding?.toLowerCase() === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64");
  if (encoding?.toLowerCase() === "quoted-printable") {
    return Buffer.from(body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1");
  }
  return Buffer.from(body, "latin1");
}

export function parseMime(raw: string): { headers: Record<string, string>; parts: MimePart[] } {
  const split = raw.indexOf("\r\n\r\n");
  const headers = headersOf(raw.slice(0, split));
  const boundary = /boundary="?([^";]+)"?/.exec(headers["content-type"] ?? "")?.[1];
  const body = raw.slice(split + 4);
  if (!boundary) return { headers, parts: [{ headers, body: decode(body, headers["content-transfer-encoding"]) }] };
  const parts = body.split(`--${boundary}`).slice(1).filter((p) => !p.startsWith("--")).map((p) => {
    const s = p.replace(/^\r\n/, "");
    const at = s.indexOf("\r\n\r\n");
    const h = headersOf(s.slice(0, at));
    return { headers: h, body: decode(s.slice(at + 4).replace(/\r\n$/, ""), h["content-transfer-encoding"]) };
  });
  return { headers, parts };
}

/** Decode RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=) in a header value. */
export function decodeHeader(v: string): string {
  return v.replace(/\?=\s+=\?/g, "?==?").replace(/=\?([^?]+)\?([QBqb])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, text: string) =>
    enc.toUpperCase() === "B"
      ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"));
}
