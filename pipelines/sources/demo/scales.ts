/** Target sizes of the demo data per scale (figures are for the default two-year window). */

export type DemoScale = "small" | "medium" | "large";

export interface ScaleSpec {
  /** Calls over two years (the rate scales linearly with `years`). */
  calls: number;
  /** Contacts for a two-year window (scaled with `years`, at least 500). */
  contacts: number;
  /** Agents across the three lines. */
  agents: number;
  /** Share of answered calls that get a transcript. */
  transcriptShare: number;
  /** Texts per call, roughly. */
  messagesPerCall: number;
  /** Share of answered calls and text threads with a survey response, roughly. */
  surveyShare: number;
}

export const SCALES: Readonly<Record<DemoScale, ScaleSpec>> = {
  small: { calls: 50_000, contacts: 20_000, agents: 36, transcriptShare: 1, messagesPerCall: 0.6, surveyShare: 0.2 },
  medium: { calls: 1_000_000, contacts: 200_000, agents: 36, transcriptShare: 0.15, messagesPerCall: 0.6, surveyShare: 0.2 },
  large: { calls: 10_000_000, contacts: 1_000_000, agents: 36, transcriptShare: 0.02, messagesPerCall: 0.6, surveyShare: 0.2 },
};
