import { runConsole } from "./cli/console.js";
import { runDemo } from "./cli/demo.js";
import { runServe } from "./cli/serve.js";
import { runWorker } from "./cli/worker.js";
import { exitOnStartupError } from "./config/startup-error.js";
import { runSandboxCli } from "./sandbox/cli.js";

const USAGE = `usage: mfa-bot <command>
  serve                      the HTTP server: Slack (/slack/events), Teams (/api/messages), /healthz, /readyz
  worker                     the BullMQ worker
  console [--as <upn>]       type commands, read answers, through the queue and a worker
  sandbox [--port N] [--seed FILE] [--latency MS] [--rate-limit N]   the local tenant
  demo                       sandbox + worker + console in one go`;

/** The command line: the one place that wires the parts together. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case "serve":
      return runServe();
    case "worker":
      return runWorker();
    case "console":
      return runConsole(args);
    case "sandbox":
      return runSandboxCli(args);
    case "demo":
      return runDemo(args);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`mfa-bot: unknown command "${command.slice(0, 40)}"\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Configuration and policy problems: one clear line, no stack trace.
    exitOnStartupError(err);
  },
);
