import type { Logger } from "../../../src/log.js";
import type { RequestQueue } from "../../../src/queue/queues.js";
import type { BackgroundWork } from "../background.js";
import type { SlackIdentity } from "../identity.js";

/** What the listeners need; tests pass fakes for any of them. */
export interface ListenerDeps {
  queue: Pick<RequestQueue, "enqueue">;
  identity: Pick<SlackIdentity, "upnOf" | "resolveTarget">;
  logger: Logger;
  background: BackgroundWork;
}
