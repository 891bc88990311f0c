/**
 * The lake's locking is the data folder's writer lock (pipelines/core/lock.ts), taken by withLake and,
 * for whole commands, by the CLI. This module only keeps the landing zone's pid check.
 */
export { pidAlive as alive } from "../core/lock.ts";
