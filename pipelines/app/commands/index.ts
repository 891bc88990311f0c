/**
 * The registry of commands: each file under commands/ registers its own subcommands, so a new
 * command is a new file plus one line here.
 */
import type { Command } from "commander";
import * as pipeline from "./pipeline.ts";
import * as status from "./status.ts";
import * as text from "./text.ts";
import * as models from "./models.ts";
import * as ingest from "./ingest.ts";
import * as reports from "./reports.ts";
import * as catalogCmd from "./catalog.ts";
import * as sql from "./sql.ts";

export const COMMANDS: { register(program: Command): void }[] = [pipeline, status, ingest, models, text, reports, catalogCmd, sql];
