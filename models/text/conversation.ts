/**
 * Conversation metrics from a transcript's timed segments (who spoke from when to when):
 * talk/listen ratio, longest monologue, silence, overtalk, questions asked and response latency.
 * Definitions (all in seconds of the recording):
 * - talk: the sum of a side's segment lengths; talk_listen_ratio = agent talk / customer talk.
 * - monologue: consecutive segments of one side with no turn of the other side between them,
 *   measured from the first start to the last end; the longest per side.
 * - silence: time between the first start and the last end that no segment covers.
 * - overtalk: time covered by segments of both sides at once.
 * - questions: sentences ending in "?" per side.
 * - response latency: for each customer → agent change of turn, agent start − customer end
 *   (0 when the agent started before the customer finished); mean and longest.
 */

export type Segment = { speaker: "agent" | "customer"; start: number; end: number; text: string };

export type ConversationMetrics = {
  agent_talk_seconds: number;
  customer_talk_seconds: number;
  talk_listen_ratio: number | null;
  agent_talk_share: number | null;
  longest_agent_monologue_seconds: number;
  longest_customer_monologue_seconds: number;
  silence_seconds: number;
  silence_share: number | null;
  longest_silence_seconds: number;
  overtalk_seconds: number;
  agent_questions: number;
  customer_questions: number;
  response_latency_seconds: number | null;
  max_response_latency_seconds: number | null;
};

const len = (s: Segment) => Math.max(0, s.end - s.start);
const questions = (text: string) => (text.match(/\?+/g) ?? []).length;

/** Union length of intervals (sorted by start). */
function covered(intervals: [number, number][]): { total: number; gaps: number[] } {
  let total = 0;
  const gaps: number[] = [];
  let curStart = -Infinity, curEnd = -Infinity;
  for (const [s, e] of intervals) {
    if (s > curEnd) {
      if (curEnd > -Infinity) { total += curEnd - curStart; gaps.push(s - curEnd); }
      curStart = s; curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  if (curEnd > -Infinity) total += curEnd - curStart;
  return { total, gaps };
}

export function conversationMetrics(segments: readonly Segment[]): ConversationMetrics {
  const segs = [...segments].filter((s) => Number.isFinite(s.start) && Number.isFinite(s.end)).sort((a, b) => a.start - b.start || a.end - b.end);
  const agent = segs.filter((s) => s.speaker === "agent");
  const customer = segs.filter((s) => s.speaker === "customer");
  const agentTalk = agent.reduce((a, s) => a + len(s), 0);
  const customerTalk = customer.reduce((a, s) => a + len(s), 0);

  const longest = { agent: 0, customer: 0 };
  let runSpeaker: Segment["speaker"] | null = null, runStart = 0, runEnd = 0;
  const closeRun = () => { if (runSpeaker) longest[runSpeaker] = Math.max(longest[runSpeaker], runEnd - runStart); };
  for (const s of segs) {
    if (s.speaker !== runSpeaker) { closeRun(); runSpeaker = s.speaker; runStart = s.start; runEnd = s.end; } else runEnd = Math.max(runEnd, s.end);
  }
  closeRun();

  const span = segs.length ? Math.max(...segs.map((s) => s.end)) - segs[0]!.start : 0;
  const { total, gaps } = covered(segs.map((s) => [s.start, s.end]));
  const silence = Math.max(0, span - total);
  const agentUnion = covered(agent.map((s) => [s.start, s.end])).total;
  const customerUnion = covered(customer.map((s) => [s.start, s.end])).total;
  const overtalk = Math.max(0, agentUnion + customerUnion - total);

  const latencies: number[] = [];
  for (let i = 1; i < segs.length; i++) {
    if (segs[i - 1]!.speaker === "customer" && segs[i]!.speaker === "agent") latencies.push(Math.max(0, segs[i]!.start - segs[i - 1]!.end));
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    agent_talk_seconds: round(agentTalk),
    customer_talk_seconds: round(customerTalk),
    talk_listen_ratio: customerTalk > 0 ? round(agentTalk / customerTalk) : null,
    agent_talk_share: agentTalk + customerTalk > 0 ? agentTalk / (agentTalk + customerTalk) : null,
    longest_agent_monologue_seconds: round(longest.agent),
    longest_customer_monologue_seconds: round(longest.customer),
    silence_seconds: round(silence),
    silence_share: span > 0 ? silence / span : null,
    longest_silence_seconds: round(gaps.length ? Math.max(...gaps) : 0),
    overtalk_seconds: round(overtalk),
    agent_questions: agent.reduce((a, s) => a + questions(s.text), 0),
    customer_questions: customer.reduce((a, s) => a + questions(s.text), 0),
    response_latency_seconds: latencies.length ? round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : null,
    max_response_latency_seconds: latencies.length ? round(Math.max(...latencies)) : null,
  };
}
