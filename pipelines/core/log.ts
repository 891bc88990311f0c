/** Structured logs (pino) to stderr; stdout is kept for what a command prints for people. */
import { pino } from "pino";

export const log = pino(
  { level: process.env.COMMSIGHT_LOG_LEVEL ?? "info", base: undefined },
  pino.destination({ dest: 2, sync: true }),
);
