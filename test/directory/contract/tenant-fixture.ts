import { createHash } from "node:crypto";

/**
 * A tenant described once, in neutral terms, for the Directory contract: each run
 * (nock, sandbox) turns it into its own tenant. Nothing here knows how a run serves it.
 */

export type FixtureMethodType =
  | "phone"
  | "microsoftAuthenticator"
  | "softwareOath"
  | "fido2"
  | "windowsHelloForBusiness"
  | "email"
  | "temporaryAccessPass"
  | "platformCredential"
  | "external";

export interface FixtureMethod {
  id: string;
  type: FixtureMethodType;
  phoneType?: "mobile" | "alternateMobile" | "office";
  phoneNumber?: string;
  displayName?: string;
  emailAddress?: string;
}

export interface FixtureUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  userType: "Member" | "Guest";
  accountEnabled: boolean;
  perUserMfaState: "disabled" | "enabled" | "enforced";
  /** MFA was re-enabled over stale registration details: stays enabled until the user re-registers. */
  mustReregister: boolean;
  methods: FixtureMethod[];
  defaultMethodId?: string;
}

export interface FixtureGroup {
  id: string;
  displayName: string;
  /** User or group ids. */
  members: string[];
}

/** An activated directory role; CA policies name roles by `roleTemplateId`. */
export interface FixtureDirectoryRole {
  id: string;
  roleTemplateId: string;
  displayName: string;
  /** User or group ids. */
  members: string[];
}

/** A Conditional Access policy as Graph returns it (the fields the bot reads, plus some it ignores). */
export type FixtureCaPolicy = {
  id: string;
  displayName: string;
  state: string;
  conditions: Record<string, unknown>;
  grantControls: Record<string, unknown> | null;
} & Record<string, unknown>;

export interface TenantFixture {
  premium: boolean;
  securityDefaultsEnabled: boolean;
  users: FixtureUser[];
  groups: FixtureGroup[];
  directoryRoles: FixtureDirectoryRole[];
  conditionalAccessPolicies: FixtureCaPolicy[];
}

/** Graph's fixed ids for phone methods (one per phone type) and the password method. */
export const PHONE_IDS = {
  mobile: "3179e48a-750b-4051-897c-87b9720928f7",
  alternateMobile: "b6332ec1-7057-4abe-9331-3d72feddfe41",
  office: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
} as const;
export const PASSWORD_ID = "28c10230-6103-485e-b985-444c60001490";

/** A stable GUID per name, so assertions can name objects without a lookup. */
export function fixtureGuid(name: string): string {
  const hex = createHash("sha256").update(`directory-contract:${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const DOMAIN = "contoso.com";

function person(alias: string) {
  return { id: fixtureGuid(`user:${alias}`), userPrincipalName: `${alias}@${DOMAIN}` };
}

const methodId = (alias: string, kind: string) => fixtureGuid(`method:${alias}:${kind}`);

/** The users assertions name, one per situation. */
export const USERS = {
  /** disabled, nothing registered */
  disabledUnregistered: person("alexw"),
  /** disabled, Authenticator registered: enabling keeps them enabled until they re-register */
  disabledRegistered: person("brianj"),
  /** enabled, nothing registered */
  enabledUnregistered: person("adelev"),
  /** enforced; Authenticator (default), mobile, alternate mobile, OATH and email */
  severalMethods: person("alland"),
  /** enabled over stale registration details: re-enabling keeps them enabled */
  mustReregister: person("biancap"),
  /** enforced; the mail address is not the UPN */
  mailDiffers: { ...person("meganb"), mail: `megan.bowen@${DOMAIN}` },
  /** guest: `#` in the UPN */
  guest: { id: fixtureGuid("user:kim-guest"), userPrincipalName: `kim_fabrikam.com#EXT#@${DOMAIN}` },
  /** UPN starting with `$` */
  dollar: { id: fixtureGuid("user:svc-backup"), userPrincipalName: `$svc-backup@${DOMAIN}` },
  /** account disabled, Authenticator registered (the registration report leaves it out) */
  accountDisabled: person("nestorw"),
  /** excluded from every CA policy */
  breakglass: person("breakglass"),
  /** only an email method and a Temporary Access Pass: neither is an MFA registration */
  emailOnly: person("jonis"),
  /** a platform credential (Platform SSO), an external method and the Authenticator (default) */
  platformAndExternal: person("isaiahl"),
  /** a mobile and an alternate mobile phone, the alternate the default */
  alternateDefault: person("christiec"),
  /** holds the Global Administrator role (through a role-assignable group) */
  roleHolder: person("ada"),
} as const;

/** Microsoft's fixed template id of Global Administrator. */
export const GLOBAL_ADMIN_TEMPLATE_ID = "62e90394-69f5-4237-9190-012177145e10";

export const ROLES = {
  globalAdmin: {
    id: fixtureGuid("role:global-admin"),
    roleTemplateId: GLOBAL_ADMIN_TEMPLATE_ID,
    displayName: "Global Administrator",
  },
} as const;

export const PLATFORM_AND_EXTERNAL_IDS = {
  platformCredential: methodId("isaiahl", "platform"),
  external: methodId("isaiahl", "external"),
  authenticator: methodId("isaiahl", "authenticator"),
} as const;

export const SEVERAL_METHODS_IDS = {
  authenticator: methodId("alland", "authenticator"),
  oath: methodId("alland", "oath"),
  email: methodId("alland", "email"),
  mobile: PHONE_IDS.mobile,
  alternateMobile: PHONE_IDS.alternateMobile,
} as const;

/** Enough disabled users for more than two `$batch`es and more than one page of a group. */
export const BULK_USER_COUNT = 120;

export function bulkUser(index: number) {
  const name = `bulk${String(index).padStart(3, "0")}`;
  return {
    id: fixtureGuid(`user:${name}`),
    userPrincipalName: `${name}@${DOMAIN}`,
    displayName: `Bulk ${name}`,
  };
}

/** Every even bulk user has the Authenticator registered; odd ones have nothing. */
export function bulkUserIsRegistered(index: number): boolean {
  return index % 2 === 0;
}

export const GROUPS = {
  /** direct members plus the nested bulk group: more than one page of transitive members */
  everyone: { id: fixtureGuid("group:everyone"), displayName: "Everyone" },
  /** nested in `everyone`; `severalMethods` is a member of both */
  bulk: { id: fixtureGuid("group:bulk"), displayName: "Bulk users" },
  /** nobody in it */
  empty: { id: fixtureGuid("group:empty"), displayName: "Empty" },
  /** a role-assignable group holding Global Administrator */
  admins: { id: fixtureGuid("group:admins"), displayName: "Tenant admins" },
} as const;

export const REPORT_ONLY_POLICY_ID = fixtureGuid("ca:report-only");
export const ENFORCED_POLICY_ID = fixtureGuid("ca:enforced");
export const MEMBERS_POLICY_ID = fixtureGuid("ca:members");

function authenticator(alias: string): FixtureMethod {
  return { id: methodId(alias, "authenticator"), type: "microsoftAuthenticator", displayName: "iPhone 15" };
}

function mobile(number: string, phoneType: "mobile" | "alternateMobile" = "mobile"): FixtureMethod {
  return { id: PHONE_IDS[phoneType], type: "phone", phoneType, phoneNumber: number };
}

function user(
  handle: { id: string; userPrincipalName: string; mail?: string },
  displayName: string,
  rest: Partial<Omit<FixtureUser, "id" | "userPrincipalName" | "displayName">> = {},
): FixtureUser {
  return {
    id: handle.id,
    userPrincipalName: handle.userPrincipalName,
    displayName,
    mail: handle.mail ?? handle.userPrincipalName,
    userType: "Member",
    accountEnabled: true,
    perUserMfaState: "disabled",
    mustReregister: false,
    methods: [],
    ...rest,
  };
}

/** A CA policy shaped like Graph's, requiring MFA of all users for all apps. */
export function mfaForAllPolicy(input: {
  id: string;
  displayName: string;
  state: string;
  excludeUsers?: string[];
  excludeGroups?: string[];
}): FixtureCaPolicy {
  return {
    id: input.id,
    templateId: null,
    displayName: input.displayName,
    createdDateTime: "2024-01-15T09:00:00Z",
    modifiedDateTime: null,
    state: input.state,
    sessionControls: null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ["all"],
      platforms: null,
      locations: null,
      devices: null,
      applications: { includeApplications: ["All"], excludeApplications: [], includeUserActions: [] },
      users: {
        includeUsers: ["All"],
        excludeUsers: input.excludeUsers ?? [],
        includeGroups: [],
        excludeGroups: input.excludeGroups ?? [],
        includeRoles: [],
        excludeRoles: [],
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

/** A fresh copy each call: runs may keep and change it. */
export function contractTenant(): TenantFixture {
  const several = USERS.severalMethods;
  const named: FixtureUser[] = [
    user(USERS.disabledUnregistered, "Alex Wilber"),
    user(USERS.disabledRegistered, "Brian Johnson", {
      methods: [authenticator("brianj")],
      defaultMethodId: methodId("brianj", "authenticator"),
    }),
    user(USERS.enabledUnregistered, "Adele Vance", { perUserMfaState: "enabled" }),
    user(several, "Allan Deyoung", {
      perUserMfaState: "enforced",
      methods: [
        authenticator("alland"),
        mobile("+1 4255550101"),
        { id: SEVERAL_METHODS_IDS.oath, type: "softwareOath" },
        mobile("+1 4255550102", "alternateMobile"),
        { id: SEVERAL_METHODS_IDS.email, type: "email", emailAddress: "allan@outlook.com" },
      ],
      defaultMethodId: SEVERAL_METHODS_IDS.authenticator,
    }),
    user(USERS.mustReregister, "Bianca Pisani", {
      perUserMfaState: "enabled",
      mustReregister: true,
      methods: [mobile("+1 4255550103")],
      defaultMethodId: PHONE_IDS.mobile,
    }),
    user(USERS.mailDiffers, "Megan Bowen", {
      perUserMfaState: "enforced",
      methods: [mobile("+1 4255550104")],
      defaultMethodId: PHONE_IDS.mobile,
    }),
    user(USERS.guest, "Kim Akers (Fabrikam)", {
      mail: "kim@fabrikam.com",
      userType: "Guest",
      perUserMfaState: "enabled",
    }),
    user(USERS.dollar, "Backup service account", { mail: null }),
    user(USERS.accountDisabled, "Nestor Wilke", {
      accountEnabled: false,
      perUserMfaState: "enforced",
      methods: [authenticator("nestorw")],
      defaultMethodId: methodId("nestorw", "authenticator"),
    }),
    user(USERS.breakglass, "Break Glass"),
    user(USERS.platformAndExternal, "Isaiah Langer", {
      perUserMfaState: "enforced",
      methods: [
        {
          id: PLATFORM_AND_EXTERNAL_IDS.platformCredential,
          type: "platformCredential",
          displayName: "ISAIAH-MAC",
        },
        { id: PLATFORM_AND_EXTERNAL_IDS.external, type: "external", displayName: "Contoso MFA" },
        authenticator("isaiahl"),
      ],
      defaultMethodId: PLATFORM_AND_EXTERNAL_IDS.authenticator,
    }),
    user(USERS.alternateDefault, "Christie Cline", {
      perUserMfaState: "enforced",
      methods: [mobile("+1 4255550105"), mobile("+1 4255550106", "alternateMobile")],
      defaultMethodId: PHONE_IDS.alternateMobile,
    }),
    user(USERS.roleHolder, "Ada Admin", { perUserMfaState: "enforced" }),
    user(USERS.emailOnly, "Joni Sherman", {
      methods: [
        { id: methodId("jonis", "email"), type: "email", emailAddress: "joni@outlook.com" },
        { id: methodId("jonis", "tap"), type: "temporaryAccessPass" },
      ],
    }),
  ];
  const bulk: FixtureUser[] = [];
  for (let i = 0; i < BULK_USER_COUNT; i++) {
    const handle = bulkUser(i);
    bulk.push(
      user(
        handle,
        handle.displayName,
        bulkUserIsRegistered(i)
          ? {
              methods: [authenticator(`bulk${i}`)],
              defaultMethodId: methodId(`bulk${i}`, "authenticator"),
            }
          : {},
      ),
    );
  }
  return {
    premium: true,
    securityDefaultsEnabled: false,
    users: [...named, ...bulk],
    groups: [
      {
        ...GROUPS.everyone,
        members: [
          USERS.disabledUnregistered.id,
          USERS.severalMethods.id,
          USERS.mailDiffers.id,
          GROUPS.bulk.id,
        ],
      },
      { ...GROUPS.bulk, members: [...bulk.map((u) => u.id), USERS.severalMethods.id] },
      { ...GROUPS.empty, members: [] },
      { ...GROUPS.admins, members: [USERS.roleHolder.id] },
    ],
    directoryRoles: [{ ...ROLES.globalAdmin, members: [GROUPS.admins.id] }],
    conditionalAccessPolicies: [
      mfaForAllPolicy({
        id: REPORT_ONLY_POLICY_ID,
        displayName: "Require MFA for all users (report-only)",
        state: "enabledForReportingButNotEnforced",
        excludeUsers: [USERS.breakglass.id],
      }),
    ],
  };
}

/**
 * The same tenant with an enforcing policy for the tenant's members: Global Administrators
 * and B2B guests are excluded (the kind of policy that leaves admins to another policy).
 */
export function withMembersPolicy(tenant: TenantFixture): TenantFixture {
  const policy = mfaForAllPolicy({
    id: MEMBERS_POLICY_ID,
    displayName: "Require MFA for members",
    state: "enabled",
  });
  const conditions = policy.conditions as { users: Record<string, unknown> };
  conditions.users = {
    ...conditions.users,
    excludeRoles: [GLOBAL_ADMIN_TEMPLATE_ID],
    excludeGuestsOrExternalUsers: {
      guestOrExternalUserTypes: "b2bCollaborationGuest,b2bCollaborationMember",
      externalTenants: {
        "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants",
        membershipKind: "all",
      },
    },
  };
  return { ...tenant, conditionalAccessPolicies: [...tenant.conditionalAccessPolicies, policy] };
}

/** The same tenant with an enforcing policy that excludes the break-glass account and the nested bulk group. */
export function withEnforcedPolicy(tenant: TenantFixture): TenantFixture {
  return {
    ...tenant,
    conditionalAccessPolicies: [
      ...tenant.conditionalAccessPolicies,
      mfaForAllPolicy({
        id: ENFORCED_POLICY_ID,
        displayName: "Require MFA for all users",
        state: "enabled",
        excludeUsers: [USERS.breakglass.id],
        excludeGroups: [GROUPS.bulk.id],
      }),
    ],
  };
}
