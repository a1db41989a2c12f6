import type { Logger } from "../../../src/log.js";
import type { JobSink } from "../../../src/queue/intake.js";
import type { BackgroundWork } from "../background.js";
import type { SlackIdentity } from "../identity.js";
import type { SlackWorkspace } from "../workspace.js";

/** What the listeners need; tests pass fakes for any of them. */
export interface ListenerDeps {
  queue: JobSink;
  identity: Pick<SlackIdentity, "upnOf" | "resolveTarget">;
  logger: Logger;
  background: BackgroundWork;
  /** The installed workspace: requests from other workspaces and organisations are refused. */
  workspace: Pick<SlackWorkspace, "current" | "installed">;
  /** Which response_url hosts a payload may name (slackResponseUrlCheck); others are refused. */
  isTrustedResponseUrl: (url: string) => boolean;
}
