import type { Outcome } from "../../../src/notify/outcome.js";
import { stateLabel, statusDriftLine } from "../../../src/notify/words.js";
import {
  type AdaptiveCard,
  adaptiveCard,
  field,
  heading,
  line,
  list,
  subtle,
  type Tone,
  userLabel,
  when,
} from "./elements.js";

type StatusOutcome = Extract<Outcome, { kind: "status" }>;

export function stateTone(state: string): Tone {
  switch (state) {
    case "enforced":
      return "good";
    case "enabled":
      return "accent";
    case "disabled":
      return "default";
    default:
      return "warning";
  }
}

export function statusCard(status: StatusOutcome): AdaptiveCard {
  const { registration } = status;
  const registered = registration.isMfaRegistered ? "yes" : "no";
  const methods = registration.methods.length > 0 ? registration.methods.join(", ") : "none";
  const last = status.lastChange;
  return adaptiveCard([
    heading(`Per-user MFA: ${userLabel(status.user)}`),
    field("State", stateLabel(status.state), stateTone(status.state)),
    field("Registered for MFA", registered, registration.isMfaRegistered ? "good" : "warning"),
    field("Methods", methods),
    ...(registration.defaultMethod ? [field("Default method", registration.defaultMethod)] : []),
    ...(status.reregistrationNeeded
      ? [field("Re-registration", "needed: the user must register their methods again", "warning")]
      : []),
    ...(status.isProtected
      ? [field("Protected", "break-glass account: no command changes it", "attention")]
      : []),
    field(
      "Conditional Access",
      status.coverage.covered
        ? `MFA required by ${status.coverage.by.join(", ") || "a policy"}`
        : status.coverage.kind === "securityDefaults"
          ? "no enabled policy; security defaults only prompt when necessary"
          : "no enabled policy or security defaults require MFA",
      status.coverage.covered ? "good" : "warning",
    ),
    ...list("Notes", status.coverage.notes),
    ...(status.drift ? [line(statusDriftLine(status.drift, status.state))] : []),
    ...list("Pending approvals", status.pendingApprovals),
    ...(last
      ? [
          field(
            "Last change through the bot",
            `${last.action}${last.from && last.to ? ` ${stateLabel(last.from)} → ${stateLabel(last.to)}` : ""} by ${last.actor}, ${when(last.at)}`,
          ),
          subtle(`operation ${last.operationId}`),
        ]
      : []),
  ]);
}
