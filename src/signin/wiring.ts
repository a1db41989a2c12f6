import type { Redis } from "ioredis";
import { SIGN_IN_CALLBACK_PATH } from "../config/env.js";
import type { HttpServer } from "../http/server.js";
import type { Logger } from "../log.js";
import type { JobSink } from "../queue/intake.js";
import type { AppCredential } from "./code-redemption.js";
import { LinkStore } from "./links.js";
import { mountSignIn } from "./routes.js";
import { SignInStore } from "./sign-in-store.js";
import { TenantKeys, type TenantKeysOptions } from "./tenant-keys.js";

/** What `/auth/start` and `/auth/callback` need from the process that serves them. */
export interface SignInWiring {
  /** MFA_BOT_PUBLIC_URL, without a trailing slash. */
  publicUrl: string;
  /** AZURE_AUTHORITY_HOST, without a trailing slash (the sandbox's URL in the demo and tests). */
  authorityHost: string;
  /** AZURE_TENANT_ID. */
  tenant: string;
  credential: AppCredential;
  /** The bot's state connection and key prefix (statePrefix), shared with the worker. */
  redis: Redis;
  statePrefix: string;
  jobs: JobSink;
  logger: Logger;
  /** Key cache tuning (tests shorten the refresh interval). */
  keys?: Pick<TenantKeysOptions, "minRefreshIntervalMs" | "refreshIntervalMs">;
}

/** Mounts the sign-in routes, as `serve` does (and the demo, and the end-to-end tests). */
export function mountSignInRoutes(server: HttpServer, w: SignInWiring): void {
  mountSignIn(server, {
    settings: {
      publicUrl: w.publicUrl,
      redirectUri: `${w.publicUrl}${SIGN_IN_CALLBACK_PATH}`,
      authorityHost: w.authorityHost,
      tenant: w.tenant,
      credential: w.credential,
    },
    signIns: new SignInStore(w.redis, w.statePrefix),
    links: new LinkStore(w.redis, w.statePrefix),
    keys: new TenantKeys({
      authorityHost: w.authorityHost,
      tenant: w.tenant,
      fetch,
      now: Date.now,
      logger: w.logger,
      ...w.keys,
    }),
    jobs: w.jobs,
    logger: w.logger,
  });
}
