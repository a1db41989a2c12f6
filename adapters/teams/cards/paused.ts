import type { Outcome } from "../../../src/notify/outcome.js";
import { STAGE_VERBS } from "../../../src/notify/outcome.js";
import { pauseWords, STAGE_BUTTON_LABELS } from "../../../src/notify/words.js";
import { stageVerbs } from "../card-actions.js";
import {
  type AdaptiveCard,
  adaptiveCard,
  type CardElement,
  heading,
  line,
  list,
  subtle,
} from "./elements.js";

type PausedOutcome = Extract<Outcome, { kind: "paused" }>;

/**
 * A staged bulk waiting for an approver: Continue and Abort as Action.Execute (falling back to
 * Action.Submit, the verb in its data, as on approval cards). They carry only the operation id.
 */
export function pausedCard(o: PausedOutcome): AdaptiveCard {
  const words = pauseWords(o);
  const body: CardElement[] = [
    heading(words.title, o.answered ? "default" : "warning"),
    line(words.detail),
    ...list(
      "Failed",
      o.failures.users.map((f) => `${f.upn}: ${f.reason}`),
      o.failures.more,
      "attention",
    ),
    line(words.answer),
    subtle(`operation ${o.operationId}`),
  ];
  if (o.answered) return adaptiveCard(body);
  const actions = STAGE_VERBS.map((verb): CardElement => {
    const title = STAGE_BUTTON_LABELS[verb];
    const style = verb === "continue" ? "positive" : "destructive";
    const data = { operationId: o.operationId };
    return {
      type: "Action.Execute",
      title,
      verb: stageVerbs[verb],
      style,
      data,
      fallback: { type: "Action.Submit", title, style, data: { ...data, verb: stageVerbs[verb] } },
    };
  });
  return adaptiveCard(body, actions, [
    `To answer, type: ${STAGE_VERBS.map((verb) => `mfa ${verb} ${o.operationId}`).join("  or  ")}`,
  ]);
}
