import { main } from "./cli/main.js";
import { exitOnStartupError } from "./config/startup-error.js";

/** The command line: the one place that wires the parts together (src/cli/commands.ts lists them). */
main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  signals: process,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Configuration and policy problems: one clear line, no stack trace.
    exitOnStartupError(err);
  },
);
