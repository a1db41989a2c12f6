import type { Logger } from "../log.js";
import { generateSeed } from "../sandbox/default-seed.js";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "../sandbox/index.js";
import { FlagError, numberFlag, type Options, parseOptions, type Values } from "./options.js";

/**
 * `mfa-bot sandbox …`: starts the local tenant, prints where it listens and the
 * environment that points the bot at it, and runs until SIGINT or SIGTERM.
 * Resolves to the process exit code: 0 after a clean stop, 1 when it cannot start.
 */

export const SANDBOX_OPTIONS = {
  port: {
    value: "N",
    description: "port to listen on (default: any free one)",
    read: numberFlag("a port number 0-65535", (n) => Number.isInteger(n) && n >= 0 && n <= 65535),
  },
  seed: { value: "FILE", description: "the tenant to serve, as a seed file", excludes: "users" },
  users: {
    value: "N",
    description: "a generated tenant of N users instead of the default one",
    read: numberFlag("a whole number of users", (n) => Number.isInteger(n) && n >= 0),
  },
  latency: {
    value: "MS",
    description: "answer every request this much later",
    read: numberFlag("milliseconds ≥ 0", (n) => n >= 0),
  },
  "rate-limit": {
    value: "N",
    description: "Graph operations a second ($batch items count); beyond that, 429 with Retry-After",
    read: numberFlag("requests per second > 0", (n) => n > 0),
  },
  limits: {
    value: "documented",
    description:
      "throttle each route class with Microsoft Graph's published limits (writes, reads, reports, Conditional Access)",
  },
  "limit-scale": {
    value: "X",
    description:
      "with --limits documented: shrink every limit's count and window by X (0-1], keeping its rate",
    read: numberFlag("a factor above 0 and at most 1", (n) => n > 0 && n <= 1),
  },
  "fault-rate": {
    value: "X",
    description: "the share (0-1) of Graph operations answered 503 with Retry-After: 1",
    read: numberFlag("a probability between 0 and 1", (n) => n >= 0 && n <= 1),
  },
  persist: {
    value: "FILE",
    optionalValue: true,
    description: "write the tenant's state to FILE (without one: back to the --seed file)",
  },
} as const satisfies Options;

export interface SandboxCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where SIGINT/SIGTERM come from; `process` unless a test passes its own emitter. */
  signals: Pick<NodeJS.Process, "once" | "off">;
  /** Where the sandbox logs (silent unless given; the main CLI passes its pino logger). */
  logger?: Logger;
}

/** The sandbox's options from the command line's values. */
export function sandboxOptions(values: Values<typeof SANDBOX_OPTIONS>): SandboxOptions {
  const options: SandboxOptions = {};
  if (values.port !== undefined) options.port = values.port;
  if (values.seed !== undefined) options.seed = values.seed;
  if (values.users !== undefined) options.seed = generateSeed({ users: values.users });
  if (values.latency !== undefined) options.latencyMs = values.latency;
  if (values["rate-limit"] !== undefined) options.rateLimit = values["rate-limit"];
  if (values.limits !== undefined) {
    if (values.limits !== "documented")
      throw new FlagError(`--limits takes "documented", not "${values.limits}"`);
    options.limits = "documented";
  }
  if (values["limit-scale"] !== undefined) {
    if (options.limits !== "documented") throw new FlagError("--limit-scale needs --limits documented");
    options.limitScale = values["limit-scale"];
  }
  if (values["fault-rate"] !== undefined) options.faultRate = values["fault-rate"];
  if (values.persist !== undefined) options.persist = values.persist;
  if (options.persist === true && typeof options.seed !== "string") {
    throw new FlagError(
      "--persist without a FILE writes back to the --seed file; give --seed FILE or --persist FILE",
    );
  }
  return options;
}

/** The sandbox's options as `mfa-bot sandbox` reads them; throws FlagError for bad flags. */
export function parseSandboxArgs(args: readonly string[]): SandboxOptions {
  return sandboxOptions(parseOptions(SANDBOX_OPTIONS, args));
}

export async function runSandbox(options: SandboxOptions, io: SandboxCliIo): Promise<number> {
  let sandbox: SandboxHandle;
  try {
    sandbox = await startSandbox(io.logger ? { ...options, logger: io.logger } : options);
  } catch (error) {
    io.err(`mfa-bot sandbox: cannot start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  io.out(`sandbox tenant listening on ${sandbox.url}`);
  io.out(
    `GRAPH_BASE_URL=${sandbox.url} AZURE_AUTHORITY_HOST=${sandbox.url} AZURE_TENANT_ID=sandbox AZURE_CLIENT_ID=sandbox AZURE_CLIENT_SECRET=sandbox`,
  );
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      io.signals.off("SIGINT", stop);
      io.signals.off("SIGTERM", stop);
      resolveStop();
    };
    io.signals.once("SIGINT", stop);
    io.signals.once("SIGTERM", stop);
  });
  await sandbox.close();
  return 0;
}
