import { redactUrls } from "./redact-url.js";

/**
 * Errors that stop the process before it does anything: bad environment or a bad
 * policy file. Each message is one line the operator can act on, and never carries
 * a secret value, so printing it as-is is safe.
 */
export abstract class StartupError extends Error {
  /** Each problem on its own, for callers that want to list them. */
  readonly problems: readonly string[];

  protected constructor(prefix: string, problems: readonly string[]) {
    super(`${prefix}: ${problems.join("; ")}`);
    this.problems = Object.freeze([...problems]);
  }
}

export class ConfigError extends StartupError {
  override readonly name = "ConfigError";

  constructor(problems: readonly string[]) {
    super("configuration", problems);
  }
}

export class PolicyError extends StartupError {
  override readonly name = "PolicyError";
  readonly path: string;

  constructor(path: string, problems: readonly string[]) {
    super(`policy file ${path}`, problems);
    this.path = path;
  }
}

/** Exit status for a configuration the operator must fix (as for a usage error). */
export const STARTUP_ERROR_EXIT_CODE = 2;

interface LineSink {
  write(line: string): unknown;
}

/**
 * For the CLI's top-level catch: a startup error becomes one line on stderr and exit
 * status 2 — a stack trace would hide the one thing the operator needs to read.
 * Anything else is a bug and is rethrown untouched.
 */
export function exitOnStartupError(
  err: unknown,
  stderr: LineSink = process.stderr,
  exit: (code: number) => never = process.exit,
): never {
  if (err instanceof StartupError) {
    stderr.write(`${redactUrls(oneLine(err.message))}\n`);
    return exit(STARTUP_ERROR_EXIT_CODE);
  }
  throw err;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ");
}
