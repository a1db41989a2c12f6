import type { Outcome } from "../../../src/notify/outcome.js";
import { type AdaptiveCard, adaptiveCard, heading, line, subtle, type Tone } from "./elements.js";

type TextOutcome = Extract<Outcome, { kind: "text" }>;

const TONES: Record<TextOutcome["tone"], Tone> = { info: "default", warning: "warning", error: "attention" };

export function textCard(outcome: TextOutcome): AdaptiveCard {
  const tone = TONES[outcome.tone];
  return adaptiveCard([
    ...(outcome.title ? [heading(outcome.title, tone)] : []),
    ...outcome.text.split("\n").map((row) => line(outcome.title ? row : { text: row, color: tone })),
    ...(outcome.operationId ? [subtle(`operation ${outcome.operationId}`)] : []),
  ]);
}
