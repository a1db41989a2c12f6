import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Activity,
  type ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  type TurnContext,
} from "botbuilder";
import { z } from "zod";
import { isLoopbackAddress, isLoopbackUrl } from "../../src/config/loopback.js";
import { type HttpServer, type RouteHandler, sendJson } from "../../src/http/server.js";
import type { Logger } from "../../src/log.js";
import { errorOutcome } from "./handlers/answer.js";
import { MAX_ACTIVITY_BYTES, readJsonBody } from "./http-body.js";
import { outcomeActivity } from "./outgoing-activity.js";
import { botFrameworkAuthOptions, isEmulatorMode, type TeamsSettings } from "./settings.js";

type Authenticated = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication["authenticateRequest"]>>;

/**
 * botbuilder's CloudAdapter with authentication and processing kept apart: whatever goes
 * wrong checking the token (a bad signature, a wrong audience, no header) is a 401 before
 * any bot code runs, and a failure in the bot is a 500 — CloudAdapter.process reports some
 * token failures as 500.
 */
export class TeamsCloudAdapter extends CloudAdapter {
  authenticate(activity: Activity, authHeader: string): Promise<Authenticated> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  run(
    authenticated: Authenticated,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

export function createTeamsAdapter(settings: TeamsSettings, logger: Logger): TeamsCloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication(botFrameworkAuthOptions(settings));
  const adapter = new TeamsCloudAdapter(auth);
  adapter.onTurnError = async (context, err) => {
    logger.error({ err, activityType: context.activity.type }, "teams: turn failed");
    if (context.activity.type !== "message") return;
    try {
      await context.sendActivity(
        outcomeActivity(errorOutcome("Something went wrong handling that; nothing was changed.")),
      );
    } catch (sendErr) {
      logger.warn({ err: sendErr }, "teams: could not report a failed turn");
    }
  };
  return adapter;
}

/** Just enough to route and authenticate; botbuilder reads the rest. */
const incomingActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    conversation: z.object({ id: z.string().min(1).max(1024) }).loose(),
    from: z.object({ id: z.string().min(1).max(512) }).loose(),
  })
  .loose();

export interface TeamsRouteDeps {
  adapter: TeamsCloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  /**
   * No app id: nothing is authenticated, so only a local emulator may talk to the bot — a
   * request from another machine, or one naming a non-local serviceUrl (where the bot would
   * look its sender up), is refused. An empty MicrosoftAppId must not open the bot to anyone.
   */
  emulatorMode?: boolean;
}

/** `POST /api/messages`: the Bot Framework's messaging endpoint. */
export function teamsMessagesHandler({ adapter, bot, logger, emulatorMode }: TeamsRouteDeps): RouteHandler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (emulatorMode && !isLoopbackAddress(req.socket.remoteAddress)) {
      logger.warn({ remote: req.socket.remoteAddress }, "teams: emulator mode accepts local requests only");
      return sendJson(res, 401, { error: "unauthorized" });
    }
    const body = await readJsonBody(req);
    if (!body.ok) return sendJson(res, body.status, { error: body.error });
    const parsed = incomingActivitySchema.safeParse(body.value);
    if (!parsed.success) return sendJson(res, 400, { error: "not a Bot Framework activity" });
    const activity = parsed.data as unknown as Activity;
    if (emulatorMode && !isLoopbackUrl(activity.serviceUrl)) {
      logger.warn(
        { serviceUrl: activity.serviceUrl },
        "teams: emulator mode accepts a local serviceUrl only",
      );
      return sendJson(res, 401, { error: "unauthorized" });
    }

    let authenticated: Authenticated;
    try {
      authenticated = await adapter.authenticate(activity, String(req.headers.authorization ?? ""));
    } catch (err) {
      logger.warn(
        { reason: err instanceof Error ? err.message : String(err), serviceUrl: activity.serviceUrl },
        "teams: request refused: no valid Bot Framework token",
      );
      return sendJson(res, 401, { error: "unauthorized" });
    }

    const invoke = await adapter.run(authenticated, activity, (context) => bot.run(context));
    if (invoke?.body !== undefined) return sendJson(res, invoke.status, invoke.body);
    res.writeHead(invoke?.status ?? 200).end();
  };
}

/**
 * Mounts the Teams endpoint on the shared server. With MicrosoftAppId empty the bot runs in
 * the Bot Framework Emulator's mode: no authentication at all, for development only.
 */
export function mountTeams(server: HttpServer, settings: TeamsSettings, deps: TeamsRouteDeps): void {
  if (isEmulatorMode(settings)) {
    deps.logger.warn(
      "teams: MicrosoftAppId is empty — local emulator mode: /api/messages is NOT authenticated and answers local requests only; for development only",
    );
  }
  server.route(
    "POST",
    "/api/messages",
    teamsMessagesHandler({ ...deps, emulatorMode: isEmulatorMode(settings) }),
    { maxBodyBytes: MAX_ACTIVITY_BYTES },
  );
}
