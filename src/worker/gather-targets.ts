import { accountOfView, isProtected } from "../config/roles.js";
import { CHANGE_ACTIONS, type ChangeAction, type ChangeActionSpec } from "../core/actions.js";
import { canonicalAddress, groupRef } from "../core/ids.js";
import type { TargetView } from "../core/plan-types.js";
import { isDirectoryError } from "../directory/errors.js";
import type { CoverageGap, DirectoryUser, MfaCoverage, Registration } from "../directory/port.js";
import type { DirectoryTarget } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { mapLimit } from "./map-limit.js";

/** What the rules need to know of the targets besides their state (src/core/actions.ts). */
export type GatherNeeds = Pick<ChangeActionSpec, "registration" | "coverage">;

interface Found {
  ref: string;
  user: DirectoryUser | null;
}

const UNREGISTERED: TargetView["registration"] = { isMfaRegistered: false, methods: [], defaultMethod: null };

/** The directory's current view of every target, in the order asked, groups expanded, users once. */
export async function gatherTargets(
  deps: WorkerDeps,
  targets: readonly DirectoryTarget[],
  needs: GatherNeeds,
): Promise<TargetView[]> {
  const found = await findUsers(deps, targets);
  const ids = found.flatMap((f) => (f.user ? [f.user.id] : []));
  const [states, registrations, coverage] = await Promise.all([
    deps.directory.getMfaStates(ids),
    readRegistrations(deps, ids, needs.registration),
    needs.coverage ? readEach(deps, ids, (id) => deps.directory.mfaCoverage(id)) : null,
  ]);
  return found.map(({ ref, user }) => {
    if (!user) {
      return {
        ref,
        user: null,
        perUserMfaState: "disabled",
        registration: UNREGISTERED,
        isProtected: false,
        coveredByConditionalAccess: false,
      };
    }
    return viewOf(deps, ref, user, states.get(user.id), registrations?.get(user.id), coverage?.get(user.id));
  });
}

function viewOf(
  deps: WorkerDeps,
  ref: string,
  user: DirectoryUser,
  state: string | Error | undefined,
  registration: Registration | undefined,
  coverage: MfaCoverage | undefined,
): TargetView {
  if (state instanceof Error || state === undefined) {
    // A failed read must never look like a known state: the engine refuses unknown states.
    throw state ?? new Error(`no per-user MFA state came back for ${user.userPrincipalName}`);
  }
  return {
    ref,
    user: {
      id: user.id,
      upn: canonicalAddress(user.userPrincipalName),
      displayName: user.displayName,
      ...(user.mail ? { mail: user.mail } : {}),
      ...(user.proxyAddresses?.length ? { proxyAddresses: [...user.proxyAddresses] } : {}),
    },
    perUserMfaState: state,
    registration: registration ? summary(registration) : UNREGISTERED,
    // Whichever name the request used, the account is protected by any of its names.
    isProtected: isProtected(deps.policy, user),
    ...coverageFields(coverage),
  };
}

const GAP_WORDS: Readonly<Record<CoverageGap, string>> = {
  excludedByRole: "excluded from a Conditional Access policy by a directory role",
  guestOrExternalUser: "a guest or external user a policy's guest condition may leave out",
};

/** What the engine needs of a user's coverage: CA, security defaults alone, and why neither. */
function coverageFields(
  coverage: MfaCoverage | undefined,
): Pick<TargetView, "coveredByConditionalAccess" | "coveredBySecurityDefaultsOnly" | "coverageNote"> {
  const note = (coverage?.gaps ?? []).map((gap) => GAP_WORDS[gap]).join("; ");
  return {
    coveredByConditionalAccess: coverage?.covered ?? false,
    ...(coverage?.kind === "securityDefaults" ? { coveredBySecurityDefaultsOnly: true } : {}),
    ...(note ? { coverageNote: note } : {}),
  };
}

/** What each action needs to know about its targets before the engine can plan. */
export function needsFor(action: ChangeAction): GatherNeeds {
  return CHANGE_ACTIONS[action];
}

/**
 * The drift check at apply time: the views gathered for the plan, read again where the
 * rules depend on them — states (batched), protection (the policy may have changed), CA
 * coverage and live registration where the action needs them. A user who is gone becomes
 * "not found", which changes the plan.
 */
export async function refreshViews(
  deps: WorkerDeps,
  views: readonly TargetView[],
  action: ChangeAction,
): Promise<TargetView[]> {
  const needs = needsFor(action);
  const ids = views.flatMap((v) => (v.user ? [v.user.id] : []));
  // Coverage decides whether disabling leaves users without MFA: read it fresh, not cached.
  if (needs.coverage) deps.directory.forgetPolicies();
  const [states, registrations, coverage] = await Promise.all([
    deps.directory.getMfaStates(ids),
    needs.registration === "live" ? readRegistrations(deps, ids, "live") : null,
    needs.coverage ? readEach(deps, ids, (id) => deps.directory.mfaCoverage(id)) : null,
  ]);
  return views.map((view) => {
    if (!view.user) return view;
    const state = states.get(view.user.id);
    if (isDirectoryError(state, "notFound")) return { ...view, user: null };
    if (state instanceof Error || state === undefined) throw state ?? new Error("state read failed");
    const registration = registrations?.get(view.user.id);
    const { coveredBySecurityDefaultsOnly: _defaults, coverageNote: _note, ...rest } = view;
    return {
      ...(coverage ? rest : view),
      perUserMfaState: state,
      isProtected: isProtected(deps.policy, accountOfView(view.user)),
      ...(coverage ? coverageFields(coverage.get(view.user.id)) : {}),
      ...(registration ? { registration: summary(registration) } : {}),
    };
  });
}

function summary(registration: Registration): TargetView["registration"] {
  return {
    isMfaRegistered: registration.isMfaRegistered,
    methods: registration.methodsRegistered,
    defaultMethod: registration.defaultMethod,
  };
}

/**
 * Registrations of these users: from the report (`report`), except for users the bot
 * changed recently, who are read live like everyone under `live` — the report lags.
 */
export async function readRegistrations(
  deps: WorkerDeps,
  ids: readonly string[],
  how: GatherNeeds["registration"],
): Promise<Map<string, Registration> | null> {
  if (!how) return null;
  const changed = how === "live" ? null : await deps.operations.registrationChangedRecently(ids);
  if (ids.length <= 1) {
    return readEach(deps, ids, (id) =>
      deps.directory.getRegistration(id, { live: how === "live" || (changed?.has(id) ?? false) }),
    );
  }
  // Many users (a bulk's preview): read in bulk, never one report request per user.
  const live = ids.filter((id) => how === "live" || (changed?.has(id) ?? false));
  const rest = ids.filter((id) => !(how === "live" || (changed?.has(id) ?? false)));
  const [fresh, reported] = await Promise.all([
    deps.directory.getRegistrations(live, { live: true }),
    deps.directory.getRegistrations(rest),
  ]);
  return new Map([...reported, ...fresh]);
}

/** Before the bot changes users' methods or state: read them live for a while (see readRegistrations). */
export async function markRegistrationChanged(deps: WorkerDeps, ids: readonly string[]): Promise<void> {
  await deps.operations.markRegistrationChanged(ids, deps.settings.liveRegistrationMinutes * 60);
}

async function findUsers(deps: WorkerDeps, targets: readonly DirectoryTarget[]): Promise<Found[]> {
  const perTarget = await mapLimit(
    targets,
    deps.settings.lookupConcurrency,
    async (target): Promise<Found[]> => {
      if (target.kind === "group") {
        try {
          const members = await deps.directory.groupMembers(target.id);
          return members.map((user) => ({ ref: canonicalAddress(user.userPrincipalName), user }));
        } catch (err) {
          if (isDirectoryError(err, "notFound")) return [{ ref: groupRef(target.id), user: null }];
          throw err;
        }
      }
      const ref = target.kind === "upn" ? target.upn : target.id;
      return [{ ref: target.label ?? ref, user: await deps.directory.getUser(ref) }];
    },
  );
  const seen = new Set<string>();
  return perTarget.flat().filter((f) => {
    const key = f.user ? `id:${f.user.id}` : `ref:${f.ref}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function readEach<T>(deps: WorkerDeps, ids: readonly string[], read: (id: string) => Promise<T>) {
  const values = await mapLimit(ids, deps.settings.lookupConcurrency, read);
  return new Map(ids.map((id, i) => [id, values[i] as T]));
}
