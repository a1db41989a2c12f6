import type { Logger } from "../log.js";
import { generateSeed } from "./default-seed.js";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "./index.js";

/**
 * `mfa-bot sandbox …`: starts the local tenant, prints where it listens and the
 * environment that points the bot at it, and runs until SIGINT or SIGTERM.
 * Resolves to the process exit code: 0 after a clean stop, 1 when it cannot start,
 * 2 for bad flags.
 */

export const SANDBOX_USAGE =
  "usage: mfa-bot sandbox [--port N] [--seed FILE | --users N] [--latency MS] [--rate-limit N] [--fault-rate X] [--persist [FILE]]";

export interface SandboxCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where SIGINT/SIGTERM come from; `process` unless a test passes its own emitter. */
  signals: Pick<NodeJS.Process, "once" | "off">;
  /** Where the sandbox logs (silent unless given; the main CLI passes its pino logger). */
  logger?: Logger;
}

const defaultIo: SandboxCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  signals: process,
};

class FlagError extends Error {}

export function parseSandboxArgs(args: readonly string[]): SandboxOptions {
  const options: SandboxOptions = {};
  let users: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const [name, inline] = flag.includes("=")
      ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)]
      : [flag, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith("--")) throw new FlagError(`${name} needs a value`);
      i++;
      return next;
    };
    const number = (what: string, check: (n: number) => boolean): number => {
      const raw = value();
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n) || !check(n))
        throw new FlagError(`${name} needs ${what}, not '${raw}'`);
      return n;
    };
    switch (name) {
      case "--port":
        options.port = number("a port number 0-65535", (n) => Number.isInteger(n) && n >= 0 && n <= 65535);
        break;
      case "--seed":
        options.seed = value();
        break;
      case "--users":
        users = number("a whole number of users", (n) => Number.isInteger(n) && n >= 0);
        break;
      case "--latency":
        options.latencyMs = number("milliseconds ≥ 0", (n) => n >= 0);
        break;
      case "--rate-limit":
        options.rateLimit = number("requests per second > 0", (n) => n > 0);
        break;
      case "--fault-rate":
        options.faultRate = number("a probability between 0 and 1", (n) => n >= 0 && n <= 1);
        break;
      case "--persist": {
        const next = args[i + 1];
        if (inline !== undefined) options.persist = inline;
        else if (next !== undefined && !next.startsWith("--")) {
          options.persist = next;
          i++;
        } else options.persist = true;
        break;
      }
      default:
        throw new FlagError(`unknown flag '${flag}'`);
    }
  }
  if (users !== undefined) {
    if (options.seed !== undefined) throw new FlagError("--seed and --users cannot be used together");
    options.seed = generateSeed({ users });
  }
  if (options.persist === true && typeof options.seed !== "string") {
    throw new FlagError(
      "--persist without a FILE writes back to the --seed file; give --seed FILE or --persist FILE",
    );
  }
  return options;
}

export async function runSandboxCli(args: readonly string[], io: SandboxCliIo = defaultIo): Promise<number> {
  let options: SandboxOptions;
  try {
    options = parseSandboxArgs(args);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    io.err(`mfa-bot sandbox: ${error.message}. ${SANDBOX_USAGE}`);
    return 2;
  }
  let sandbox: SandboxHandle;
  try {
    sandbox = await startSandbox(io.logger ? { ...options, logger: io.logger } : options);
  } catch (error) {
    io.err(`mfa-bot sandbox: cannot start: ${(error as Error).message}`);
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
