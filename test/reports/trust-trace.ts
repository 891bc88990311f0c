/**
 * The tracer of the trust test (test/reports/trust.test.ts): every number on every page of a leadership
 * report must be a date, a stated setting, an axis tick or a figure recomputed here. The SQL below is the
 * test's own (raw lake, enriched texts, the models' prediction datasets), not the metric macros or marts;
 * each block of the report must have no number left unexplained (fixture-ledger.ts does the matching;
 * trust-raw.ts holds the per-call table and the metrics recomputed from the raw lake).
 */
import { join } from "node:path";
import type { Config } from "../../pipelines/core/config.ts";
import type { renderLeadershipReport } from "../../reports/leadership/render.ts";
import { fmtCount, fmtDuration, fmtOneDp, fmtRatio } from "../../reports/shared/format.ts";
import { minGroupSize } from "../../reports/shared/suppress.ts";
import type { StaffingConfig } from "../../models/staffing/config.ts";
import { blocks, Figures, svgNumbers, unaccounted } from "./fixture-ledger.ts";
import { pdfPagesText, squash } from "./pdf.ts";
import { type Agg, local, margin, mean, rawLake, TZ, type Query } from "./trust-raw.ts";

export { local };
export type Rendered = Awaited<ReturnType<typeof renderLeadershipReport>>;
export const flat = (s: string) => squash(s).replace(/\s+/g, " ");

/** The tracer over one demo data folder; `q` runs SQL over its raw lake, enriched texts and prediction datasets. */
export function numberTracer(data: string, config: Config, q: Query) {
  const { qc, rawMetrics, rawSatisfactionGroups } = rawLake(data, q);
  /**
   * Every number on every page. The SQL below is the test's own (raw lake, enriched texts, the models' prediction
   * datasets), not the metric macros or marts; each block of the report must have no number left unexplained.
   */

  const UNITS: Record<string, "count" | "share" | "score" | "seconds"> = {
    calls: "count", inbound_calls: "count", abandoned_calls: "count", messages: "count", answer_rate: "share", service_level: "share",
    asa_seconds: "seconds", aht_seconds: "seconds", transfer_rate: "share", nps: "score", csat: "share",
  };
  const shown = (unit: string, v: number | null) =>
    unit === "count" ? fmtCount(v) : unit === "share" ? fmtRatio(v) : unit === "seconds" ? fmtDuration(v) : fmtOneDp(v);
  const changeShown = (unit: string, v: number | null, p: number | null) => {
    if (v === null || p === null) return null;
    if (unit === "count") return p ? fmtOneDp(Math.abs(((v - p) / p) * 100)) : null;
    if (unit === "share") return fmtOneDp(Math.abs((v - p) * 100));
    if (unit === "seconds") return fmtDuration(Math.abs(v - p));
    return fmtOneDp(Math.abs(v - p));
  };
  const value = (unit: string, a: Agg | undefined) => (unit === "count" ? a?.n ?? 0 : mean(a));

  /** The figures of one report, each recomputed here. */
  async function traceFigures(r: Rendered): Promise<Figures> {
    const f = new Figures();
    const p = r.period;
    const sl = config.transform.serviceLevelSeconds;
    const [now, before] = [await rawMetrics(p.start, p.end, sl), await rawMetrics(p.prevStart, p.prevEnd, sl)];
    // Page 1 and the service section: every metric of every line, now, before, its change, n and margin.
    for (const [g, m] of now) {
      f.in(...(g === "All" ? ["summary", "service", "satisfaction", "transfers"] : ["service"]));
      for (const [metric, unit] of Object.entries(UNITS)) {
        const a = m.get(metric);
        const b = before.get(g)?.get(metric);
        const [v, pv] = [value(unit, a), value(unit, b)];
        f.add(shown(unit, v), shown(unit, pv), changeShown(unit, v, pv), fmtCount(a?.n ?? 0), fmtCount(b?.n ?? 0));
        const mg = margin(a);
        if (mg !== null) f.add(fmtOneDp(unit === "share" ? mg * 100 : mg));
        if (metric === "answer_rate") f.add(fmtCount(a?.sum ?? 0));
        const staffing = (config.models as { staffing?: StaffingConfig }).staffing;
        if (metric === "service_level" && v !== null && staffing) f.add(fmtOneDp(Math.abs(v - staffing.targetServiceLevel) * 100));
      }
    }
    // The appendix: each metric's minimum sample, as configured in the definitions' seed.
    f.in("appendix");
    const mins = await q<{ min_sample: number }>(
      `SELECT DISTINCT min_sample FROM read_csv('${join(process.cwd(), "transforms", "seeds", "metric_definitions.csv")}', header = true)`);
    for (const m of mins) f.add(fmtCount(Number(m.min_sample)));
    f.in("volume");
    // Volume: calls and texts per day of the period and the one before, by line and direction; busiest day.
    const days = await qc<{ d: string; calls: number; messages: number }>(`
      cd AS (SELECT d, count(*) AS calls FROM rc GROUP BY d), md AS (SELECT d, count(*) AS messages FROM rm GROUP BY d)
      SELECT CAST(d AS VARCHAR) AS d, coalesce(calls, 0) AS calls, coalesce(messages, 0) AS messages FROM cd FULL JOIN md USING (d)
      WHERE d BETWEEN DATE '${p.prevStart}' AND DATE '${p.end}'`);
    const inP = (d: string, s: string, e: string) => d >= s && d <= e;
    const tot = (s: string, e: string) => days.filter((d) => inP(d.d, s, e)).reduce((a, d) => a + Number(d.calls) + Number(d.messages), 0);
    const [tn, tp] = [tot(p.start, p.end), tot(p.prevStart, p.prevEnd)];
    f.add(fmtCount(tn), fmtCount(tp), fmtOneDp(Math.abs(((tn - tp) / tp) * 100)));
    for (const d of days) f.add(fmtCount(Number(d.calls) + Number(d.messages)));
    const mix = await qc<{ line: string; calls_in: number; calls_out: number; msg_in: number; msg_out: number; lost: number; inbound: number }>(`
      c AS (SELECT line, count(*) FILTER (WHERE inbound) AS calls_in, count(*) FILTER (WHERE NOT inbound) AS calls_out,
                   count(*) FILTER (WHERE inbound AND NOT answered AND NOT voicemail) AS lost FROM rc WHERE d BETWEEN DATE '${p.start}' AND DATE '${p.end}' GROUP BY line),
      m AS (SELECT line, count(*) FILTER (WHERE direction = 'incoming') AS msg_in, count(*) FILTER (WHERE direction <> 'incoming') AS msg_out
            FROM rm WHERE d BETWEEN DATE '${p.start}' AND DATE '${p.end}' GROUP BY line)
      SELECT line, coalesce(calls_in, 0) AS calls_in, coalesce(calls_out, 0) AS calls_out, coalesce(msg_in, 0) AS msg_in, coalesce(msg_out, 0) AS msg_out,
             coalesce(lost, 0) AS lost, coalesce(calls_in, 0) AS inbound FROM c FULL JOIN m USING (line)`);
    const all = mix.reduce((a, x) => a + Number(x.calls_in) + Number(x.calls_out) + Number(x.msg_in) + Number(x.msg_out), 0);
    const texts = mix.reduce((a, x) => a + Number(x.msg_in) + Number(x.msg_out), 0);
    f.add(fmtRatio(texts / all));
    for (const x of mix) {
      f.add(fmtRatio((Number(x.calls_in) + Number(x.calls_out) + Number(x.msg_in) + Number(x.msg_out)) / all), fmtCount(Number(x.inbound)));
      if (Number(x.inbound)) f.add(fmtRatio(Number(x.lost) / Number(x.inbound)));
    }
    // Service level by weekday and hour (the heat map's cells, whole percent; an hour named with its n and wait).
    f.in("service");
    const cells = await qc<{ sl: number; n: number; h: number; wait: number }>(`
      SELECT avg(CASE WHEN answered AND wait <= ${sl} THEN 1.0 ELSE 0.0 END) AS sl, count(*) AS n, hour(ts) AS h,
             avg(wait) FILTER (WHERE answered) AS wait FROM rc
      WHERE inbound AND (answered OR abandoned_in_queue) AND d BETWEEN DATE '${p.start}' AND DATE '${p.end}' GROUP BY isodow(ts), hour(ts)`);
    for (const c of cells) {
      f.add(`${Math.round(100 * Number(c.sl))}%`, fmtRatio(Number(c.sl)), fmtCount(Number(c.n)), `${String(c.h).padStart(2, "0")}:00`, fmtDuration(c.wait === null ? null : Number(c.wait)));
    }
    // NPS and CSAT by line and segment: n, value, 95% interval, change.
    f.in("satisfaction");
    const [gNow, gBefore] = [await rawSatisfactionGroups(p.start, p.end), await rawSatisfactionGroups(p.prevStart, p.prevEnd)];
    for (const [g, m] of gNow) {
      for (const metric of ["nps", "csat"] as const) {
        const a = m.get(metric);
        if (!a) continue;
        const scale = metric === "csat" ? 100 : 1;
        const v = mean(a)! * scale;
        const mg = (margin(a) ?? 0) * scale;
        f.add(fmtCount(a.n), fmtOneDp(v), fmtOneDp(v - mg), fmtOneDp(v + mg));
        const pv = mean(gBefore.get(g)?.get(metric));
        if (pv !== null) f.add(fmtOneDp(v - pv * scale));
      }
    }
    f.in("sentiment");
    // Sentiment: texts scored per channel, average and negative share, now and before.
    const negBelow = config.text.sentiment.negativeBelow;
    for (const [s, e] of [[p.start, p.end], [p.prevStart, p.prevEnd]] as const) {
      const t = await q<{ ch: string; n: number; avg: number; neg: number }>(`
        WITH t AS (
          SELECT 'call' AS ch, coalesce(c.customer_sentiment_end, c.summary_sentiment) AS s, ${local("r.createdAt")} AS d
          FROM enriched.call_texts c JOIN raw.calls r ON r.id = c.call_id WHERE c.summary IS NOT NULL OR c.analysed
          UNION ALL SELECT 'message', m.sentiment, ${local("r.createdAt")} FROM enriched.message_texts m JOIN raw.messages r ON r.id = m.message_id WHERE m.direction = 'incoming'
          UNION ALL SELECT 'survey', c.sentiment, ${local("r.respondedAt")} FROM enriched.survey_comments c JOIN raw.survey_responses r ON r.id = c.response_id)
        SELECT ch, count(*) AS n, avg(s) AS avg, avg(CASE WHEN s < ${negBelow} THEN 1.0 ELSE 0.0 END) AS neg FROM t
        WHERE s IS NOT NULL AND d BETWEEN DATE '${s}' AND DATE '${e}' GROUP BY ROLLUP (ch)`);
      for (const x of t) f.add(fmtCount(Number(x.n)), Math.abs(Number(x.avg)).toFixed(2), fmtRatio(Number(x.neg)));
    }
    // Churn: the prediction dataset as the model wrote it (sums, counts, shares by segment and by strongest factor), the
    // latest scoring whose horizon has passed and how many of those customers left (the model's labelled snapshot).
    f.in("churn");
    const churn = await q<{ segment: string | null; n: number; expected: number; above: number; expected_above: number }>(`
      SELECT segment, count(*) AS n, sum(churn_probability) AS expected, count(*) FILTER (WHERE churn_probability >= 0.1) AS above,
             coalesce(sum(churn_probability) FILTER (WHERE churn_probability >= 0.1), 0) AS expected_above
      FROM prediction.churn_risk WHERE as_of = (SELECT max(as_of) FROM prediction.churn_risk) GROUP BY ROLLUP (segment)`);
    for (const c of churn) f.add(fmtCount(Number(c.n)), fmtOneDp(Number(c.expected)), fmtRatio(Number(c.expected) / Number(c.n)), fmtCount(Number(c.above)), fmtOneDp(Number(c.expected_above)));
    const factors = await q<{ n: number; expected: number }>(`
      SELECT count(*) AS n, sum(churn_probability) AS expected FROM prediction.churn_risk
      WHERE as_of = (SELECT max(as_of) FROM prediction.churn_risk)
      GROUP BY regexp_replace(regexp_replace(top_factor, '^[0-9][0-9.,]* ', ''), ' calls? ', ' call ')`);
    for (const c of factors) f.add(fmtCount(Number(c.n)), fmtOneDp(Number(c.expected)));
    const realised = await q<{ n: number; churned: number }>(`
      SELECT count(*) AS n, count(*) FILTER (WHERE label) AS churned FROM prediction.contact_features
      WHERE as_of = (SELECT max(as_of) FROM prediction.contact_features WHERE label IS NOT NULL)`);
    for (const c of realised) f.add(fmtCount(Number(c.n)), fmtCount(Number(c.churned)));
    // Emerging terms and recurring phrases: the text stage's term datasets (emerging_terms, customer_phrases) as it wrote
    // them — what is counted is the text stage's, the test only sums and formats it.
    f.in("sentiment");
    const terms = await q<{ texts: number; people: number; ratio: number | null; theme: string }>(`
      SELECT term, sum(texts) AS texts, max(contacts) AS people, max(ratio) AS ratio FROM prediction.emerging_terms
      WHERE is_emerging AND week_start BETWEEN DATE '${p.start}' - 6 AND DATE '${p.end}' GROUP BY term`);
    for (const t of terms) f.add(fmtCount(Number(t.texts)), fmtCount(Number(t.people)), t.ratio === null ? null : Number(t.ratio).toFixed(1));
    f.in("voice-of-customer");
    const [pairs] = await q<{ n: number }>(`
      SELECT count(*) AS n FROM (SELECT DISTINCT theme, term FROM prediction.emerging_terms
      WHERE is_emerging AND week_start BETWEEN DATE '${p.start}' - 6 AND DATE '${p.end}')`);
    f.add(fmtCount(Number(pairs!.n)));
    for (const [a, b] of [[`strftime(DATE '${p.start}', '%Y-%m')`, `strftime(DATE '${p.end}', '%Y-%m')`], [`strftime(DATE '${p.start}' - 1, '%Y-%m')`, `strftime(DATE '${p.start}' - 1, '%Y-%m')`]]) {
      const phrases = await q<{ contacts: number; share: number | null }>(`
        SELECT phrase, theme, sum(contacts) AS contacts, avg(share) AS share FROM prediction.customer_phrases
        WHERE theme IN ('feedback', 'objection', 'all') AND month BETWEEN ${a} AND ${b} GROUP BY ALL`);
      for (const x of phrases) f.add(fmtCount(Number(x.contacts)), x.share === null ? null : fmtRatio(Number(x.share)));
    }
    // Outreach: the outcome dataset of the outreach lists whose reach window has passed, per reason and group.
    f.in("outreach");
    const outreach = await q<{ contacts: number; attempts: number; answered: number; reached: number; churn_known: number; churned: number; buy_known: number; bought: number; weeks: number }>(`
      SELECT reason, "group", count(*) AS contacts, sum(call_attempts) AS attempts, sum(calls_answered) AS answered, count(*) FILTER (WHERE reached) AS reached,
             count(churned) AS churn_known, count(*) FILTER (WHERE churned) AS churned, count(bought) AS buy_known, count(*) FILTER (WHERE bought) AS bought,
             count(DISTINCT week_start) AS weeks
      FROM prediction.outreach_outcomes WHERE reach_window_complete AND week_start <= DATE '${p.end}' GROUP BY GROUPING SETS ((reason, "group"), ("group"), ())`);
    for (const o of outreach) {
      const [n, r, a, at] = [Number(o.contacts), Number(o.reached), Number(o.answered), Number(o.attempts)];
      f.add(fmtCount(n), fmtCount(r), fmtCount(a), fmtCount(at), fmtCount(Number(o.weeks)), n ? fmtRatio(r / n) : null, at ? fmtRatio(a / at) : null,
        Number(o.churn_known) ? fmtRatio(Number(o.churned) / Number(o.churn_known)) : null, Number(o.buy_known) ? fmtRatio(Number(o.bought) / Number(o.buy_known)) : null);
    }
    // Forecast and staffing need per day: the staffing plan's call channel.
    f.in("forecast");
    const [last] = await qc<{ last: string }>("SELECT CAST(max(d) AS VARCHAR) AS last FROM rc");
    const fdays = await q<{ d: string; forecast: number; peak: number; at: string; hours: number; sched: number | null }>(`
      SELECT CAST(CAST(interval_start AS DATE) AS VARCHAR) AS d, sum(forecast) AS forecast, max(agents_needed) AS peak,
             strftime(arg_max(interval_start, agents_needed * 100000 - epoch(interval_start) / 60), '%H:%M') AS at,
             sum(agents_needed * interval_minutes) / 60.0 AS hours, max(scheduled) AS sched
      FROM prediction.staffing WHERE line = 'All' AND channel = 'call' AND CAST(interval_start AS DATE) > DATE '${last!.last}'
        AND CAST(interval_start AS DATE) <= DATE '${last!.last}' + 14 GROUP BY 1`);
    let ftot = 0;
    for (const d of fdays) {
      ftot += Number(d.forecast);
      f.add(fmtCount(Number(d.forecast)), fmtCount(Number(d.peak)), d.at, fmtOneDp(Number(d.hours)), fmtCount(d.sched === null ? null : Number(d.sched)));
    }
    f.add(fmtCount(ftot), fmtCount(ftot / Math.max(fdays.length, 1)), fmtCount(fdays.reduce((a, d) => a + Number(d.hours), 0)));
    await traceDailyGroups(f, p);
    return f;
  }

  /**
   * The day ranges a report sums over: its period and the one before, whole months and weeks (trend charts), the
   * month to date, the days of this month whose repeat window has closed and the same days of the month before
   * (FCR), and the weeks or months before the period (topics' usual level).
   */
  type R = [string, string];
  function rangesOf(p: Rendered["period"], dataEnd: string): { period: R[]; months: R[]; weeks: R[]; mtd: R[]; closed: R[]; prior: R[]; closedEnd: string } {
    const ymd = (d: Date) => d.toISOString().slice(0, 10);
    const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
    const end = day(p.end);
    const period: R[] = [[p.start, p.end], [p.prevStart, p.prevEnd]];
    const months: R[] = [];
    const weeks: R[] = [];
    const closed: R[] = [];
    const prior: R[] = [];
    const monthStart = (d: Date, back = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
    for (let m = 0; m < 8; m++) {
      const first = monthStart(end, m);
      months.push([ymd(first), ymd(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)))]);
    }
    for (let w = 0; w < 13; w++) {
      const mon = new Date(end.getTime() - (((end.getUTCDay() + 6) % 7) + 7 * w) * 86_400_000);
      weeks.push([ymd(mon), ymd(new Date(mon.getTime() + 6 * 86_400_000))]);
    }
    const mtd: R[] = [[ymd(monthStart(end)), p.end]];
    const closedEnd = addDay(dataEnd, -config.transform.fcrWindowDays - 1);
    if (closedEnd >= ymd(monthStart(end)) && closedEnd < p.end) {
      closed.push([ymd(monthStart(end)), closedEnd]);
      const prev = monthStart(end, 1);
      closed.push([ymd(prev), ymd(new Date(prev.getTime() + (day(closedEnd).getUTCDate() - 1) * 86_400_000))]);
    }
    if (p.kind === "week") prior.push([addDay(p.start, -28), addDay(p.start, -1)]); // the 4 weeks before a week
    else prior.push([ymd(monthStart(end, 3)), p.prevEnd]); // the 3 months before a month
    return { period, months, weeks, mtd, closed, prior, closedEnd };
  }

  type DailyRow = { d: string; g: string; n: number; k: number; s: number };

  /** Sum daily rows (n units, k of them flagged, s a total) per group over each range; add counts, shares and means. */
  function addRanges(f: Figures, rows: DailyRow[], ranges: [string, string][], opts: { mean?: (s: number) => string; avgOver?: number; shares?: boolean }) {
    for (const [a, b] of ranges) {
      const acc = new Map<string, { n: number; k: number; s: number }>();
      for (const r of rows) {
        if (r.d < a || r.d > b) continue;
        const x = acc.get(r.g) ?? { n: 0, k: 0, s: 0 };
        x.n += Number(r.n); x.k += Number(r.k); x.s += Number(r.s);
        acc.set(r.g, x);
      }
      let total = 0;
      for (const x of acc.values()) total += x.n;
      for (const x of acc.values()) {
        f.add(fmtCount(x.n), fmtCount(x.k));
        if (x.n) f.add(fmtRatio(x.k / x.n), opts.shares ? fmtRatio(x.n / total) : null, opts.mean ? opts.mean(x.s / x.n) : null);
        if (x.k) f.add(opts.mean ? opts.mean(x.s / x.k) : null);
        if (opts.avgOver) f.add(fmtOneDp(x.n / opts.avgOver));
      }
      f.add(fmtCount(total));
    }
  }

  /** FCR, transfers and loops, transfer paths, the phone menus and topics: per day and group, from the raw lake. */
  async function traceDailyGroups(f: Figures, p: Rendered["period"]) {
    const [last] = await qc<{ last: string }>("SELECT CAST(max(d) AS VARCHAR) AS last FROM rc");
    const rg = rangesOf(p, last!.last);
    const { closedEnd } = rg;
    const contacts = join(data, "lake", "raw", "contacts", "*.parquet");
    const win = config.transform.fcrWindowDays;
    const topics = `topics AS (SELECT call_id AS id, topic FROM enriched.call_texts UNION ALL SELECT message_id, topic FROM enriched.message_texts)`;
    // Cases: a contact's inbound calls and each day's first inbound text per line, chained while each follows the last within the window.
    f.in("fcr");
    const cases = await qc<DailyRow & { censored: boolean }>(`
      phones AS (SELECT defaultFields.phoneNumbers[1].value AS phone, arg_max(id, updatedAt) AS contact_id FROM read_parquet('${contacts}')
                 WHERE defaultFields.phoneNumbers[1].value IS NOT NULL GROUP BY 1),
      ${topics},
      att AS (
        SELECT p.contact_id, r.id, timezone('${TZ}', r.createdAt) AS ts, l.name AS line FROM raw.calls r JOIN phones p ON p.phone = r.participants[1]
        LEFT JOIN lines l ON l.id = r.phoneNumberId WHERE r.direction = 'incoming'
        UNION ALL
        SELECT p.contact_id, arg_min(m.id, m.createdAt), min(timezone('${TZ}', m.createdAt)), l.name FROM raw.messages m JOIN phones p ON p.phone = m."from"
        LEFT JOIN lines l ON l.id = m.phoneNumberId WHERE m.direction = 'incoming' GROUP BY p.contact_id, ${local("m.createdAt")}, l.name),
      gaps AS (SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY contact_id ORDER BY ts, id) <= INTERVAL ${win} DAY THEN 0 ELSE 1 END AS starts FROM att),
      chained AS (SELECT *, sum(starts) OVER (PARTITION BY contact_id ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS case_no FROM gaps),
      k AS (
        SELECT contact_id, case_no, min(ts) AS opened, arg_min(line, ts) AS line, arg_min(id, ts) AS first_id, count(*) = 1 AS single
        FROM chained GROUP BY ALL),
      kc AS (SELECT k.*, coalesce(t.topic, 'unclassified') AS topic, k.opened > (SELECT max(ts) FROM att) - INTERVAL ${win} DAY AS censored
             FROM k LEFT JOIN topics t ON t.id = k.first_id)
      SELECT CAST(CAST(opened AS DATE) AS VARCHAR) AS d, g, censored, count(*) AS n, count(*) FILTER (WHERE single) AS k, 0 AS s
      FROM (SELECT *, 'All' AS g FROM kc UNION ALL SELECT *, 'Line: ' || line FROM kc UNION ALL SELECT *, 'Topic: ' || topic FROM kc)
      WHERE CAST(opened AS DATE) BETWEEN DATE '${p.end}' - 240 AND DATE '${p.end}' GROUP BY ALL`);
    addRanges(f, cases.filter((c) => !c.censored), [...rg.period, ...rg.months, ...rg.closed], {});
    addRanges(f, cases, [[addDay(closedEnd, 1), p.end]], {});
    f.in("summary"); // the monthly page 1's FCR: the month's and the month before's closed cases
    addRanges(f, cases.filter((c) => !c.censored && c.g === "All"), [[p.start, p.end], [p.prevStart, p.prevEnd]], {});
    const fcrOf = (a: string, b: string) => {
      const xs = cases.filter((c) => !c.censored && c.g === "All" && c.d >= a && c.d <= b);
      const n = xs.reduce((t, c) => t + Number(c.n), 0);
      return n ? xs.reduce((t, c) => t + Number(c.k), 0) / n : null;
    };
    const [fNow, fBefore] = [fcrOf(p.start, p.end), fcrOf(p.prevStart, p.prevEnd)];
    if (fNow !== null && fBefore !== null) f.add(fmtOneDp(Math.abs(fNow - fBefore) * 100));
    f.in("transfers");
    // Transfers and loops per week; transfer paths (teams queued for, in order) with their handle time.
    const transfers = await qc<DailyRow>(`
      teams AS (SELECT callId, list(team ORDER BY seq) AS teams FROM raw.call_flow_events WHERE type = 'queue_entered' AND team IS NOT NULL GROUP BY callId),
      t AS (SELECT rc.d, rc.transfers, rc.handle, t.teams, len(list_distinct(t.teams)) < len(t.teams) AS is_loop
            FROM rc LEFT JOIN teams t ON t.callId = rc.id WHERE rc.inbound AND rc.answered AND rc.d BETWEEN DATE '${p.end}' - 240 AND DATE '${p.end}')
      SELECT CAST(d AS VARCHAR) AS d, 'transfer' AS g, count(*) AS n, count(*) FILTER (WHERE transfers > 0) AS k, 0 AS s FROM t GROUP BY ALL
      UNION ALL SELECT CAST(d AS VARCHAR), 'loop', count(*), count(*) FILTER (WHERE is_loop), 0 FROM t WHERE transfers > 0 GROUP BY ALL
      UNION ALL SELECT CAST(d AS VARCHAR), array_to_string(teams, ' › '), count(*), count(*), sum(handle) FROM t WHERE len(teams) > 1 GROUP BY ALL`);
    addRanges(f, transfers.filter((t) => t.g === "transfer" || t.g === "loop"), [...rg.period, ...rg.weeks, ...rg.months], {});
    addRanges(f, transfers.filter((t) => t.g !== "transfer" && t.g !== "loop"), [...rg.period, ...rg.mtd, ...rg.months.slice(0, 2)], { mean: fmtDuration, shares: true });
    f.add(...new Set(transfers.map((t) => (t.g.match(/ › /g)?.length ?? 0).toString())));
    f.in("ivr");
    // Phone menus: each visit, whether the caller chose an option or hung up there, and the seconds spent.
    const menus = await q<DailyRow & { chose: number }>(`
      WITH e AS (SELECT callId, seq, type, menu, occurredAt, lead(type) OVER w AS next_type, lead(occurredAt) OVER w AS next_at
                 FROM raw.call_flow_events WINDOW w AS (PARTITION BY callId ORDER BY seq))
      SELECT CAST(${local("occurredAt")} AS VARCHAR) AS d, menu AS g, count(*) AS n,
             count(*) FILTER (WHERE next_type = 'hangup' OR next_type IS NULL) AS k, count(*) FILTER (WHERE next_type = 'option_chosen') AS chose,
             sum(epoch(next_at - occurredAt)) AS s
      FROM e WHERE type = 'ivr_entered' AND ${local("occurredAt")} BETWEEN DATE '${p.end}' - 240 AND DATE '${p.end}' GROUP BY ALL`);
    const menuRanges = [...rg.period, ...rg.mtd, ...rg.months.slice(0, 2)];
    addRanges(f, menus, menuRanges, { mean: fmtOneDp });
    addRanges(f, menus.map((m) => ({ ...m, k: m.chose })), menuRanges, {});
    f.in("topics");
    // Topics: interactions (calls and texts) per topic and day.
    const tops = await q<DailyRow>(`
      WITH ${topics}, i AS (SELECT id, createdAt FROM raw.calls WHERE direction = 'incoming' UNION ALL SELECT id, createdAt FROM raw.messages WHERE direction = 'incoming')
      SELECT CAST(${local("i.createdAt")} AS VARCHAR) AS d, t.topic AS g, count(*) AS n, 0 AS k, 0 AS s FROM i JOIN topics t USING (id)
      WHERE t.topic IS NOT NULL AND ${local("i.createdAt")} BETWEEN DATE '${p.end}' - 240 AND DATE '${p.end}' GROUP BY ALL`);
    addRanges(f, tops, [[p.start, p.end]], {});
    addRanges(f, tops, rg.prior, { avgOver: p.kind === "week" ? 4 : 3 });
    const sumOf = (topic: string, [a, b]: R) => tops.filter((t) => t.g === topic && t.d >= a && t.d <= b).reduce((x, t) => x + Number(t.n), 0);
    for (const topic of new Set(tops.map((t) => t.g))) {
      const [now, avg] = [sumOf(topic, [p.start, p.end]), sumOf(topic, rg.prior[0]!) / (p.kind === "week" ? 4 : 3)];
      if (avg > 0) f.add(fmtOneDp(((now - avg) / avg) * 100));
    }
    // Emerging topics: the anomaly detector's flagged days (topic_anomalies) as it wrote them: days, peak and its usual level.
    const spikes = await q<{ days: number; peak: number; baseline: number | null }>(`
      SELECT topic, count(*) AS days, max(interactions) AS peak, arg_max(baseline, interactions) AS baseline FROM prediction.topic_anomalies
      WHERE is_anomaly AND date BETWEEN DATE '${p.start}' AND DATE '${p.end}' GROUP BY topic`);
    for (const x of spikes) f.add(fmtCount(Number(x.days)), fmtCount(Number(x.peak)), x.baseline === null ? null : fmtOneDp(Number(x.baseline)), x.baseline === null ? null : fmtCount(Number(x.baseline)));
  }

  const addDay = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

  /** The report's fixed settings and scales, each as the phrase that prints it (not a bare number). */
  function settings(): RegExp[] {
    const k = minGroupSize(config);
    const staffing = (config.models as { staffing?: StaffingConfig }).staffing;
    const target = fmtRatio(staffing?.targetServiceLevel ?? 0.8);
    return [
      /\bPage \d+ of \d+\b/g, /\b\d+\. (?=[A-Z])/g, /−100 to \+100/g, new RegExp(`fewer than ${k} (people|customers|calls)`, "g"),
      new RegExp(`within ${config.transform.serviceLevelSeconds} (s|seconds)\\b`, "g"), new RegExp(`\\btarget (is |of )?${target.replace(".", "\\.")}`, "g"), /\b95%/g, /\b80% (range|in)/g,
      /last \d+ (weeks|months|complete months)/g, /previous 4-week average/g, /−1 \(?negative\)?|\+1 \(?positive\)?|−1 negative … \+1 positive/g,
      new RegExp(`\\b${config.transform.fcrWindowDays}(-day| days)`, "g"), /\b\d+ days? (forecast|after|ahead)|next \d+ days|over \d+ days|within \d+ days|\b\d+ of \d+ days|\b\d+ days\b/g,
      /\bat least a \d+% chance|\b\d+%\+ chance|\b\d+% or higher chance/g, /\b\d+–\d+\b/g, /\bfewer than \d+ (texts|cases|responses|calls)/g,
      /at least \d+ (responses|calls|cases|texts|queued calls)/g, /\b\d+ or more queued calls/g, /\bscoring \d or \d\b|\bthe 1–5\b/g,
    ];
  }

  const traced = new Map<Rendered, Figures>();
  async function checkEveryNumber(r: Rendered) {
    if (!traced.has(r)) traced.set(r, await traceFigures(r));
    const figures = traced.get(r)!;
    const header = (p: string) => squash(p).replace(`${r.model.business} · ${r.model.reportName}`, " ").replace(r.period.label, " ");
    const text = flat(pdfPagesText(r.pdf).map(header).join("\n"));
    const bs = blocks(text, r.model.sections.map((s) => s.title), r.model.appendix.title);
    const found: Record<string, string[]> = {};
    for (const b of bs) {
      const section = r.model.sections.find((s) => s.title === b.name);
      const id = section?.id ?? b.name;
      const axis = new Set<string>();
      for (const c of section?.charts ?? []) for (const n of svgNumbers(c.svg)) axis.add(n);
      const left = unaccounted(b.text, { settings: settings(), figures: figures.of(id), axis });
      if (left.length) found[id] = left;
    }
    return found;
  }

  return { checkEveryNumber, traced, settings };
}
