/**
 * Section: first-contact resolution, from the metrics layer. A case counts only once its repeat window has
 * closed (its first contact is older than the window), by the day it opened, so a young month is not biased
 * toward single-contact cases. A month whose last days are still inside the window is shown for the days that
 * have closed, against the same days of the month before (like for like), and the section says so.
 */
import { renderChart } from "../../render/svg.ts";
import { addDays } from "../../shared/dates.ts";
import { fmtCount, fmtLabel, fmtMonth, fmtRange, fmtRatio } from "../../shared/format.ts";
import { beyondNoise, definition, readRange, type Reading } from "../../shared/metrics.ts";
import { periodContaining } from "../../shared/period.ts";
import { suppressRows, suppressionNote } from "../../shared/suppress.ts";
import { emptySection, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

type Range = { start: string; end: string };

/** The same days of the month before: 1–8 Nov → 1–8 Oct (clipped to that month's end). */
function sameDaysBefore(r: Range): Range {
  const prev = periodContaining("month", addDays(r.start.slice(0, 8) + "01", -1));
  const day = (iso: string) => Number(iso.slice(8, 10));
  const clip = (d: number) => `${prev.start.slice(0, 8)}${String(Math.min(d, day(prev.end))).padStart(2, "0")}`;
  return { start: clip(day(r.start)), end: clip(day(r.end)) };
}

async function trend(ctx: SectionContext, lastClosedDay: string): Promise<ChartSection> {
  const id = "fcr-trend";
  const title = "First-contact resolution, last 6 complete months";
  // Months whose every case has closed its repeat window.
  let m = periodContaining("month", lastClosedDay);
  if (m.end > lastClosedDay) m = periodContaining("month", addDays(m.start, -1));
  const months = [m];
  while (months.length < 6) months.unshift(periodContaining("month", addDays(months[0]!.start, -1)));
  const rows: { month: string; month_label: string; fcr_rate: number; cases: number }[] = [];
  for (const p of months) {
    const r = (await readRange(ctx.db, ctx.paths, p)).get("All")?.get("fcr_rate");
    if (r && r.value !== null) rows.push({ month: p.start.slice(0, 7), month_label: fmtMonth(p.start.slice(0, 7)), fcr_rate: r.value, cases: r.n });
  }
  if (rows.length === 0) return emptySection(id, title, "No cases whose repeat window has closed in the last 6 months.");
  const last = rows.at(-1)!;
  const first = rows[0]!;
  const takeaway = `${last.month_label}: ${fmtRatio(last.fcr_rate)} of ${fmtCount(last.cases)} cases were resolved at the first contact` +
    (rows.length > 1 ? ` (${first.month_label}: ${fmtRatio(first.fcr_rate)} of ${fmtCount(first.cases)}).` : ".");
  const svg = await renderChart("fcr_trend", { rows });
  return { id, title, svg, takeaway };
}

export async function fcrSection(ctx: SectionContext): Promise<Section> {
  const id = "fcr";
  const title = "First-contact resolution";
  const minSample = definition(ctx.defs, "fcr_rate").min_sample;
  // Days whose cases have all closed their repeat window: up to window + 1 days before the last day of data.
  const lastClosedDay = addDays(ctx.dataEnd, -(ctx.fcrWindowDays + 1));
  const month = periodContaining("month", ctx.period.end);
  const closedEnd = month.end < lastClosedDay ? month.end : lastClosedDay;
  const takeaways = [
    `A case is a customer's calls and texts while each comes within ${ctx.fcrWindowDays} days of the one before; it is resolved at first contact when there was only one. ` +
      `Only cases whose ${ctx.fcrWindowDays}-day repeat window has closed are counted, by the day they opened.`,
  ];
  const tables: Table[] = [];
  if (closedEnd >= month.start) {
    const range = { start: month.start, end: closedEnd };
    const partial = closedEnd < month.end;
    const before = partial ? sameDaysBefore(range) : { start: month.prevStart, end: month.prevEnd };
    const [nowAll, prevAll] = [await readRange(ctx.db, ctx.paths, range), await readRange(ctx.db, ctx.paths, before)];
    const cur = nowAll.get("All")?.get("fcr_rate");
    const prev = prevAll.get("All")?.get("fcr_rate");
    const open = (await readRange(ctx.db, ctx.paths, { start: addDays(closedEnd, 1), end: month.end })).get("All")?.get("cases_opened");
    const what = partial
      ? `Cases opened ${fmtRange(range.start, range.end)} (month to date: the ${Number(closedEnd.slice(8))} of ${Number(month.end.slice(8))} days whose window has closed)`
      : `Cases opened in ${month.label}`;
    if (cur && cur.value !== null) {
      const judged = cur.n >= minSample && !!prev && prev.n >= minSample;
      const real = judged ? beyondNoise(cur, prev!) : null;
      takeaways.push(`${what}: ${fmtRatio(cur.value)} of ${fmtCount(cur.n)} resolved at first contact` +
        (prev && prev.value !== null ? `, against ${fmtRatio(prev.value)} of ${fmtCount(prev.n)} for ${fmtRange(before.start, before.end)}` : "") +
        (cur.n < minSample ? ` — fewer than ${minSample} cases, too few to judge.` : real === false ? " — within the noise." : ".") +
        (open && open.n > 0 && partial ? ` ${fmtCount(open.n)} cases opened since are still inside their repeat window.` : ""));
    }
    const [lines, topics] = [await readRange(ctx.db, ctx.paths, range, "line"), await readRange(ctx.db, ctx.paths, range, "topic")];
    const [pLines, pTopics] = [await readRange(ctx.db, ctx.paths, before, "line"), await readRange(ctx.db, ctx.paths, before, "topic")];
    type G = { label: string; r: Reading; p: Reading | undefined };
    const groups: G[] = [
      ...[...lines].filter(([, m]) => m.get("fcr_rate")).map(([l, m]) => ({ label: `Line: ${l}`, r: m.get("fcr_rate")!, p: pLines.get(l)?.get("fcr_rate") })),
      ...[...topics].filter(([t, m]) => m.get("fcr_rate") && t !== "unclassified").map(([t, m]) => ({ label: `Topic: ${fmtLabel(t)}`, r: m.get("fcr_rate")!, p: pTopics.get(t)?.get("fcr_rate") })),
    ].sort((a, b) => a.r.value! - b.r.value! || b.r.n - a.r.n);
    const { shown, hidden } = suppressRows(groups, (g) => g.r.n, ctx.k);
    const worst = shown.filter((g) => g.label.startsWith("Topic") && g.r.n >= minSample)[0];
    if (worst) takeaways.push(`The topic resolved least often at first contact was ${worst.label.slice(7)} (${fmtRatio(worst.r.value)} of ${fmtCount(worst.r.n)} cases).`);
    if (shown.length) {
      tables.push({
        id: "fcr-groups",
        title: `First-contact resolution by line and topic, ${partial ? fmtRange(range.start, range.end) : month.label} (lowest first)`,
        columns: [{ label: "Group" }, { label: "Cases", num: true }, { label: "FCR", num: true }, { label: partial ? `Same days of ${fmtMonth(before.start.slice(0, 7))}` : "Month before", num: true }],
        rows: shown.slice(0, 12).map((g) => ({
          cells: [g.label, fmtCount(g.r.n), `${fmtRatio(g.r.value)}${g.r.n < minSample ? " (few)" : ""}`, g.p && g.p.n >= ctx.k ? fmtRatio(g.p.value) : "—"],
        })),
        caption: [shown.length > 12 ? `${shown.length - 12} more groups not listed.` : undefined, `(few): fewer than ${minSample} cases, too few to judge.`,
          suppressionNote(hidden, ctx.k, "cases")].filter(Boolean).join(" "),
      });
    }
  } else {
    takeaways.push(`No case opened in ${month.label} has closed its ${ctx.fcrWindowDays}-day repeat window yet.`);
  }
  return { id, title, takeaways, charts: [await trend(ctx, lastClosedDay)], tables };
}
