import { isProtected } from "../config/roles.js";
import type { TargetView } from "../core/plan-types.js";
import { isDirectoryError } from "../directory/errors.js";
import type { DirectoryUser, MfaCoverage, Registration } from "../directory/port.js";
import type { DirectoryTarget } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { mapLimit } from "./map-limit.js";

export interface GatherNeeds {
  /** Registration details (methods): for enable/enforce/reregister flags and status. */
  registration: boolean;
  /** Conditional Access / security defaults coverage: for disable, convert, status. */
  coverage: boolean;
}

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
    needs.registration ? readEach(deps, ids, (id) => deps.directory.getRegistration(id)) : null,
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
      upn: user.userPrincipalName.toLowerCase(),
      displayName: user.displayName,
      ...(user.mail ? { mail: user.mail } : {}),
    },
    perUserMfaState: state,
    registration: registration
      ? {
          isMfaRegistered: registration.isMfaRegistered,
          methods: registration.methodsRegistered,
          defaultMethod: registration.defaultMethod,
        }
      : UNREGISTERED,
    isProtected: isProtected(deps.policy, user.userPrincipalName),
    coveredByConditionalAccess: coverage?.covered ?? false,
  };
}

/** Reads the states again (batched) for views gathered earlier: the drift check at apply time. */
export async function refreshStates(deps: WorkerDeps, views: readonly TargetView[]): Promise<TargetView[]> {
  const ids = views.flatMap((v) => (v.user ? [v.user.id] : []));
  const states = await deps.directory.getMfaStates(ids);
  return views.map((view) => {
    if (!view.user) return view;
    const state = states.get(view.user.id);
    if (state instanceof Error || state === undefined) throw state ?? new Error("state read failed");
    return { ...view, perUserMfaState: state };
  });
}

async function findUsers(deps: WorkerDeps, targets: readonly DirectoryTarget[]): Promise<Found[]> {
  const perTarget = await mapLimit(
    targets,
    deps.settings.lookupConcurrency,
    async (target): Promise<Found[]> => {
      if (target.kind === "group") {
        try {
          const members = await deps.directory.groupMembers(target.id);
          return members.map((user) => ({ ref: user.userPrincipalName.toLowerCase(), user }));
        } catch (err) {
          if (isDirectoryError(err, "notFound")) return [{ ref: `group:${target.id}`, user: null }];
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
