#!/usr/bin/env node
// The `commsight` command: runs the TypeScript CLI through tsx (no build step).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../app/cli.ts");
process.exitCode = await main(process.argv);
// Benchmarks ask for the process's peak memory (kilobytes, as getrusage reports it).
if (process.env.COMMSIGHT_REPORT_RSS) process.stderr.write(`commsight-max-rss-kb ${process.resourceUsage().maxRSS}\n`);
