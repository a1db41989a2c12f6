import { z } from "zod";
import { normalizeOperationId } from "../../src/core/ids.js";
import { type DecisionVerb, verbsTaking } from "../../src/core/verbs.js";

/** Action.Execute verbs on approval cards, one per decision verb of the verb table. */
export const decisionVerbs = {
  approve: "mfa.approve",
  reject: "mfa.reject",
} as const satisfies Record<DecisionVerb, string>;

export type CardDecision =
  | { ok: true; decision: DecisionVerb; approvalId: string }
  | { ok: false; error: string };

const invokeValueSchema = z.object({
  action: z.object({
    type: z.literal("Action.Execute"),
    verb: z.string().max(64),
    data: z.object({ approvalId: z.string().max(64) }).loose(),
  }),
});

const submitValueSchema = z.object({ verb: z.string().max(64), approvalId: z.string().max(64) }).loose();

function decisionOf(verb: string, rawId: string): CardDecision {
  const decision = verbsTaking("approval").find((d) => decisionVerbs[d] === verb);
  if (!decision)
    return { ok: false, error: `this card's action "${verb.slice(0, 64)}" is not one the bot knows` };
  // The id is checked here only for shape; the worker looks the approval up and decides.
  const approvalId = normalizeOperationId(rawId);
  if (approvalId === undefined) return { ok: false, error: "this card does not carry a valid approval id" };
  return { ok: true, decision, approvalId };
}

/** The value of an `adaptiveCard/action` invoke (Action.Execute). */
export function readInvokeDecision(value: unknown): CardDecision {
  const parsed = invokeValueSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: "this card action is not one the bot knows" };
  return decisionOf(parsed.data.action.verb, parsed.data.action.data.approvalId);
}

/** The value of a message sent by the Action.Submit fallback. */
export function readSubmitDecision(value: unknown): CardDecision {
  const parsed = submitValueSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: "this card action is not one the bot knows" };
  return decisionOf(parsed.data.verb, parsed.data.approvalId);
}
