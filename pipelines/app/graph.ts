/**
 * One graph of stages, derived from the catalog (as Dagster derives a job from software-defined
 * assets): a stage produces the datasets the catalog says it produces, and depends on the stages that
 * produce what it reads. A selection names stages or datasets (`raw.*`, `marts.churn_risk`), with
 * `x+` for x and everything downstream, `+x` for x and everything upstream, and `-x` to leave x out;
 * what must run follows, in dependency order. `commsight run`, `demo` and the scheduler's jobs all
 * resolve their stages here.
 */
import { catalog, STAGES, type Dataset, type Stage } from "../catalog/datasets.ts";

export type StageNode = {
  name: Stage;
  /**
   * The command line that runs it (`commsight <argv…>`): what a scheduled job's step runs. Always
   * `run --select <stage>`, the path `run` and `demo` take too, so a scheduled night skips a stage
   * whose inputs did not change (freshness.ts) exactly as `run` does.
   */
  argv: string[];
  description: string;
  produces: string[];
  reads: string[];
  /** Stages it runs after (those producing what it reads, and explicit orderings). */
  after: Stage[];
};

/** Per stage: its own CLI command (what `commsight <command>` runs by hand, always), description, explicit orderings. */
const META: Record<Stage, { command: string[]; description: string; after?: Stage[] }> = {
  extract: { command: ["extract"], description: "land new and changed records from every configured source into the raw lake (merge by key)" },
  enrich: { command: ["enrich"], description: "redact PII, then sentiment, topics, conversation metrics and terms for texts" },
  // Retention reads what it may delete; the marts are built on the lake it leaves.
  retention: { command: ["retention"], description: "delete raw and enriched day partitions past their purpose's retention period" },
  transform: { command: ["transform"], description: "build the SQL marts (contracts and data tests) and the warehouse", after: ["retention"] },
  "train-churn": { command: ["train", "churn"], description: "retrain the churn model when it beats the serving one; score every contact" },
  "train-forecast": { command: ["train", "forecast"], description: "retrain the volume forecast; forecast, intervals and staffing plan" },
  "train-opportunity": { command: ["train", "opportunity"], description: "retrain the sales-opportunity model when it beats the serving one; score every engaged contact" },
  outreach: { command: ["outreach"], description: "the week's outreach list (churn risk, likely buyers, recent buyers) within capacity, its CSV, and the outcomes of earlier lists" },
  report: { command: ["report"], description: "render the leadership report and the staffing plan (and e-mail subscribers)" },
  alerts: { command: ["alerts", "run"], description: "evaluate the alert rules and send their actions" },
};

export class SelectionError extends Error {}

function stageReads(stage: Stage, datasets: Dataset[]): string[] {
  if (stage === "retention") return datasets.filter((d) => (d.zone === "raw" || d.zone === "enriched") && d.partitionBy === "date").map((d) => d.id);
  const mine = datasets.filter((d) => d.producer === stage);
  return [...new Set(mine.flatMap((d) => d.inputs))].filter((i) => !mine.some((d) => d.id === i)).sort();
}

export function stageGraph(): Map<Stage, StageNode> {
  const datasets = catalog().datasets;
  const producerOf = new Map(datasets.map((d) => [d.id, d.producer]));
  const graph = new Map<Stage, StageNode>();
  for (const name of STAGES) {
    const reads = stageReads(name, datasets);
    const after = new Set<Stage>(META[name].after ?? []);
    for (const r of reads) {
      const p = producerOf.get(r);
      if (p && p !== name) after.add(p);
    }
    graph.set(name, {
      name, argv: ["run", "--select", name], description: META[name].description,
      produces: datasets.filter((d) => d.producer === name).map((d) => d.id), reads, after: [...after],
    });
  }
  order(graph, [...graph.keys()]); // a cycle is a declaration error: fail here, not mid-run
  return graph;
}

/** Stages in dependency order (ties in the catalog's stage order). */
function order(graph: Map<Stage, StageNode>, stages: Stage[]): Stage[] {
  const want = new Set(stages);
  const out: Stage[] = [];
  const state = new Map<Stage, "visiting" | "done">();
  const visit = (s: Stage, path: Stage[]) => {
    if (state.get(s) === "done") return;
    if (state.get(s) === "visiting") throw new SelectionError(`the stage graph has a cycle: ${[...path, s].join(" → ")}`);
    state.set(s, "visiting");
    for (const a of graph.get(s)!.after) visit(a, [...path, s]);
    state.set(s, "done");
    if (want.has(s)) out.push(s);
  };
  for (const s of STAGES) visit(s, []);
  return out;
}

function closure(graph: Map<Stage, StageNode>, start: Stage, dir: "up" | "down"): Stage[] {
  const out = new Set<Stage>();
  const queue = [start];
  while (queue.length) {
    const s = queue.shift()!;
    const next = dir === "up" ? graph.get(s)!.after : [...graph.values()].filter((n) => n.after.includes(s)).map((n) => n.name);
    for (const n of next) if (!out.has(n)) { out.add(n); queue.push(n); }
  }
  return [...out];
}

const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

/** The stages one selection token names (before + and -): a stage, or the producers of the datasets it matches. */
function named(token: string): Stage[] {
  if ((STAGES as readonly string[]).includes(token)) return [token as Stage];
  const re = glob(token);
  const hits = catalog().datasets.filter((d) => re.test(d.id));
  if (!hits.length) {
    throw new SelectionError(`"${token}" is no stage (${STAGES.join(", ")}) and matches no dataset in the catalog (e.g. raw.calls, enriched.*, marts.churn_risk; see docs/marts.md)`);
  }
  return [...new Set(hits.map((d) => d.producer))];
}

/** Resolve a selection to the stages to run, in order. Unknown names are errors naming them. */
export function resolveSelection(tokens: string[], graph = stageGraph()): Stage[] {
  const chosen = new Set<Stage>();
  const excluded = new Set<Stage>();
  for (const raw of tokens) {
    const t = raw.trim();
    if (!t) continue;
    if (t.startsWith("-")) {
      for (const s of named(t.slice(1))) excluded.add(s);
      continue;
    }
    const up = t.startsWith("+");
    const down = t.endsWith("+");
    for (const s of named(t.replace(/^\+|\+$/g, ""))) {
      chosen.add(s);
      if (up) for (const u of closure(graph, s, "up")) chosen.add(u);
      if (down) for (const d of closure(graph, s, "down")) chosen.add(d);
    }
  }
  return order(graph, [...chosen].filter((s) => !excluded.has(s)));
}

/** The scheduler's steps for a selection: one `commsight …` command line per stage. */
export function selectionSteps(tokens: string[]): string[][] {
  const graph = stageGraph();
  return resolveSelection(tokens, graph).map((s) => graph.get(s)!.argv);
}

/** The stage a command line runs, if it is one of the graph's (for `schedule --list`). */
export function stageOfStep(step: string[]): Stage | null {
  if (step[0] === "run" && step[1] === "--select" && step.length === 3 && (STAGES as readonly string[]).includes(step[2]!)) return step[2] as Stage;
  for (const [name, m] of Object.entries(META)) if (m.command.every((a, i) => step[i] === a)) return name as Stage;
  return null;
}

/** Everything: the selection `run` uses by default. */
export const ALL = ["extract+"];
