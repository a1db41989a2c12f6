import type { FakeMember } from "../../helpers/fake-bot-connector.js";

/** Bot Framework activities as Teams sends them, for tests. */

export const TENANT_ID = "8a1f3c2e-5b6d-4e7f-9a0b-1c2d3e4f5a6b";
export const BOT = { id: "28:00000000-0000-0000-0000-00000000b07d", name: "MFA Bot" };
export const TEAM_ID = "19:team-general@thread.tacv2";
export const CHANNEL_ID = "19:mfa-ops@thread.tacv2";

export const HELPDESK: FakeMember = {
  id: "29:helpdesk-teams-id",
  aadObjectId: "11111111-1111-4111-8111-111111111111",
  name: "Helen Desk",
  userPrincipalName: "Helpdesk@Contoso.com",
};
export const ALICE: FakeMember = {
  id: "29:alice-teams-id",
  aadObjectId: "22222222-2222-4222-8222-222222222222",
  name: "Alice Smith",
  userPrincipalName: "alice@contoso.com",
};
export const MANAGER: FakeMember = {
  id: "29:manager-teams-id",
  aadObjectId: "33333333-3333-4333-8333-333333333333",
  name: "Mona Manager",
  userPrincipalName: "manager@contoso.com",
};

export type Activity = Record<string, unknown>;

let counter = 0;
const nextId = () => `${Date.now()}${++counter}`;

function from(member: FakeMember) {
  return { id: member.id, name: member.name, aadObjectId: member.aadObjectId };
}

export function personalConversationId(member: FakeMember): string {
  return `a:personal-${member.aadObjectId}`;
}

export function personalMessage(serviceUrl: string, text: string, sender: FakeMember = HELPDESK): Activity {
  return {
    type: "message",
    id: nextId(),
    timestamp: new Date().toISOString(),
    channelId: "msteams",
    serviceUrl,
    from: from(sender),
    recipient: BOT,
    conversation: { id: personalConversationId(sender), conversationType: "personal", tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
    text,
    textFormat: "plain",
    locale: "en-US",
  };
}

export function mention(member: { id: string; name: string; aadObjectId?: string }) {
  return {
    type: "mention",
    text: `<at>${member.name}</at>`,
    mentioned: {
      id: member.id,
      name: member.name,
      ...(member.aadObjectId ? { aadObjectId: member.aadObjectId } : {}),
    },
  };
}

/** A channel post: `@MFA Bot …`, in the thread of root message `rootId`. */
export function channelMessage(
  serviceUrl: string,
  text: string,
  options: {
    sender?: FakeMember;
    mentions?: Array<{ id: string; name: string; aadObjectId?: string }>;
    rootId?: string;
  } = {},
): Activity {
  const sender = options.sender ?? HELPDESK;
  const rootId = options.rootId ?? nextId();
  return {
    type: "message",
    id: rootId,
    timestamp: new Date().toISOString(),
    channelId: "msteams",
    serviceUrl,
    from: from(sender),
    recipient: BOT,
    conversation: {
      id: `${CHANNEL_ID};messageid=${rootId}`,
      conversationType: "channel",
      isGroup: true,
      tenantId: TENANT_ID,
    },
    channelData: {
      teamsChannelId: CHANNEL_ID,
      teamsTeamId: TEAM_ID,
      channel: { id: CHANNEL_ID },
      team: { id: TEAM_ID },
      tenant: { id: TENANT_ID },
    },
    entities: [mention(BOT), ...(options.mentions ?? []).map(mention)],
    text: `<at>${BOT.name}</at> ${text}`,
    textFormat: "plain",
  };
}

/** An Action.Execute click on a card posted as message `cardActivityId` in `conversation`. */
export function cardActionInvoke(
  serviceUrl: string,
  options: {
    verb: string;
    data: Record<string, unknown>;
    clicker: FakeMember;
    conversation: { id: string; conversationType: string };
    cardActivityId: string;
  },
): Activity {
  const inChannel = options.conversation.conversationType === "channel";
  return {
    type: "invoke",
    name: "adaptiveCard/action",
    id: nextId(),
    channelId: "msteams",
    serviceUrl,
    from: from(options.clicker),
    recipient: BOT,
    replyToId: options.cardActivityId,
    conversation: { ...options.conversation, tenantId: TENANT_ID, isGroup: inChannel },
    channelData: {
      tenant: { id: TENANT_ID },
      ...(inChannel ? { team: { id: TEAM_ID }, channel: { id: CHANNEL_ID } } : {}),
    },
    value: { action: { type: "Action.Execute", verb: options.verb, data: options.data }, trigger: "manual" },
  };
}

export function installationUpdate(
  serviceUrl: string,
  member: FakeMember,
  action: "add" | "remove",
): Activity {
  return {
    type: "installationUpdate",
    action,
    id: nextId(),
    channelId: "msteams",
    serviceUrl,
    from: from(member),
    recipient: BOT,
    conversation: { id: personalConversationId(member), conversationType: "personal", tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID }, source: { name: "message" } },
  };
}
