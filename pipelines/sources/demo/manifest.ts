/** manifest.json: the parameters of a demo run, its record counts, and the truths planted in it. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Calendar, callShape, formatDay, AFTER_HOURS_CALL_SHARE, SATURDAY_HOURS, textShape } from "./calendar.ts";
import { MAIN_MENU, OUTAGE_QUEUE_STRESS, QUEUE_RISK, SUBMENUS, TRANSFER_LOOP } from "./callflow.ts";
import { CHURN, type ChurnPlan } from "./churn.ts";
import { PII_RATES } from "./context.ts";
import { OPPORTUNITY, type OpportunityPlant } from "./opportunity.ts";
import type { PiiPlant } from "./pii.ts";
import { PLAYBOOK, type PlaybookPlant } from "./playbook.ts";
import { GROWTH_PER_YEAR } from "./population.ts";
import { SCORES_BY_TONE } from "./surveys.ts";
import { DEMO_TOPICS, SENTIMENT_WORDS } from "./topics.ts";
import type { Contacts, Line } from "./types.ts";
import {
  DOW_PROFILE, HOLIDAY_FACTOR, LINE_MIX, MONDAY_SPIKE, OUTAGE, OUTGOING_PER_INCOMING, SEASON_AMPLITUDE,
  SEASON_PEAK_DOY, THREADS_PER_CALL, TOPIC_MIX,
} from "./volume.ts";

export interface ManifestInput {
  params: Record<string, unknown>;
  cal: Calendar;
  lines: Line[];
  contacts: Contacts;
  churn: ChurnPlan;
  outageWeekStart: number | null;
  loopCallIds: string[];
  ivr: { billingEntered: number; billingDropped: number };
  pii: PiiPlant[];
  counts: Record<string, number>;
  files: string[];
  playbook: PlaybookPlant;
  opportunity: OpportunityPlant;
  /** The last day written (`--end-date`), when not the window's. */
  emittedEnd?: string;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function isoWeekLabel(monday: number): string {
  const thursday = monday + 3;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / 86_400_000;
  return `${year}-W${String(Math.floor((thursday - jan1) / 7) + 1).padStart(2, "0")}`;
}

export function writeManifest(outDir: string, m: ManifestInput): string {
  const { cal, contacts } = m;
  const hourly = (f: (h: number) => number) => Array.from({ length: 24 }, (_, h) => round3(f(h + 0.5)));
  const holidays = [...cal.holidays.entries()]
    .filter(([d]) => d >= cal.startDay && d <= cal.endDay)
    .sort((a, b) => a[0] - b[0])
    .map(([d, name]) => ({ date: formatDay(d), name }));
  const byKind: Record<string, number> = {};
  for (const p of m.pii) byKind[p.kind] = (byKind[p.kind] ?? 0) + 1;
  const ows = m.outageWeekStart;
  const manifest = {
    generator: "commsight-demo",
    version: 1,
    params: m.params,
    dateRange: { start: formatDay(cal.startDay), end: formatDay(cal.endDay), days: cal.days, timezone: cal.zone.tz },
    ...(m.emittedEnd === undefined ? {} : {
      emitted: { end: m.emittedEnd, means: "records are written up to the end of this day (business-local); the plan and the truths below cover the whole window" },
    }),
    counts: m.counts,
    files: m.files,
    lines: m.lines.map((l) => ({
      name: l.name, phoneNumberId: l.id, number: l.number, agents: l.agents.map((a) => a.id), share: LINE_MIX[l.name], topicMix: TOPIC_MIX[l.name],
    })),
    topics: DEMO_TOPICS,
    seasonality: {
      growthPerYear: GROWTH_PER_YEAR,
      seasonAmplitude: SEASON_AMPLITUDE,
      seasonPeakDayOfYear: SEASON_PEAK_DOY,
      dayOfWeek: { Mon: DOW_PROFILE[1], Tue: DOW_PROFILE[2], Wed: DOW_PROFILE[3], Thu: DOW_PROFILE[4], Fri: DOW_PROFILE[5], Sat: DOW_PROFILE[6], Sun: DOW_PROFILE[7] },
      holidayFactor: HOLIDAY_FACTOR,
      holidays,
      hours: { weekdays: [m.params.open, m.params.close], saturdayHours: SATURDAY_HOURS, sunday: "closed", holidays: "closed" },
      afterHoursCallShare: AFTER_HOURS_CALL_SHARE,
      callHourProfile: hourly(callShape),
      textHourProfile: hourly(textShape),
      threadsPerCall: THREADS_PER_CALL,
      outgoingPerIncoming: OUTGOING_PER_INCOMING,
    },
    callFlow: { mainMenu: MAIN_MENU, submenus: SUBMENUS, queueRisk: QUEUE_RISK, outageQueueStress: OUTAGE_QUEUE_STRESS },
    truths: {
      mondaySpike: {
        topic: MONDAY_SPIKE.topic, weekday: MONDAY_SPIKE.weekday, weekdayName: "Monday", factor: MONDAY_SPIKE.factor,
        comparedWith: "mean of Tuesday-Friday (holidays excluded)", channels: ["calls", "messages"],
      },
      outageWeek: ows === null ? null : {
        topic: OUTAGE.topic, line: OUTAGE.line, weekStart: formatDay(ows), weekEnd: formatDay(ows + 6), isoWeek: isoWeekLabel(ows),
        factor: OUTAGE.factor, normalShareOfLine: round3(TOPIC_MIX.Support.outage! / Object.values(TOPIC_MIX.Support).reduce((a, b) => a + b, 0)),
        channels: ["calls", "messages"], queueStress: OUTAGE_QUEUE_STRESS,
      },
      transferLoop: {
        topic: TRANSFER_LOOP.topic, line: TRANSFER_LOOP.line, teams: [TRANSFER_LOOP.line, TRANSFER_LOOP.via, TRANSFER_LOOP.line],
        share: TRANSFER_LOOP.share, shareOf: "answered incoming calls on the line and topic", calls: m.loopCallIds.length, callIds: m.loopCallIds,
      },
      ivrDropOff: {
        menu: SUBMENUS.Billing!.menu, after: { menu: MAIN_MENU.menu, option: "Billing" }, rate: SUBMENUS.Billing!.drop,
        otherSteps: { [MAIN_MENU.menu]: MAIN_MENU.drop, [SUBMENUS.Support!.menu]: SUBMENUS.Support!.drop },
        observed: { entered: m.ivr.billingEntered, hungUp: m.ivr.billingDropped, rate: round3(m.ivr.billingDropped / Math.max(1, m.ivr.billingEntered)) },
      },
      churnGroup: {
        share: CHURN.groupShare, activeContacts: m.churn.activeContacts, activeMeans: `customer since at least ${CHURN.activeMinDays} days before the end`,
        count: m.churn.group.length, contactIds: m.churn.group.map((i) => contacts.id[i]!),
        baselineChurners: m.churn.baseline.length, baselineShare: CHURN.baselineShare,
        baselineContactIds: m.churn.baseline.map((i) => contacts.id[i]!),
        drivers: {
          episodeCalls: CHURN.episodeCalls, episodeSpanDays: CHURN.episodeSpanDays, churnLagDays: CHURN.churnLagDays,
          outcomes: "first call missed or abandoned; later calls transferred, missed or answered", tone: "negative",
          surveys: { share: CHURN.surveyChance, nps: SCORES_BY_TONE.negative.nps, csat: SCORES_BY_TONE.negative.csat },
          topics: CHURN.topics.map(([topic, line, weight]) => ({ topic, line, weight })),
        },
      },
      pii: { rates: PII_RATES, count: m.pii.length, byKind, values: m.pii },
      playbook: {
        topic: PLAYBOOK.topic, line: PLAYBOOK.line, phrase: PLAYBOOK.phrase, windowDays: PLAYBOOK.windowDays, sayChance: PLAYBOOK.sayChance,
        resolvedMeans: `no inbound call or text from the contact within ${PLAYBOOK.windowDays} days after the call`,
        observed: {
          calls: m.playbook.observed.calls, withPhrase: m.playbook.observed.said, withoutPhrase: m.playbook.observed.notSaid,
          resolvedWithPhrase: round3(m.playbook.observed.saidResolved / Math.max(1, m.playbook.observed.said)),
          resolvedWithoutPhrase: round3(m.playbook.observed.notSaidResolved / Math.max(1, m.playbook.observed.notSaid)),
        },
      },
      opportunityGroup: (() => {
        const planted = m.opportunity.ids(1);
        const baseline = m.opportunity.ids(2);
        return {
          field: OPPORTUNITY.field, count: planted.length, contactIds: planted.map((i) => contacts.id[i]!),
          baselineBuyers: baseline.length, baselineContactIds: baseline.map((i) => contacts.id[i]!),
          drivers: {
            line: OPPORTUNITY.line, topics: OPPORTUNITY.topics, buyChance: OPPORTUNITY.buyChance, lagDays: OPPORTUNITY.lagDays,
            means: "an answered incoming call or a replied text thread on Sales about pricing or a new order, its tone decides the chance of a purchase",
          },
          checkIns: { days: OPPORTUNITY.checkInDays, share: OPPORTUNITY.checkInShare, calls: m.opportunity.checkIns.calls, contacts: m.opportunity.checkIns.contacts.size },
        };
      })(),
      sentiment: { negativeWords: SENTIMENT_WORDS.negative, positiveWords: SENTIMENT_WORDS.positive, scoresByTone: SCORES_BY_TONE },
    },
  };
  const path = join(outDir, "manifest.json");
  writeFileSync(path, JSON.stringify(manifest, null, 2) + "\n");
  return path;
}
