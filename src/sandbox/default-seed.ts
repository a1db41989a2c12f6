import { createHash } from "node:crypto";
import {
  PHONE_METHOD_IDS,
  type PhoneType,
  parseSeed,
  type SandboxSeed,
  type SandboxSeedInput,
} from "./seed-schema.js";

/**
 * The seed the sandbox ships with: a small contoso.com tenant with a user in every
 * per-user MFA situation the bot has to handle. Built in code, not random, so the
 * same ids come back on every run and tests and the demo can name people.
 */

/** A GUID derived from a name: stable across runs, distinct per name. */
export function guidFrom(name: string): string {
  const hex = createHash("sha1").update(`mfa-bot-sandbox:${name}`).digest("hex");
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const SANDBOX_DOMAIN = "contoso.com";

function account(alias: string) {
  return { id: guidFrom(`user:${alias}`), userPrincipalName: `${alias}@${SANDBOX_DOMAIN}` } as const;
}

/** The accounts the policy file, the demo and tests refer to by name. */
export const SANDBOX_ACCOUNTS = {
  breakglass: account("breakglass"),
  helpdesk: account("helpdesk"),
  admin: account("admin"),
  manager: account("manager"),
} as const;

/** Users that show one situation each, for tests and the demo script. */
export const SANDBOX_SAMPLE_USERS = {
  /** disabled, nothing registered */
  disabledUnregistered: account("alexw"),
  /** disabled, Authenticator registered: enabling keeps them Enabled until they re-register */
  disabledRegistered: account("brianj"),
  /** enabled, nothing registered: gets reminders */
  enabledUnregistered: account("adelev"),
  /** enabled with stale registration details: stays enabled until re-registration */
  mustReregister: [account("biancap"), account("irvins")],
  /** enforced with Authenticator (default), mobile and alternate mobile phones */
  severalMethods: account("alland"),
  /** enforced, only a mobile phone; UPN and mail differ */
  mailDiffersFromUpn: { ...account("meganb"), mail: `megan.bowen@${SANDBOX_DOMAIN}` },
  /** a guest: the `#` in the UPN must be encoded in URLs */
  guest: { id: guidFrom("user:kim-guest"), userPrincipalName: `kim_fabrikam.com#EXT#@${SANDBOX_DOMAIN}` },
  /** a UPN starting with `$`: Graph wants `/users('$svc-backup@contoso.com')` */
  dollarUpn: { id: guidFrom("user:svc-backup"), userPrincipalName: `$svc-backup@${SANDBOX_DOMAIN}` },
  /** a Global Administrator, enforced: the enforcing CA policy excludes the role */
  excludedByRole: account("admin"),
} as const;

export const SANDBOX_GROUPS = {
  finance: { id: guidFrom("group:finance"), displayName: "Finance" },
  financeControllers: { id: guidFrom("group:finance-controllers"), displayName: "Finance Controllers" },
  mfaHelpdesk: { id: guidFrom("group:mfa-helpdesk"), displayName: "MFA Helpdesk" },
} as const;

export const REPORT_ONLY_CA_POLICY_ID = guidFrom("ca:require-mfa-all-users");
export const MEMBERS_CA_POLICY_ID = guidFrom("ca:require-mfa-members");

/**
 * Activated directory roles, with Microsoft's fixed template ids
 * (https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference).
 */
export const SANDBOX_DIRECTORY_ROLES = {
  globalAdministrator: {
    id: guidFrom("role:global-administrator"),
    roleTemplateId: "62e90394-69f5-4237-9190-012177145e10",
    displayName: "Global Administrator",
  },
  helpdeskAdministrator: {
    id: guidFrom("role:helpdesk-administrator"),
    roleTemplateId: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    displayName: "Helpdesk Administrator",
  },
} as const;

type SeedUserInput = NonNullable<SandboxSeedInput["users"]>[number];
type SeedMethodInput = NonNullable<SeedUserInput["methods"]>[number];

function phoneNumberFor(alias: string, phoneType: PhoneType): string {
  const digits = Number.parseInt(guidFrom(`phone:${alias}:${phoneType}`).slice(0, 6), 16) % 10_000;
  return `+1 425555${String(digits).padStart(4, "0")}`;
}

const method = {
  authenticator: (alias: string): SeedMethodInput => ({
    id: guidFrom(`method:${alias}:authenticator`),
    type: "microsoftAuthenticator",
    displayName: "iPhone 15",
  }),
  oath: (alias: string): SeedMethodInput => ({ id: guidFrom(`method:${alias}:oath`), type: "softwareOath" }),
  fido2: (alias: string): SeedMethodInput => ({
    id: guidFrom(`method:${alias}:fido2`),
    type: "fido2",
    displayName: "YubiKey 5 NFC",
  }),
  hello: (alias: string): SeedMethodInput => ({
    id: guidFrom(`method:${alias}:hello`),
    type: "windowsHelloForBusiness",
    displayName: `${alias.toUpperCase()}-LAPTOP`,
  }),
  email: (alias: string): SeedMethodInput => ({
    id: guidFrom(`method:${alias}:email`),
    type: "email",
    emailAddress: `${alias}@outlook.com`,
  }),
  tap: (alias: string): SeedMethodInput => ({
    id: guidFrom(`method:${alias}:tap`),
    type: "temporaryAccessPass",
  }),
  phone: (alias: string, phoneType: PhoneType): SeedMethodInput => ({
    id: PHONE_METHOD_IDS[phoneType],
    type: "phone",
    phoneType,
    phoneNumber: phoneNumberFor(alias, phoneType),
  }),
};

interface Person {
  alias: string;
  displayName: string;
  state?: "disabled" | "enabled" | "enforced";
  methods?: (alias: string) => SeedMethodInput[];
  /** Index into the methods list of the default method. */
  defaultIndex?: number;
  mustReregister?: boolean;
  isAdmin?: boolean;
  accountEnabled?: boolean;
  mail?: string | null;
}

function user(p: Person): SeedUserInput {
  const methods = p.methods?.(p.alias) ?? [];
  const base = account(p.alias);
  return {
    ...base,
    displayName: p.displayName,
    mail: p.mail === undefined ? base.userPrincipalName : p.mail,
    accountEnabled: p.accountEnabled ?? true,
    perUserMfaState: p.state ?? "disabled",
    mustReregister: p.mustReregister ?? false,
    isAdmin: p.isAdmin ?? false,
    methods,
    ...(p.defaultIndex === undefined ? {} : { defaultMethod: methods[p.defaultIndex]!.id }),
  };
}

const STAFF: Person[] = [
  {
    alias: "breakglass",
    displayName: "Break Glass (emergency access)",
    isAdmin: true,
    methods: (a) => [method.fido2(a)],
    defaultIndex: 0,
  },
  {
    alias: "helpdesk",
    displayName: "Hal Helpdesk",
    state: "enforced",
    methods: (a) => [method.authenticator(a)],
    defaultIndex: 0,
  },
  {
    alias: "admin",
    displayName: "Ada Admin",
    state: "enforced",
    isAdmin: true,
    methods: (a) => [method.authenticator(a), method.phone(a, "mobile")],
    defaultIndex: 0,
  },
  {
    alias: "manager",
    displayName: "Mona Manager",
    state: "enforced",
    methods: (a) => [method.authenticator(a), method.oath(a)],
    defaultIndex: 0,
  },
];

const FINANCE: Person[] = [
  { alias: "adelev", displayName: "Adele Vance", state: "enabled" },
  { alias: "alexw", displayName: "Alex Wilber" },
  {
    alias: "alland",
    displayName: "Allan Deyoung",
    state: "enforced",
    methods: (a) => [method.authenticator(a), method.phone(a, "mobile"), method.phone(a, "alternateMobile")],
    defaultIndex: 0,
  },
  {
    alias: "biancap",
    displayName: "Bianca Pisani",
    state: "enabled",
    mustReregister: true,
    methods: (a) => [method.phone(a, "mobile")],
    defaultIndex: 0,
  },
  {
    alias: "brianj",
    displayName: "Brian Johnson",
    methods: (a) => [method.authenticator(a)],
    defaultIndex: 0,
  },
  { alias: "cameronw", displayName: "Cameron White", state: "enabled" },
  {
    alias: "christiec",
    displayName: "Christie Cline",
    state: "enforced",
    methods: (a) => [method.oath(a), method.phone(a, "mobile")],
    defaultIndex: 0,
  },
  { alias: "debrab", displayName: "Debra Berger" },
];

const FINANCE_CONTROLLERS: Person[] = [
  { alias: "diegos", displayName: "Diego Siciliani", state: "enabled" },
  {
    alias: "emilyb",
    displayName: "Emily Braun",
    state: "enforced",
    methods: (a) => [method.fido2(a), method.authenticator(a)],
    defaultIndex: 1,
  },
];

const OTHERS: Person[] = [
  { alias: "enricoc", displayName: "Enrico Cattaneo" },
  { alias: "gradya", displayName: "Grady Archie" },
  { alias: "henriettam", displayName: "Henrietta Mueller", state: "enabled" },
  {
    alias: "irvins",
    displayName: "Irvin Sayers",
    state: "enabled",
    mustReregister: true,
    methods: (a) => [method.authenticator(a), method.phone(a, "mobile")],
    defaultIndex: 1,
  },
  {
    alias: "isaiahl",
    displayName: "Isaiah Langer",
    state: "enforced",
    methods: (a) => [method.hello(a), method.authenticator(a)],
    defaultIndex: 1,
  },
  { alias: "johannal", displayName: "Johanna Lorenz" },
  { alias: "jonis", displayName: "Joni Sherman", methods: (a) => [method.email(a)] },
  {
    alias: "jordanm",
    displayName: "Jordan Miller",
    state: "enforced",
    methods: (a) => [method.phone(a, "office")],
    defaultIndex: 0,
  },
  { alias: "leeg", displayName: "Lee Gu" },
  { alias: "lidiah", displayName: "Lidia Holloway", state: "enabled" },
  {
    alias: "lynner",
    displayName: "Lynne Robbins",
    methods: (a) => [method.authenticator(a)],
    defaultIndex: 0,
  },
  {
    alias: "meganb",
    displayName: "Megan Bowen",
    state: "enforced",
    mail: SANDBOX_SAMPLE_USERS.mailDiffersFromUpn.mail,
    methods: (a) => [method.phone(a, "mobile")],
    defaultIndex: 0,
  },
  { alias: "miriamg", displayName: "Miriam Graham", accountEnabled: false },
  {
    alias: "nestorw",
    displayName: "Nestor Wilke",
    state: "enforced",
    accountEnabled: false,
    methods: (a) => [method.authenticator(a)],
    defaultIndex: 0,
  },
  { alias: "pattif", displayName: "Patti Fernandez", state: "enabled" },
  { alias: "pradeepg", displayName: "Pradeep Gupta", methods: (a) => [method.tap(a)] },
  { alias: "raulr", displayName: "Raul Razo" },
  {
    alias: "sandyw",
    displayName: "Sandy Woods",
    state: "enforced",
    methods: (a) => [method.authenticator(a), method.email(a)],
    defaultIndex: 0,
  },
  { alias: "taraq", displayName: "Tara Quinn", state: "enabled" },
  { alias: "victoro", displayName: "Victor Ortiz" },
];

function specialUsers(): SeedUserInput[] {
  return [
    {
      ...SANDBOX_SAMPLE_USERS.guest,
      displayName: "Kim Akers (Fabrikam)",
      mail: "kim@fabrikam.com",
      userType: "Guest",
      perUserMfaState: "enabled",
    },
    { ...SANDBOX_SAMPLE_USERS.dollarUpn, displayName: "Backup service account", mail: null },
  ];
}

function reportOnlyCaPolicy(excludedUserId: string) {
  return {
    id: REPORT_ONLY_CA_POLICY_ID,
    templateId: null,
    displayName: "Require MFA for all users",
    createdDateTime: "2024-01-15T09:00:00Z",
    modifiedDateTime: "2024-03-01T09:00:00Z",
    state: "enabledForReportingButNotEnforced",
    sessionControls: null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ["all"],
      platforms: null,
      locations: null,
      devices: null,
      clientApplications: null,
      applications: {
        includeApplications: ["All"],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        applicationFilter: null,
      },
      users: {
        includeUsers: ["All"],
        excludeUsers: [excludedUserId],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
      },
    },
    grantControls: {
      operator: "OR",
      builtInControls: ["mfa"],
      customAuthenticationFactors: [],
      termsOfUse: [],
      authenticationStrength: null,
    },
  };
}

/**
 * An enforcing policy that leaves out, as real tenants often do, the Global Administrators
 * (covered by another policy, or not) and B2B guests: the users the convert plan must name
 * apart, since this policy does not require MFA of them.
 */
function membersCaPolicy(excludedUserId: string) {
  const base = reportOnlyCaPolicy(excludedUserId);
  return {
    ...base,
    id: MEMBERS_CA_POLICY_ID,
    displayName: "Require MFA for members",
    state: "enabled",
    conditions: {
      ...base.conditions,
      users: {
        ...base.conditions.users,
        excludeRoles: [SANDBOX_DIRECTORY_ROLES.globalAdministrator.roleTemplateId],
        // https://learn.microsoft.com/graph/api/resources/conditionalaccessguestsorexternalusers
        excludeGuestsOrExternalUsers: {
          guestOrExternalUserTypes: "b2bCollaborationGuest,b2bCollaborationMember",
          externalTenants: {
            "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants",
            membershipKind: "all",
          },
        },
      },
    },
  };
}

/**
 * The shipped tenant: 36 users, groups Finance (with a nested group) and MFA Helpdesk, two
 * directory roles, a report-only CA policy and an enforcing one that excludes Global
 * Administrators and B2B guests. Security defaults are off: a tenant that uses Conditional
 * Access must turn them off (https://learn.microsoft.com/entra/fundamentals/security-defaults#disabling-security-defaults).
 */
export function defaultSeed(): SandboxSeed {
  const ids = (people: Person[]) => people.map((p) => account(p.alias).id);
  const input: SandboxSeedInput = {
    premium: true,
    securityDefaultsEnabled: false,
    users: [...STAFF, ...FINANCE, ...FINANCE_CONTROLLERS, ...OTHERS].map(user).concat(specialUsers()),
    groups: [
      {
        ...SANDBOX_GROUPS.finance,
        members: [...ids(FINANCE), SANDBOX_GROUPS.financeControllers.id],
      },
      {
        ...SANDBOX_GROUPS.financeControllers,
        // Allan is in both: transitive members must list him once.
        members: [...ids(FINANCE_CONTROLLERS), SANDBOX_SAMPLE_USERS.severalMethods.id],
      },
      { ...SANDBOX_GROUPS.mfaHelpdesk, members: [SANDBOX_ACCOUNTS.helpdesk.id] },
    ],
    directoryRoles: [
      {
        ...SANDBOX_DIRECTORY_ROLES.globalAdministrator,
        members: [SANDBOX_ACCOUNTS.breakglass.id, SANDBOX_ACCOUNTS.admin.id],
      },
      { ...SANDBOX_DIRECTORY_ROLES.helpdeskAdministrator, members: [SANDBOX_GROUPS.mfaHelpdesk.id] },
    ],
    conditionalAccessPolicies: [
      reportOnlyCaPolicy(SANDBOX_ACCOUNTS.breakglass.id),
      membersCaPolicy(SANDBOX_ACCOUNTS.breakglass.id),
    ],
  };
  return parseSeed(input, "default seed");
}

export const BENCH_DOMAIN = "bench.contoso.com";
export const BENCH_GROUP_ID = guidFrom("group:bench-all");

/**
 * A tenant for benchmarks: `users` disabled, unregistered users named
 * user0001@bench.contoso.com …, all in one group (BENCH_GROUP_ID), plus the
 * staff accounts so the bot has an admin, an approver and a helpdesk to act as.
 */
export function generateSeed(options: { users: number }): SandboxSeed {
  const count = options.users;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`users must be a whole number ≥ 0, not ${count}`);
  const width = Math.max(4, String(count).length);
  const benchUsers: SeedUserInput[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `user${String(i).padStart(width, "0")}`;
    const upn = `${name}@${BENCH_DOMAIN}`;
    benchUsers.push({
      id: guidFrom(`bench:${name}`),
      userPrincipalName: upn,
      displayName: `Bench ${name}`,
      mail: upn,
    });
  }
  return parseSeed(
    {
      users: [...STAFF.map(user), ...benchUsers],
      groups: [
        { id: BENCH_GROUP_ID, displayName: "Bench users", members: benchUsers.map((u) => u.id) },
        { ...SANDBOX_GROUPS.mfaHelpdesk, members: [SANDBOX_ACCOUNTS.helpdesk.id] },
      ],
      conditionalAccessPolicies: [],
    },
    "generated seed",
  );
}
