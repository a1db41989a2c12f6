import type { Logger } from "../../../src/log.js";
import { FOREIGN_WORKSPACE, isFromInstalledWorkspace, type RequestOrigin } from "../workspace.js";
import type { ListenerDeps } from "./deps.js";

/**
 * Where a signed request comes from, checked before anything is queued: the installed
 * workspace (or its Grid organisation), and a response_url on Slack's own hosts. A signature
 * proves Slack sent it, not that it concerns this installation.
 */

export const UNTRUSTED_RESPONSE_URL =
  "This request names a response_url that is not Slack's, so it was refused.";

/**
 * What can be refused without calling Slack — before the ack: a response_url elsewhere, and a
 * foreign workspace once auth.test has answered. Undefined when nothing is wrong so far.
 */
export function refusalBeforeAck(
  deps: Pick<ListenerDeps, "workspace" | "isTrustedResponseUrl">,
  origin: RequestOrigin,
  responseUrl: string | undefined,
  log: Logger,
): string | undefined {
  if (responseUrl !== undefined && !deps.isTrustedResponseUrl(responseUrl)) {
    log.warn({ host: hostOf(responseUrl) }, "slack request refused: response_url is not a Slack host");
    return UNTRUSTED_RESPONSE_URL;
  }
  const installed = deps.workspace.current();
  if (installed && !isFromInstalledWorkspace(installed, origin)) {
    log.warn({ origin, installed }, "slack request refused: not from the installed workspace");
    return FOREIGN_WORKSPACE;
  }
  return undefined;
}

/** After the ack: the workspace check, waiting for auth.test if it has not answered yet. */
export async function refusalAfterAck(
  deps: Pick<ListenerDeps, "workspace">,
  origin: RequestOrigin,
  log: Logger,
): Promise<string | undefined> {
  let installed: Awaited<ReturnType<ListenerDeps["workspace"]["installed"]>>;
  try {
    installed = await deps.workspace.installed();
  } catch {
    return "I could not ask Slack which workspace this app is installed in, so nothing was done; try again in a minute.";
  }
  if (isFromInstalledWorkspace(installed, origin)) return undefined;
  log.warn({ origin, installed }, "slack request refused: not from the installed workspace");
  return FOREIGN_WORKSPACE;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(not a URL)";
  }
}
