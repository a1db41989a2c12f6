import type { ChangeResultLine } from "../notify/outcome.js";
import type { Operation } from "../operations/operation.js";
import type { WorkerDeps } from "./deps.js";

const DAY_MS = 24 * 3600 * 1000;

/**
 * What follows a change: the user's "last change" for `status`, a registration reminder
 * for everyone left Enabled (Microsoft's per-user MFA page says to tell users they will be
 * asked to register: https://learn.microsoft.com/en-us/entra/identity/authentication/howto-mfa-userstates),
 * and for `disable … for 4h` the timed re-enable.
 */
/** afterApply for the lines not followed up yet (a staged bulk's canary was, at its pause). */
export async function followUp(deps: WorkerDeps, op: Operation, lines: ChangeResultLine[]): Promise<void> {
  const done = await deps.operations.followedUp(op.id);
  const fresh = lines.filter((line) => !done.has(line.upn));
  await afterApply(deps, op, fresh);
  await deps.operations.markFollowedUp(
    op.id,
    fresh.map((line) => line.upn),
  );
}

export async function afterApply(deps: WorkerDeps, op: Operation, lines: ChangeResultLine[]): Promise<void> {
  const at = deps.now().toISOString();
  const firstDay = deps.policy.reminders.scheduleDays[0] ?? 0;
  const users = new Map(op.views.flatMap((v) => (v.user ? [[v.user.upn, v.user] as const] : [])));
  const done = lines.filter((l) => l.ok);
  // Batched: after a bulk of thousands, one round trip each rather than thousands.
  await deps.operations.setLastChanges(
    done.map((line) => ({
      upn: line.upn,
      change: {
        operationId: op.id,
        at,
        actor: op.requester.upn,
        action: op.plan.action,
        from: line.from,
        ...(line.now ? { to: line.now } : {}),
      },
    })),
  );
  // What the drift sweep compares with: the state Graph reported after the bot's write.
  await deps.drift.record(
    done.flatMap((line) => {
      const user = users.get(line.upn);
      return user && line.now
        ? [{ userId: user.id, upn: line.upn, state: line.now, operationId: op.id, at }]
        : [];
    }),
  );
  await deps.queue.enqueueMany(
    done
      .filter((line) => line.now === "enabled" && line.from !== "enabled")
      .map((line) => {
        const user = users.get(line.upn);
        return {
          job: {
            kind: "reminder" as const,
            requestId: op.requestId,
            upn: line.upn,
            operationId: op.id,
            attempt: 0,
            replyTo: op.replyTo,
            requestedBy: op.requester.upn,
            // Sent today, the first reminder can trust the state just read back.
            ...(user && firstDay === 0 ? { readBack: { at, id: user.id, mail: user.mail ?? null } } : {}),
          },
          options: { dedupeKey: `${op.id}-${user?.id ?? line.upn}-0`, delayMs: firstDay * DAY_MS },
        };
      }),
  );
  if (op.plan.action === "disable" && op.forMinutes) {
    const disabled = lines.filter((l) => l.ok && l.now === "disabled" && l.from !== "disabled");
    for (const line of disabled) {
      await deps.queue.enqueue(
        {
          kind: "request",
          requestId: `${op.requestId}-reenable-${line.upn}`,
          requester: op.requester,
          replyTo: op.replyTo,
          command: {
            verb: "enable",
            target: { kind: "upn", upn: line.upn },
            reason: `end of the ${op.forMinutes}-minute disable (${op.id})`,
          },
          receivedAt: at,
        },
        { dedupeKey: `reenable-${op.id}-${line.upn}`, delayMs: op.forMinutes * 60_000 },
      );
    }
  }
}
