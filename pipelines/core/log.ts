/**
 * Structured logs (pino) to stderr; stdout is kept for what a command prints for people.
 * On a terminal the lines are pretty-printed (pino-pretty); elsewhere they stay JSON for machines.
 */
import { pino } from "pino";
import pretty from "pino-pretty";

const level = process.env.COMMSIGHT_LOG_LEVEL ?? "info";

export const log = process.stderr.isTTY
  ? pino({ level, base: undefined }, pretty({ destination: 2, sync: true, ignore: "pid,hostname", translateTime: "HH:MM:ss" }))
  : pino({ level, base: undefined }, pino.destination({ dest: 2, sync: true }));
