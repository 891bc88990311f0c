/**
 * Running a job's step: `commsight <step…>` in a child process with the scheduler's --config and
 * --data, so every step is ledgered like a manual run and a crash or leak in one step cannot take the
 * scheduler down. The child gets its own process group: a SIGTERM or Ctrl-C meant for the scheduler
 * does not reach it, so the step finishes (systemd users: KillMode=mixed, see the README). The step
 * joins the job's writer lock with its token (COMMSIGHT_WRITER_TOKEN) and dies with the scheduler
 * (COMMSIGHT_PARENT_PID: it watches that its parent is still this scheduler; see core/lock.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../core/paths.ts";
import { PARENT_PID_ENV, WRITER_TOKEN_ENV } from "../../core/lock.ts";
import type { Job } from "./config.ts";
import type { StepContext, StepRunner } from "./scheduler.ts";

export const COMMSIGHT_BIN = join(projectRoot, "pipelines", "bin", "commsight.mjs");

export function commandRunner(global: { configFile?: string | undefined; dataDir?: string | undefined }, env: NodeJS.ProcessEnv = process.env): StepRunner {
  let child: ChildProcess | null = null;
  const globalArgs = [...(global.configFile ? ["--config", global.configFile] : []), ...(global.dataDir ? ["--data", global.dataDir] : [])];
  return {
    run(job: Job, step: string[], _index: number, ctx: StepContext = {}): Promise<void> {
      return new Promise((resolve, reject) => {
        const c = spawn(process.execPath, [COMMSIGHT_BIN, ...globalArgs, ...step], {
          stdio: ["ignore", "inherit", "inherit"], detached: true, env: {
            ...env, COMMSIGHT_SCHEDULED_JOB: job.name, [PARENT_PID_ENV]: String(process.pid),
            [WRITER_TOKEN_ENV]: ctx.writerToken ?? "", // no token: the step takes the folder itself
          },
        });
        child = c;
        if (c.pid) ctx.spawned?.(c.pid);
        c.on("error", (err) => { child = null; reject(err); });
        c.on("exit", (code, signal) => {
          child = null;
          if (code === 0) resolve();
          else reject(new Error(`commsight ${step.join(" ")} ${signal ? `was killed by ${signal}` : `exited with ${code}`}`));
        });
      });
    },
    kill() {
      if (child?.pid) {
        try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ }
      }
    },
  };
}
