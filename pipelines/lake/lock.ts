/**
 * One incremental extract at a time per data directory: two merges of the same partitions would
 * each rewrite them from the same old rows and one would lose the other's records. The lock file
 * holds the owner's pid; a lock left by a dead process (a crash, a SIGKILL) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export class LockBusy extends Error {}

export function acquireLock(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(readFileSync(path, "utf8").trim());
      if (owner && owner !== process.pid && alive(owner)) {
        throw new LockBusy(`another extract (pid ${owner}) holds ${path}; wait for it to finish`);
      }
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new LockBusy(`could not take ${path}`);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
