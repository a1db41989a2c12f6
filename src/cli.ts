import { main } from "./cli/main.js";
import { redactUrls } from "./config/redact-url.js";
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
    try {
      // Configuration and policy problems: one clear line, no stack trace.
      exitOnStartupError(err);
    } catch (bug) {
      // Anything else is a bug: its stack, with any credentials in URLs hidden.
      process.stderr.write(
        `${redactUrls(bug instanceof Error ? (bug.stack ?? bug.message) : String(bug))}\n`,
      );
      process.exit(1);
    }
  },
);
