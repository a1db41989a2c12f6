import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { z } from "zod";

/**
 * The sandbox tenant's seed: who exists, their per-user MFA state, their registered
 * methods, groups and Conditional Access policies. Strict, so a typo in a seed file
 * is an error rather than a silently different tenant.
 */

/** Graph gives phone methods fixed ids, one per phone type. */
export const PHONE_METHOD_IDS = {
  mobile: "3179e48a-750b-4051-897c-87b9720928f7",
  alternateMobile: "b6332ec1-7057-4abe-9331-3d72feddfe41",
  office: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
} as const;

/** The one password method every user has; it cannot be deleted. */
export const PASSWORD_METHOD_ID = "28c10230-6103-485e-b985-444c60001490";

export const METHOD_TYPES = [
  "phone",
  "microsoftAuthenticator",
  "softwareOath",
  "fido2",
  "windowsHelloForBusiness",
  "email",
  "temporaryAccessPass",
  /** Platform SSO (macOS Secure Enclave key): https://learn.microsoft.com/graph/api/resources/platformcredentialauthenticationmethod */
  "platformCredential",
  /** External authentication method (EAM): https://learn.microsoft.com/graph/api/resources/externalauthenticationmethod */
  "external",
] as const;
export type MethodType = (typeof METHOD_TYPES)[number];

export const PHONE_TYPES = ["mobile", "alternateMobile", "office"] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

/** What a PATCH may set. */
export const SETTABLE_MFA_STATES = ["disabled", "enabled", "enforced"] as const;
/** What a seed may hold: Graph's evolvable enum also has `unknownFutureValue`, which clients must survive. */
export const SEED_MFA_STATES = [...SETTABLE_MFA_STATES, "unknownFutureValue"] as const;

const methodSchema = z.strictObject({
  id: z.string().min(1),
  type: z.enum(METHOD_TYPES),
  phoneType: z.enum(PHONE_TYPES).optional(),
  phoneNumber: z.string().min(1).optional(),
  displayName: z.string().optional(),
  emailAddress: z.string().min(3).optional(),
});

const userSchema = z.strictObject({
  id: z.guid(),
  userPrincipalName: z.string().regex(/^[^@\s]+@[^@\s]+$/, "expected a UPN like name@domain"),
  displayName: z.string().min(1),
  mail: z.string().nullable().optional(),
  /** Graph's `proxyAddresses`; absent = the primary `SMTP:` address of `mail`, if any. */
  proxyAddresses: z.array(z.string().min(1)).optional(),
  userType: z.enum(["Member", "Guest"]).default("Member"),
  accountEnabled: z.boolean().default(true),
  perUserMfaState: z.enum(SEED_MFA_STATES).default("disabled"),
  /** Re-enabled with stale registration details: stays `enabled` until the user re-registers. */
  mustReregister: z.boolean().default(false),
  isAdmin: z.boolean().default(false),
  methods: z.array(methodSchema).default([]),
  /** The id of one of this user's methods. */
  defaultMethod: z.string().optional(),
});

const groupSchema = z.strictObject({
  id: z.guid(),
  displayName: z.string().min(1),
  /** Ids of users or of other groups (nested groups are expanded transitively). */
  members: z.array(z.guid()).default([]),
});

/**
 * An activated directory role (https://learn.microsoft.com/graph/api/resources/directoryrole):
 * Conditional Access names roles by `roleTemplateId`.
 */
const directoryRoleSchema = z.strictObject({
  id: z.guid(),
  roleTemplateId: z.guid(),
  displayName: z.string().min(1),
  /** Ids of users, or of (role-assignable) groups whose members hold the role. */
  members: z.array(z.guid()).default([]),
});

/**
 * The application permissions (app roles) of Microsoft Graph that the bot uses, each the
 * least privileged one its endpoints document. The default seed grants them all.
 */
export const BOT_PERMISSIONS = [
  "User.Read.All",
  "GroupMember.Read.All",
  "RoleManagement.Read.Directory",
  "Policy.Read.All",
  "Policy.ReadWrite.AuthenticationMethod",
  "AuditLog.Read.All",
  "UserAuthenticationMethod.Read.All",
  "UserAuthenticationMethod.ReadWrite.All",
] as const;

/**
 * The bot's app registration in this tenant: the application permissions an admin
 * consented to (tokens carry exactly these), and the certificates registered on it
 * (https://learn.microsoft.com/entra/identity-platform/certificate-credentials) — when
 * any is, a client assertion must be signed by one of them.
 */
const applicationSchema = z.strictObject({
  permissions: z.array(z.string().min(1)).default([...BOT_PERMISSIONS]),
  /** PEM X.509 certificates (public keys only). */
  certificates: z.array(z.string().min(1)).default([]),
  /**
   * Web redirect URIs registered for user sign-in; when any is, the authorize endpoint refuses
   * others (AADSTS50011, https://learn.microsoft.com/entra/identity-platform/reply-url). None: any.
   */
  redirectUris: z.array(z.url()).default([]),
});

/** Graph's policy objects carry many fields; the sandbox checks the ones it reads and keeps the rest. */
const caPolicySchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().min(1),
  state: z.string().min(1),
  conditions: z.looseObject({}),
  grantControls: z.looseObject({}).nullable().optional(),
});

export const sandboxSeedSchema = z
  .strictObject({
    premium: z.boolean().default(true),
    securityDefaultsEnabled: z.boolean().default(false),
    users: z.array(userSchema).default([]),
    groups: z.array(groupSchema).default([]),
    directoryRoles: z.array(directoryRoleSchema).default([]),
    conditionalAccessPolicies: z.array(caPolicySchema).default([]),
    application: applicationSchema.prefault({}),
  })
  .superRefine((seed, ctx) => {
    const userIds = new Set<string>();
    const upns = new Set<string>();
    seed.users.forEach((user, i) => {
      const id = user.id.toLowerCase();
      if (userIds.has(id))
        ctx.addIssue({ code: "custom", path: ["users", i, "id"], message: "duplicate id" });
      userIds.add(id);
      const upn = user.userPrincipalName.toLowerCase();
      if (upns.has(upn))
        ctx.addIssue({ code: "custom", path: ["users", i, "userPrincipalName"], message: "duplicate UPN" });
      upns.add(upn);
      checkMethods(user, (path, message) =>
        ctx.addIssue({ code: "custom", path: ["users", i, ...path], message }),
      );
    });
    const groupIds = new Set(seed.groups.map((g) => g.id.toLowerCase()));
    /** Members of a group or a role are users or groups of this seed. */
    const checkMembers = (members: readonly string[], path: (string | number)[]) => {
      members.forEach((member, j) => {
        const m = member.toLowerCase();
        if (!userIds.has(m) && !groupIds.has(m))
          ctx.addIssue({ code: "custom", path: [...path, j], message: "no user or group has this id" });
      });
    };
    seed.groups.forEach((group, i) => {
      if (userIds.has(group.id.toLowerCase()))
        ctx.addIssue({ code: "custom", path: ["groups", i, "id"], message: "id already used by a user" });
      checkMembers(group.members, ["groups", i, "members"]);
    });
    seed.application.certificates.forEach((pem, i) => {
      try {
        new X509Certificate(pem);
      } catch {
        ctx.addIssue({
          code: "custom",
          path: ["application", "certificates", i],
          message: "not a PEM X.509 certificate",
        });
      }
    });
    seed.directoryRoles.forEach((role, i) => {
      checkMembers(role.members, ["directoryRoles", i, "members"]);
    });
  });

type SeedUserShape = z.output<typeof userSchema>;

function checkMethods(
  user: SeedUserShape,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const ids = new Set<string>();
  user.methods.forEach((method, j) => {
    if (ids.has(method.id)) issue(["methods", j, "id"], "duplicate method id");
    ids.add(method.id);
    if (method.type === "phone") {
      if (!method.phoneType) issue(["methods", j, "phoneType"], "a phone method needs phoneType");
      else if (method.id !== PHONE_METHOD_IDS[method.phoneType])
        issue(
          ["methods", j, "id"],
          `a ${method.phoneType} phone has the id ${PHONE_METHOD_IDS[method.phoneType]}`,
        );
      if (!method.phoneNumber) issue(["methods", j, "phoneNumber"], "a phone method needs phoneNumber");
    } else if (method.phoneType !== undefined || method.phoneNumber !== undefined) {
      issue(["methods", j], "phoneType and phoneNumber belong to phone methods only");
    }
    if (method.type === "email" && !method.emailAddress)
      issue(["methods", j, "emailAddress"], "an email method needs emailAddress");
  });
  if (user.defaultMethod !== undefined && !ids.has(user.defaultMethod))
    issue(["defaultMethod"], "not the id of one of this user's methods");
}

/** What a seed file or object may say (defaults not yet applied). */
export type SandboxSeedInput = z.input<typeof sandboxSeedSchema>;
/** A validated seed, defaults applied. */
export type SandboxSeed = z.output<typeof sandboxSeedSchema>;
export type SeedUser = SandboxSeed["users"][number];
export type SeedMethod = SeedUser["methods"][number];
export type SeedGroup = SandboxSeed["groups"][number];
export type SeedDirectoryRole = SandboxSeed["directoryRoles"][number];
export type SeedApplication = SandboxSeed["application"];
export type SeedCaPolicy = SandboxSeed["conditionalAccessPolicies"][number];

export class SeedError extends Error {
  override name = "SeedError";
}

/** Validates a seed; the error names the source and every bad field by its path. */
export function parseSeed(input: unknown, source = "seed"): SandboxSeed {
  const parsed = sandboxSeedSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new SeedError(`invalid sandbox ${source}: ${problems.join("; ")}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

export async function loadSeedFile(path: string): Promise<SandboxSeed> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SeedError(`cannot read sandbox seed ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedError(`sandbox seed ${path} is not JSON: ${(error as Error).message}`);
  }
  return parseSeed(json, `seed ${path}`);
}
