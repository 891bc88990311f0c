/**
 * Logs (pino) to stderr; stdout is kept for what a command prints for people.
 *
 * - `text` (the default, on a terminal or not): `10:12:26 WARN  openphone: retrying request=GET /v1/calls attempt=2`
 *   (local time, numbers rounded to 4 significant digits, coloured on a terminal unless NO_COLOR).
 * - `json` (`--log-format json`, COMMSIGHT_LOG_FORMAT=json): one JSON object a line with an ISO time, for log shippers.
 * Level: `--log-level` / COMMSIGHT_LOG_LEVEL (default info; `--quiet` means warn). Lines are written
 * around the progress bars (core/progress.ts), never into them.
 */
import { pino } from "pino";
import { writeAround } from "./progress.ts";

export type LogFormat = "text" | "json";
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let format: LogFormat = process.env.COMMSIGHT_LOG_FORMAT === "json" ? "json" : "text";

const LEVEL_NAMES: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const COLOURS: Record<number, string> = { 10: "90", 20: "90", 30: "36", 40: "33", 50: "31", 60: "31" };

function round(v: unknown): unknown {
  if (typeof v === "number" && !Number.isInteger(v)) return Number(v.toPrecision(4));
  if (Array.isArray(v)) return v.map(round);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]));
  return v;
}

function value(v: unknown): string {
  const r = round(v);
  if (typeof r === "string") return /[\s="]/.test(r) || r === "" ? JSON.stringify(r) : r;
  return JSON.stringify(r);
}

/** A pino JSON line as one line of text. */
export function textLine(json: string, colour = false): string {
  let o: Record<string, unknown>;
  try { o = JSON.parse(json); } catch { return json; }
  const { level, time, msg, ...rest } = o as { level: number; time: string | number; msg?: string } & Record<string, unknown>;
  const d = new Date(time);
  const hhmmss = Number.isNaN(d.getTime()) ? "" : `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:${String(d.getSeconds()).padStart(2, "0")}`;
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const lvl = colour ? `\x1b[${COLOURS[level] ?? "0"}m${name}\x1b[0m` : name;
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${value(v)}`).join(" ");
  return `${hhmmss} ${lvl} ${msg ?? ""}${fields ? " " + fields : ""}\n`;
}

const sink = {
  write(line: string) {
    if (format === "json") writeAround("stderr", line);
    else writeAround("stderr", textLine(line, Boolean(process.stderr.isTTY) && !process.env.NO_COLOR));
  },
};

export const log = pino({ level: envLevel() ?? "info", base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, sink);

function envLevel(): LogLevel | undefined {
  const l = process.env.COMMSIGHT_LOG_LEVEL;
  return l && (LOG_LEVELS as readonly string[]).includes(l) ? (l as LogLevel) : undefined;
}

/** Set by the CLI from --log-level, --log-format, --quiet (and the environment variables). */
export function configureLog(opts: { level?: LogLevel; format?: LogFormat; quiet?: boolean }): void {
  const f = opts.format ?? (process.env.COMMSIGHT_LOG_FORMAT as LogFormat | undefined);
  format = f === "json" ? "json" : "text";
  log.level = opts.level ?? envLevel() ?? (opts.quiet ? "warn" : "info");
}
