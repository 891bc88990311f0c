/**
 * What a run builds and how: the models of a selection (plus everything upstream), how each is
 * held in the run's DuckDB (a view or a table), and after which model each table can be dropped.
 */
import { select, type Model } from "../catalog/project.ts";

/** The models a run builds: the selection plus everything upstream of it (rebuilt in memory). */
export function plan(all: Model[], selector?: string): { plan: Model[]; chosen: Set<string> } {
  const chosen = new Set(select(all, selector).map((m) => m.name));
  const needed = new Set<string>();
  const addUp = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const r of all.find((m) => m.name === name)!.refs) addUp(r);
  };
  for (const n of chosen) addUp(n);
  return { plan: all.filter((m) => needed.has(m.name)), chosen };
}

/** What a model reads in the run: its refs, and the models its relationships tests look up. */
function reads(m: Model): string[] {
  const to = (m.contract?.columns ?? []).flatMap((c) => c.tests.flatMap((t) => (typeof t === "object" && "relationships" in t ? [t.relationships.to] : [])));
  return [...new Set([...m.refs, ...to])];
}

/**
 * How each model is held during the run. A staging model is a view, except one read more than
 * once in the run (by two or more models, or by a model and its own data tests): that one is built
 * once as a table, so its time-zone conversions and pseudonyms are not recomputed by every scan.
 * A relationships test counts as a read by the model it tests.
 */
export function relationKinds(models: Model[]): Map<string, "VIEW" | "TABLE"> {
  const readers = new Map<string, number>();
  for (const m of models) for (const r of reads(m)) readers.set(r, (readers.get(r) ?? 0) + 1);
  return new Map(models.map((m) => {
    if (m.materialized !== "view") return [m.name, "TABLE"];
    const reads = (readers.get(m.name) ?? 0) + (m.contract ? 1 : 0);
    return [m.name, reads > 1 ? "TABLE" : "VIEW"];
  }));
}

/** The models each position in the plan is the last reader of (a model nothing reads: its own position). */
export function lastConsumers(models: Model[], kinds: Map<string, "VIEW" | "TABLE">): Map<number, string[]> {
  const last = new Map<string, number>(models.map((m, i) => [m.name, i]));
  for (const [i, m] of models.entries()) for (const r of reads(m)) if (last.has(r)) last.set(r, Math.max(last.get(r)!, i));
  // A view is read through: what it reads must live as long as whatever reads the view.
  for (let i = models.length - 1; i >= 0; i--) {
    const m = models[i]!;
    if (kinds.get(m.name) === "VIEW") for (const r of m.refs) last.set(r, Math.max(last.get(r)!, last.get(m.name)!));
  }
  const out = new Map<number, string[]>();
  for (const [name, i] of last) out.set(i, [...(out.get(i) ?? []), name]);
  return out;
}
