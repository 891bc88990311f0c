/**
 * OpenPhone/Quo webhook signatures (the `openphone-signature` header): `hmac;1;<timestamp ms>;<digest>`,
 * the digest being base64 HMAC-SHA256 over `<timestamp>.<raw body>` keyed with the base64-decoded
 * signing key the webhook was created with. Survey tools post with the same scheme.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type Verdict = { ok: true; timestampMs: number } | { ok: false; status: 400 | 401; reason: string };

export function sign(keyBase64: string, timestampMs: number, body: string | Buffer): string {
  const digest = createHmac("sha256", Buffer.from(keyBase64, "base64")).update(`${timestampMs}.`).update(body).digest("base64");
  return `hmac;1;${timestampMs};${digest}`;
}

/**
 * A bad or missing signature is 401. A valid signature outside the tolerance window is 400 (not
 * 401: the sender is who it says, but a request signed that long ago is refused as a possible
 * replay of a captured delivery; the vendor re-signs every retry, so a genuine retry still passes).
 */
export function verify(header: string | undefined, keyBase64: string, body: Buffer, nowMs: number, toleranceMs: number): Verdict {
  if (!header) return { ok: false, status: 401, reason: "missing signature header" };
  const [scheme, version, ts, digest, ...rest] = header.split(";");
  if (scheme !== "hmac" || version !== "1" || !ts || !/^\d+$/.test(ts) || !digest || rest.length) {
    return { ok: false, status: 401, reason: "malformed signature header (expected hmac;1;<timestamp>;<digest>)" };
  }
  const expected = Buffer.from(sign(keyBase64, Number(ts), body).split(";")[3]!, "base64");
  const given = Buffer.from(digest, "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 401, reason: "signature does not match" };
  const age = nowMs - Number(ts);
  if (Math.abs(age) > toleranceMs) {
    return { ok: false, status: 400, reason: `signature timestamp is ${Math.round(age / 1000)} s from now, outside ±${toleranceMs / 1000} s: refused as a possible replay` };
  }
  return { ok: true, timestampMs: Number(ts) };
}
