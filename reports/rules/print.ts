/** What `commsight alerts run` and `alerts list` print for people (stdout). */
import type { Config } from "../../pipelines/core/config.ts";
import { ActionLedger } from "../actions/ledger.ts";
import { AlertJournal } from "./journal.ts";
import { statePaths, type AlertsResult } from "./run.ts";

const say = (line: string) => process.stdout.write(line + "\n");

export function printAlertsRun(r: AlertsResult, dryRun: boolean): void {
  say(`evaluated ${r.evaluated.length} rules as of ${r.asOf} (${r.rulesFile})${dryRun ? " — dry run, nothing recorded or sent" : ""}`);
  for (const e of r.evaluated) {
    const what = e.skipped ? `skipped: ${e.skipped}` : e.conditions.length ? `${e.conditions.length} holding` : "quiet";
    say(`  ${e.ruleId.padEnd(22)} ${what}`);
    if (dryRun) for (const c of e.conditions.slice(0, 5)) say(`      ${c.title}`);
  }
  for (const a of r.fired) say(`  fired   [${a.severity}] ${a.title}`);
  for (const c of r.cleared) say(`  cleared ${c.ruleId} ${c.condition}`);
  if (r.suppressed.length) say(`  ${r.suppressed.length} condition(s) still cooling down`);
  for (const o of r.outcomes.filter((x) => x.status !== "skipped")) say(`  action  ${o.destination.padEnd(16)} ${o.status.padEnd(8)} ${o.detail}`);
}

export function printAlertList(config: Config, limit: number, json: boolean): void {
  const state = statePaths(config);
  const fired = new AlertJournal(state.alerts).entries().filter((e) => e.type === "fired").slice(-limit).reverse();
  const actions = new ActionLedger(state.actions).states();
  const list = fired.map((f) => f.type === "fired" ? {
    firedAt: f.at, severity: f.alert.severity, rule: f.ruleId, title: f.alert.title, key: f.alert.key,
    actions: f.actions.map((name) => ({ destination: name, ...(actions.get(`${f.alert.key}|${name}`) ?? { status: "pending" }) })),
  } : null).filter((x) => x !== null);
  const doubtful = [...actions.values()].filter((a) => a.status === "in-doubt");
  if (json) {
    say(JSON.stringify({ alerts: list, inDoubt: doubtful }, null, 2));
    return;
  }
  if (list.length === 0) say(`no alerts recorded yet (${state.alerts})`);
  for (const a of list) {
    say(`${a.firedAt}  [${a.severity}] ${a.title}`);
    for (const x of a.actions) say(`    → ${x.destination.padEnd(16)} ${x.status}${"detail" in x && x.detail ? `  ${x.detail}` : ""}`);
  }
  if (doubtful.length) {
    say(`\n${doubtful.length} action(s) in doubt (the process stopped mid-send; check the destination by hand):`);
    for (const d of doubtful) say(`  ${d.lastAt}  ${d.destination}  ${d.title}`);
  }
}
