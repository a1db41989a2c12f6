import type { Logger } from "../../src/log.js";
import type { SlackWebClient } from "./slack-client.js";

/**
 * The Slack workspace (or Enterprise Grid organisation) this app is installed in, and who from
 * Slack may act. The bot token says where it belongs: `auth.test` answers its `team_id`, and
 * `enterprise_id` with `is_enterprise_install` for an org-wide install
 * (https://api.slack.com/methods/auth.test). It is asked once, by the first request that gets
 * past its ack, and again only if that failed — never before an ack (Slack's 3-second deadline).
 * Until it has answered, requests are acknowledged and then checked; afterwards a request from
 * elsewhere is refused in the ack itself.
 */
export interface InstalledWorkspace {
  teamId: string | undefined;
  /** Set when the workspace belongs to an Enterprise Grid organisation. */
  enterpriseId: string | undefined;
}

/** The ids a request carries about where it came from. */
export interface RequestOrigin {
  /** Slash commands: `team_id`; interactivity: `team.id`. */
  teamId?: string | undefined;
  /** Slash commands: `enterprise_id`; interactivity: `enterprise.id` or `team.enterprise_id`. */
  enterpriseId?: string | undefined;
  /** Interactivity: `user.team_id`, the clicker's own workspace (another one for Slack Connect). */
  userTeamId?: string | undefined;
}

export const FOREIGN_WORKSPACE =
  "This app only serves the Slack workspace it is installed in; requests from other workspaces or organisations are refused.";

/** Whether a team (or its organisation) is the installed one: same workspace, or same Grid organisation. */
export function isInstalledTeam(
  installed: InstalledWorkspace,
  teamId: string | undefined,
  enterpriseId: string | undefined,
): boolean {
  if (teamId && installed.teamId && teamId === installed.teamId) return true;
  return Boolean(enterpriseId && installed.enterpriseId && enterpriseId === installed.enterpriseId);
}

/** A request from another workspace or organisation than the installed one: refused, whatever it asks. */
export function isFromInstalledWorkspace(installed: InstalledWorkspace, origin: RequestOrigin): boolean {
  if (!isInstalledTeam(installed, origin.teamId, origin.enterpriseId)) return false;
  return (
    origin.userTeamId === undefined || isInstalledTeam(installed, origin.userTeamId, origin.enterpriseId)
  );
}

export class SlackWorkspace {
  private known: InstalledWorkspace | undefined;
  private pending: Promise<InstalledWorkspace> | undefined;

  constructor(
    private readonly client: Pick<SlackWebClient, "auth">,
    private readonly logger: Logger,
  ) {}

  /** The installed workspace if auth.test has answered, without waiting. */
  current(): InstalledWorkspace | undefined {
    return this.known;
  }

  /** The installed workspace; rejects if Slack cannot say (the caller refuses the request then). */
  installed(): Promise<InstalledWorkspace> {
    if (this.known) return Promise.resolve(this.known);
    this.pending ??= this.client.auth
      .test()
      .then((answer) => {
        const teamId = answer.team_id || undefined;
        const enterpriseId = answer.enterprise_id || undefined;
        if (!teamId && !enterpriseId) throw new Error("auth.test named no team and no organisation");
        this.known = { teamId, enterpriseId };
        this.logger.info({ teamId, enterpriseId }, "slack: serving the workspace the bot token belongs to");
        return this.known;
      })
      .catch((err: unknown) => {
        this.pending = undefined;
        this.logger.error({ err }, "slack: auth.test failed; requests are refused until it answers");
        throw err;
      });
    return this.pending;
  }
}
