import type { Outcome } from "../../../src/notify/outcome.js";
import { type AdaptiveCard, adaptiveCard, field, heading, line, list } from "./elements.js";

type ConvertPlanOutcome = Extract<Outcome, { kind: "convertPlan" }>;

export function convertPlanCard(plan: ConvertPlanOutcome): AdaptiveCard {
  return adaptiveCard([
    heading("Convert per-user MFA to Conditional Access: plan"),
    field("Users with per-user MFA", String(plan.perUserCount)),
    field(
      "Conditional Access",
      plan.covered
        ? `MFA is required by ${plan.coveredBy.join(", ") || "a policy"}`
        : "no enabled policy or security defaults require MFA yet",
      plan.covered ? "good" : "attention",
    ),
    ...list("Notes", plan.notes),
    ...list("Not covered by a policy", plan.uncovered, 0, "warning"),
    ...list("Excluded by a directory role (not converted)", plan.excludedByRole ?? [], 0, "warning"),
    ...list("Guests a guest condition may leave out (not converted)", plan.guests ?? [], 0, "warning"),
    ...list(
      "Security defaults only: they only prompt when necessary (an approver must acknowledge)",
      plan.securityDefaultsOnly ?? [],
      0,
      "warning",
    ),
    line(
      plan.covered
        ? '"mfa convert execute" (once approved) sets everyone\'s per-user MFA to disabled.'
        : "Require MFA with Conditional Access (or security defaults) before converting.",
    ),
  ]);
}
