import {
  type MethodType,
  PASSWORD_METHOD_ID,
  PHONE_METHOD_IDS,
  type SeedDirectoryRole,
  type SeedGroup,
  type SeedMethod,
} from "./seed-schema.js";
import { isMfaMethod, type TenantUser } from "./tenant.js";

/** The tenant's objects written the way Microsoft Graph writes them. */

const CREATED = "2024-01-01T08:00:00Z";

/** User properties `$select` may name (Graph has more; these are the ones a client plausibly asks for). */
export const USER_PROPERTIES = [
  "id",
  "businessPhones",
  "displayName",
  "givenName",
  "surname",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "userPrincipalName",
  "accountEnabled",
  "userType",
  "department",
  "companyName",
  "createdDateTime",
  "otherMails",
  "proxyAddresses",
  "onPremisesSyncEnabled",
  "onPremisesImmutableId",
  "externalUserState",
  "creationType",
  "usageLocation",
  "employeeId",
] as const;

export function userJson(user: TenantUser): Record<string, unknown> {
  const [givenName, ...rest] = user.displayName.split(" ");
  return {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: rest.length > 0 ? givenName : null,
    surname: rest.length > 0 ? rest.join(" ") : null,
    jobTitle: null,
    mail: user.mail ?? null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: "en-US",
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    userType: user.userType,
    // Invited guests carry their invitation's state; the tenant's own users have none
    // (https://learn.microsoft.com/graph/api/resources/user — externalUserState).
    externalUserState: user.userType === "Guest" ? "Accepted" : null,
    creationType: user.userType === "Guest" ? "Invitation" : null,
    createdDateTime: CREATED,
    otherMails: [],
    // `SMTP:` marks the primary address, `smtp:` the others
    // (https://learn.microsoft.com/graph/api/resources/user — proxyAddresses).
    proxyAddresses: user.proxyAddresses ?? (user.mail ? [`SMTP:${user.mail}`] : []),
  };
}

export const GROUP_PROPERTIES = [
  "id",
  "displayName",
  "description",
  "mail",
  "mailEnabled",
  "mailNickname",
  "securityEnabled",
  "groupTypes",
  "createdDateTime",
] as const;

export function groupJson(group: SeedGroup): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.group",
    id: group.id,
    displayName: group.displayName,
    description: null,
    mail: null,
    mailEnabled: false,
    mailNickname: group.displayName.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    securityEnabled: true,
    groupTypes: [],
    createdDateTime: CREATED,
  };
}

export const DIRECTORY_ROLE_PROPERTIES = ["id", "displayName", "description", "roleTemplateId"] as const;

/** https://learn.microsoft.com/graph/api/resources/directoryrole */
export function directoryRoleJson(role: SeedDirectoryRole): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.directoryRole",
    id: role.id,
    displayName: role.displayName,
    description: null,
    roleTemplateId: role.roleTemplateId,
  };
}

/** URL segment (`phoneMethods`, …) → method type, for the per-kind endpoints. */
export const METHOD_SEGMENTS: Readonly<Record<string, MethodType>> = {
  phonemethods: "phone",
  microsoftauthenticatormethods: "microsoftAuthenticator",
  softwareoathmethods: "softwareOath",
  fido2methods: "fido2",
  windowshelloforbusinessmethods: "windowsHelloForBusiness",
  emailmethods: "email",
  temporaryaccesspassmethods: "temporaryAccessPass",
  platformcredentialmethods: "platformCredential",
  externalauthenticationmethods: "external",
};

const ODATA_TYPES: Record<MethodType | "password", string> = {
  phone: "#microsoft.graph.phoneAuthenticationMethod",
  microsoftAuthenticator: "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
  softwareOath: "#microsoft.graph.softwareOathAuthenticationMethod",
  fido2: "#microsoft.graph.fido2AuthenticationMethod",
  windowsHelloForBusiness: "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
  email: "#microsoft.graph.emailAuthenticationMethod",
  temporaryAccessPass: "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
  platformCredential: "#microsoft.graph.platformCredentialAuthenticationMethod",
  external: "#microsoft.graph.externalAuthenticationMethod",
  password: "#microsoft.graph.passwordAuthenticationMethod",
};

export function passwordMethodJson(): Record<string, unknown> {
  return {
    "@odata.type": ODATA_TYPES.password,
    id: PASSWORD_METHOD_ID,
    password: null,
    createdDateTime: CREATED,
  };
}

export function methodJson(method: SeedMethod): Record<string, unknown> {
  const head = { "@odata.type": ODATA_TYPES[method.type], id: method.id };
  switch (method.type) {
    case "phone":
      return {
        ...head,
        phoneNumber: method.phoneNumber,
        phoneType: method.phoneType,
        smsSignInState: "notSupported",
      };
    case "microsoftAuthenticator":
      return {
        ...head,
        displayName: method.displayName ?? "Phone",
        deviceTag: "SoftwareTokenActivated",
        phoneAppVersion: "6.2409.6094",
        createdDateTime: CREATED,
      };
    case "softwareOath":
      return { ...head, secretKey: null };
    case "fido2":
      return {
        ...head,
        displayName: method.displayName ?? "Security key",
        createdDateTime: CREATED,
        aaGuid: "cb69481e-8ff7-4039-93ec-0a2729a154a8",
        model: "YubiKey 5 Series",
        attestationCertificates: [],
        attestationLevel: "attested",
      };
    case "windowsHelloForBusiness":
      return {
        ...head,
        displayName: method.displayName ?? "Windows device",
        createdDateTime: CREATED,
        keyStrength: "normal",
      };
    case "email":
      return { ...head, emailAddress: method.emailAddress };
    case "temporaryAccessPass":
      return {
        ...head,
        temporaryAccessPass: null,
        createdDateTime: CREATED,
        startDateTime: CREATED,
        lifetimeInMinutes: 60,
        isUsableOnce: false,
        isUsable: false,
        methodUsabilityReason: "Expired",
      };
    case "platformCredential":
      // https://learn.microsoft.com/graph/api/resources/platformcredentialauthenticationmethod
      return {
        ...head,
        displayName: method.displayName ?? "MacBook",
        createdDateTime: CREATED,
        keyStrength: "normal",
        platform: "macOS",
      };
    case "external":
      // https://learn.microsoft.com/graph/api/resources/externalauthenticationmethod
      return {
        ...head,
        displayName: method.displayName ?? "External MFA",
        createdDateTime: CREATED,
        configurationId: "b5a8e5e3-0000-4000-8000-00000000e4a1",
      };
  }
}

/** The password first, as Graph lists it, then the registered methods. */
export function methodsJson(user: TenantUser): Record<string, unknown>[] {
  return [passwordMethodJson(), ...user.methods.map(methodJson)];
}

/** The registration report's name for a method (`methodsRegistered`). */
function registeredName(method: SeedMethod): string {
  switch (method.type) {
    case "phone":
      return method.phoneType === "alternateMobile"
        ? "alternateMobilePhone"
        : method.phoneType === "office"
          ? "officePhone"
          : "mobilePhone";
    case "microsoftAuthenticator":
      return "microsoftAuthenticatorPush";
    case "softwareOath":
      return "softwareOneTimePasscode";
    case "fido2":
      return "passKeyDeviceBound";
    case "windowsHelloForBusiness":
      return "windowsHelloForBusiness";
    case "email":
      return "email";
    case "temporaryAccessPass":
      return "temporaryAccessPass";
    // The report's names (methodsRegistered is an open list; these are what it shows).
    case "platformCredential":
      return "macOsSecureEnclaveKey";
    case "external":
      return "externalAuthMethod";
  }
}

/** signInPreferences' and the report's value for a default method. */
export function preferredMethodName(method: SeedMethod | undefined): string {
  if (!method) return "none";
  if (method.type === "microsoftAuthenticator") return "push";
  if (method.type === "softwareOath") return "oath";
  if (method.type === "phone") {
    if (method.id === PHONE_METHOD_IDS.alternateMobile) return "voiceAlternateMobile";
    if (method.id === PHONE_METHOD_IDS.office) return "voiceOffice";
    return "sms";
  }
  return "none";
}

/** The method a preferred-method value points at, for PATCH signInPreferences. */
export function methodForPreference(user: TenantUser, preference: string): SeedMethod | undefined {
  const is = (m: SeedMethod) => preferredMethodName(m) === preference;
  if (preference === "voiceMobile") return user.methods.find((m) => m.id === PHONE_METHOD_IDS.mobile);
  return user.methods.find(is);
}

export function defaultMethodOf(user: TenantUser): SeedMethod | undefined {
  return user.methods.find((m) => m.id === user.defaultMethod);
}

const SSPR_TYPES: ReadonlySet<MethodType> = new Set([
  "phone",
  "email",
  "microsoftAuthenticator",
  "softwareOath",
]);

export function registrationJson(
  user: TenantUser,
  lastUpdated: Date,
  beta: boolean,
): Record<string, unknown> {
  const mfaRegistered = user.methods.some(isMfaMethod);
  const ssprRegistered = user.methods.some((m) => SSPR_TYPES.has(m.type));
  const defaultMethod = defaultMethodOf(user);
  const body: Record<string, unknown> = {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    userDisplayName: user.displayName,
    userType: user.userType === "Guest" ? "guest" : "member",
    isAdmin: user.isAdmin,
    isSsprRegistered: ssprRegistered,
    isSsprEnabled: true,
    isSsprCapable: ssprRegistered,
    isMfaRegistered: mfaRegistered,
    isMfaCapable: mfaRegistered,
    isPasswordlessCapable: user.methods.some(
      (m) => m.type === "fido2" || m.type === "windowsHelloForBusiness",
    ),
    methodsRegistered: user.methods.map(registeredName),
    isSystemPreferredAuthenticationMethodEnabled: false,
    systemPreferredAuthenticationMethods: [],
    userPreferredMethodForSecondaryAuthentication: preferredMethodName(defaultMethod),
    lastUpdatedDateTime: lastUpdated.toISOString(),
  };
  // `defaultMfaMethod` exists on beta only.
  if (beta)
    body.defaultMfaMethod =
      defaultMethod && isMfaMethod(defaultMethod) ? registeredName(defaultMethod) : "none";
  return body;
}

export const REGISTRATION_PROPERTIES = [
  "id",
  "userPrincipalName",
  "userDisplayName",
  "userType",
  "isAdmin",
  "isSsprRegistered",
  "isSsprEnabled",
  "isSsprCapable",
  "isMfaRegistered",
  "isMfaCapable",
  "isPasswordlessCapable",
  "methodsRegistered",
  "isSystemPreferredAuthenticationMethodEnabled",
  "systemPreferredAuthenticationMethods",
  "userPreferredMethodForSecondaryAuthentication",
  "lastUpdatedDateTime",
  "defaultMfaMethod",
] as const;
