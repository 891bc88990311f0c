/**
 * vitest globalSetup: at the end of the run, the shared demo (test/setup/sharedDemo.ts) is checked and
 * removed. A file that wrote into it fails the run here, naming what changed (the consumers must only read
 * it; a writer works on copyOfSharedDemo()). COMMSIGHT_KEEP_SHARED_DEMO=1 keeps the folder for a look.
 */
import { buildFiles, changedSinceBuild, ENV, exitCode, OWNER, removeBuild } from "./demoBuild.ts";

export default function setup(): () => void {
  return () => {
    const dir = process.env[ENV];
    if (!dir || process.env[OWNER] !== String(process.pid)) return; // not started by this run's sequencer
    try {
      if (exitCode(dir) === 0) {
        const changed = changedSinceBuild(dir);
        if (changed.length) {
          throw new Error(`a test file wrote into the shared demo ${buildFiles(dir).data} (read-only; use copyOfSharedDemo()):\n  ${changed.slice(0, 20).join("\n  ")}${changed.length > 20 ? `\n  … ${changed.length - 20} more` : ""}`);
        }
      }
    } finally {
      if (!process.env.COMMSIGHT_KEEP_SHARED_DEMO) removeBuild(dir);
      delete process.env[ENV];
      delete process.env[OWNER];
    }
  };
}
