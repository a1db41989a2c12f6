import { isUpn } from "../core/ids.js";
import { FlagError, type Options, optionLines, parseOptions, usageOf, type Values } from "./options.js";
import { SANDBOX_OPTIONS, type SandboxCliIo } from "./sandbox-options.js";

/**
 * Every `mfa-bot` command and its options, once: `mfa-bot --help`, `mfa-bot <command> --help`,
 * the usage lines in errors and the parsing all come from this table. The README's "Running it
 * for real" lists the same commands.
 *
 * Each command's code is imported when that command runs, not here: a `worker` process never
 * loads the HTTP server's Bolt and botbuilder stacks, the sandbox or the console, which would
 * only sit in its memory (README, "Memory").
 */

export type CliIo = SandboxCliIo;

interface CommandSpec<O extends Options> {
  readonly summary: string;
  readonly options: O;
  run(values: Values<O>, io: CliIo): Promise<number>;
}

interface Command<O extends Options> extends CommandSpec<O> {
  /** Reads the command's flags and runs it; a bad flag throws a FlagError. */
  start(args: readonly string[], io: CliIo): Promise<number>;
}

/** Keeps each command's options and its `run` in step (the compiler checks the values' types). */
function command<O extends Options>(spec: CommandSpec<O>): Command<O> {
  return { ...spec, start: (args, io) => spec.run(parseOptions(spec.options, args), io) };
}

const AS = {
  as: {
    value: "<upn>",
    description: "who types the commands (default: MFA_BOT_CONSOLE_AS, or ask with `as <upn>`)",
    read: (raw: string, flag: string) => {
      if (!isUpn(raw))
        throw new FlagError(
          `${flag} needs a UPN (e.g. ${flag} admin@contoso.com), not "${raw.slice(0, 60)}"`,
        );
      return raw;
    },
  },
} as const satisfies Options;

export const COMMANDS = {
  serve: command({
    summary: "the HTTP server: Slack (/slack/events), Teams (/api/messages), /healthz, /readyz, /metrics",
    options: {},
    run: async () => (await import("./serve.js")).runServe(),
  }),
  worker: command({
    summary: "the BullMQ worker: plans, applies through Graph, audits, answers",
    options: {},
    run: async () => (await import("./worker.js")).runWorker(),
  }),
  console: command({
    summary: "type commands, read answers, through the queue and a worker",
    options: AS,
    run: async (values) => (await import("./console.js")).runConsole(values.as),
  }),
  sandbox: command({
    summary: "the local tenant: a stand-in for Microsoft Graph; prints its URL",
    options: SANDBOX_OPTIONS,
    run: async (values, io) => {
      const sandbox = await import("./sandbox.js");
      return sandbox.runSandbox(sandbox.sandboxOptions(values), io);
    },
  }),
  demo: command({
    summary: "sandbox + worker + console in one go, for a first run",
    options: AS,
    run: async (values) => (await import("./demo.js")).runDemo(values.as),
  }),
} as const;

export type CommandName = keyof typeof COMMANDS;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** `usage: mfa-bot sandbox [--port N] …`. */
export function commandUsage(name: CommandName): string {
  const options = usageOf(COMMANDS[name].options);
  return `usage: mfa-bot ${name}${options ? ` ${options}` : ""}`;
}

/** `mfa-bot <command> --help`. */
export function commandHelp(name: CommandName): string {
  const { summary, options } = COMMANDS[name];
  const lines = optionLines(options);
  return [commandUsage(name), `  ${summary}`, ...(lines.length ? ["options:", ...lines] : [])].join("\n");
}

/** `mfa-bot --help`: every command, one line each. */
export function overview(): string {
  const names = Object.keys(COMMANDS).filter(isCommand);
  const width = Math.max(...names.map((name) => name.length));
  return [
    "usage: mfa-bot <command> [options]",
    ...names.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name].summary}`),
    "Options of a command: mfa-bot <command> --help. The version: mfa-bot --version.",
  ].join("\n");
}
