/**
 * Progress people can read, on a terminal and in a log file alike.
 *
 * - On a terminal (stderr a TTY, not --quiet): live bars at the bottom (cli-progress MultiBar), one per
 *   stage (elapsed time) and one per unit of work (file, month, model, report: n of N with ETA).
 * - Everywhere (unless --quiet): one status line per finished unit, as dbt prints its models:
 *   `transform  12 of 48 OK   mart kpi_weekly ...................... 1,234 rows [0.31s]`.
 * - Log lines and the commands' own lines are written *around* the bars (`writeAround`), never into them.
 */
import cliProgress from "cli-progress";

type Settings = { quiet: boolean; bars: boolean };
const settings: Settings = { quiet: false, bars: Boolean(process.stderr.isTTY) };

/** Set by the CLI from --quiet (no bars, no status lines) and whether stderr is a terminal. */
export function configureProgress(s: Partial<Settings>): void {
  Object.assign(settings, s);
}
export const progressSettings = (): Readonly<Settings> => settings;

let multi: cliProgress.MultiBar | null = null;
let open = 0;

function bars(): cliProgress.MultiBar {
  multi ??= new cliProgress.MultiBar({
    stream: process.stderr, hideCursor: true, clearOnComplete: true, stopOnComplete: false, barsize: 24, fps: 5,
    format: "{label} [{bar}] {value}/{total} {unit} | {duration_formatted} elapsed, ETA {eta_formatted} {item}",
  }, cliProgress.Presets.shades_classic);
  open++;
  return multi;
}

function release(): void {
  open = Math.max(0, open - 1);
  if (open === 0 && multi) {
    multi.stop();
    multi = null;
  }
}

/**
 * Write text (whole lines) to stdout or stderr without breaking the bars: while bars are drawn on the
 * terminal, lines bound for the same terminal are printed above them.
 */
export function writeAround(stream: "stdout" | "stderr", text: string): void {
  const sameTerminal = stream === "stderr" || Boolean(process.stdout.isTTY);
  if (multi && sameTerminal) multi.log(text.endsWith("\n") ? text : text + "\n");
  else process[stream].write(text);
}

/** A line for people (a command's result): stdout, around the bars. */
export function say(line: string): void {
  writeAround("stdout", line + "\n");
}

const fmt = (n: number) => n.toLocaleString("en-US");

type Bar = { update(done: number, total: number, item?: string): void; stop(): void };
const NO_BAR: Bar = { update: () => {}, stop: () => {} };

/**
 * A progress bar with ETA on a terminal; elsewhere (a log file, CI) a status line at each quarter, so
 * a long step is never silent: `train churn  50% (13 of 26) [12.3s]`.
 */
export function progressBar(label: string, unit = ""): Bar {
  if (settings.quiet) return NO_BAR;
  if (settings.bars) return ttyBar(label, unit);
  const t0 = performance.now();
  let quarter = 0;
  return {
    update(done: number, total: number) {
      const q = total > 0 ? Math.floor((4 * done) / total) : 0;
      if (q <= quarter) return;
      quarter = q;
      say(`${label.padEnd(10)} ${String(q * 25).padStart(3)}% (${fmt(done)} of ${fmt(total)}${unit ? " " + unit : ""}) [${((performance.now() - t0) / 1000).toFixed(1)}s]`);
    },
    stop() {},
  };
}

/** The live bar (a terminal only). */
function ttyBar(label: string, unit: string): Bar {
  if (!settings.bars || settings.quiet) return NO_BAR;
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(done: number, total: number, item = "") {
      if (!bar) bar = bars().create(total, 0, { label, unit, item });
      bar.setTotal(total);
      bar.update(done, { item });
    },
    stop() {
      if (!bar) return;
      multi?.remove(bar);
      bar = null;
      release();
    },
  };
}

export type UnitResult = { rows?: number; seconds?: number; status?: "OK" | "SKIP" | "WARN" | "FAIL"; note?: string };

/**
 * The units of work of one stage: `done` prints the dbt-style status line and moves the bar.
 * `unit` names what is counted on the bar (model, month, file, report); `name` what the line shows
 * ("mart kpi_weekly", "month 2026-10").
 */
export function steps(stage: string, total: number, unit: string) {
  const bar = ttyBar(stage, `${unit}s`);
  let i = 0;
  const width = String(total).length;
  return {
    start(name: string) {
      bar.update(i, total, name);
    },
    done(name: string, r: UnitResult = {}) {
      i++;
      bar.update(i, total, name);
      if (settings.quiet) return;
      const head = `${stage.padEnd(10)} ${String(i).padStart(width)} of ${total} ${(r.status ?? "OK").padEnd(4)} ${name} `;
      const tail = [r.rows !== undefined ? `${fmt(r.rows)} rows` : "", r.note ?? "", r.seconds !== undefined ? `[${r.seconds.toFixed(2)}s]` : ""].filter(Boolean).join(" ");
      say(`${head}${".".repeat(Math.max(3, 72 - head.length - tail.length))} ${tail}`);
    },
    stop() {
      bar.stop();
    },
  };
}

/** A stage under way: an elapsed-time bar on a terminal while it runs; elsewhere a line when it starts. */
export function stageProgress(stage: string): { stop(): void } {
  if (settings.quiet) return { stop: () => {} };
  if (!settings.bars) {
    say(`${stage.padEnd(10)} running…`);
    return { stop: () => {} };
  }
  const bar = bars().create(1, 0, { label: stage, unit: "stage", item: "" }, { format: "{label} running… {duration_formatted}" });
  return {
    stop() {
      multi?.remove(bar);
      release();
    },
  };
}

/** Take every bar down (the CLI calls it when a command ends, whether it succeeded or not). */
export function stopProgress(): void {
  if (multi) multi.stop();
  multi = null;
  open = 0;
}
