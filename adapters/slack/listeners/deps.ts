import type { Logger } from "../../../src/log.js";
import type { JobSink } from "../../../src/queue/intake.js";
import type { BackgroundWork } from "../background.js";
import type { SlackIdentity } from "../identity.js";

/** What the listeners need; tests pass fakes for any of them. */
export interface ListenerDeps {
  queue: JobSink;
  identity: Pick<SlackIdentity, "upnOf" | "resolveTarget">;
  logger: Logger;
  background: BackgroundWork;
}
