import { z } from "zod";
import { normalizeOperationId } from "../../src/core/ids.js";
import { type DecisionVerb, verbsTaking } from "../../src/core/verbs.js";
import { STAGE_VERBS, type StageVerb } from "../../src/notify/outcome.js";

/** Action.Execute verbs on approval cards, one per decision verb of the verb table. */
export const decisionVerbs = {
  approve: "mfa.approve",
  reject: "mfa.reject",
} as const satisfies Record<DecisionVerb, string>;

/** Action.Execute verbs on a paused staged bulk's card, one per stage verb. */
export const stageVerbs = {
  continue: "mfa.continue",
  abort: "mfa.abort",
} as const satisfies Record<StageVerb, string>;

/** What a card click asks for: a decision on an approval, or an answer to a paused bulk. */
export type CardCommand =
  | { verb: DecisionVerb; approvalId: string }
  | { verb: StageVerb; operationId: string };

export type CardDecision = { ok: true; command: CardCommand } | { ok: false; error: string };

const invokeValueSchema = z.object({
  action: z.object({
    type: z.literal("Action.Execute"),
    verb: z.string().max(64),
    // Approval cards carry `approvalId`, a paused bulk's card `operationId`.
    data: z
      .object({ approvalId: z.string().max(64).optional(), operationId: z.string().max(64).optional() })
      .loose(),
  }),
});

const submitValueSchema = z
  .object({
    verb: z.string().max(64),
    approvalId: z.string().max(64).optional(),
    operationId: z.string().max(64).optional(),
  })
  .loose();

function decisionOf(verb: string, ids: { approvalId?: string; operationId?: string }): CardDecision {
  const decision = verbsTaking("approval").find((d) => decisionVerbs[d] === verb);
  const stage = STAGE_VERBS.find((v) => stageVerbs[v] === verb);
  if (!decision && !stage)
    return { ok: false, error: `this card's action "${verb.slice(0, 64)}" is not one the bot knows` };
  // The id is checked here only for shape; the worker looks the request up and decides.
  const id = normalizeOperationId((decision ? ids.approvalId : ids.operationId) ?? "");
  if (id === undefined) {
    return { ok: false, error: `this card does not carry a valid ${decision ? "approval" : "operation"} id` };
  }
  return {
    ok: true,
    command: decision ? { verb: decision, approvalId: id } : { verb: stage!, operationId: id },
  };
}

/** The value of an `adaptiveCard/action` invoke (Action.Execute). */
export function readInvokeDecision(value: unknown): CardDecision {
  const parsed = invokeValueSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: "this card action is not one the bot knows" };
  return decisionOf(parsed.data.action.verb, parsed.data.action.data);
}

/** The value of a message sent by the Action.Submit fallback. */
export function readSubmitDecision(value: unknown): CardDecision {
  const parsed = submitValueSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: "this card action is not one the bot knows" };
  return decisionOf(parsed.data.verb, parsed.data);
}
