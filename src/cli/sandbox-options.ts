import type { Logger } from "../log.js";
import { numberFlag, type Options } from "./options.js";

/**
 * `mfa-bot sandbox`'s flags and what its run needs from the CLI, apart from the sandbox itself
 * (sandbox.ts): the table of commands lists these for help and parsing without loading the
 * sandbox into every process.
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
