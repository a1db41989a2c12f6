import { type CliIo, COMMANDS, commandHelp, commandUsage, isCommand, overview } from "./commands.js";
import { FlagError } from "./options.js";
import { version } from "./version.js";

const HELP = new Set(["help", "--help", "-h"]);

/**
 * `mfa-bot <command> [options]`, from the one table of commands (commands.ts). Returns the
 * exit code: 2 for a command or flag that does not exist or is wrong, 0 for help and version.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version") {
    io.out(`mfa-bot ${version()}`);
    return 0;
  }
  if (first === undefined || HELP.has(first)) {
    const topic = first === "help" ? rest[0] : undefined;
    io.out(topic !== undefined && isCommand(topic) ? commandHelp(topic) : overview());
    return first === undefined ? 2 : 0;
  }
  if (!isCommand(first)) {
    io.err(`mfa-bot: unknown command "${first.slice(0, 40)}"\n${overview()}`);
    return 2;
  }
  if (rest.some((arg) => arg === "--help" || arg === "-h")) {
    io.out(commandHelp(first));
    return 0;
  }
  try {
    return await COMMANDS[first].start(rest, io);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    io.err(`mfa-bot ${first}: ${error.message}. ${commandUsage(first)}`);
    return 2;
  }
}
