import { generateSeed } from "../sandbox/default-seed.js";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "../sandbox/index.js";
import { FlagError, parseOptions, type Values } from "./options.js";
import { SANDBOX_OPTIONS, type SandboxCliIo } from "./sandbox-options.js";

export { SANDBOX_OPTIONS, type SandboxCliIo } from "./sandbox-options.js";

/**
 * `mfa-bot sandbox …`: starts the local tenant, prints where it listens and the
 * environment that points the bot at it, and runs until SIGINT or SIGTERM.
 * Resolves to the process exit code: 0 after a clean stop, 1 when it cannot start.
 */

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
