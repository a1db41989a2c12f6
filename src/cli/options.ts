import { parseArgs } from "node:util";

/**
 * Command-line options declared once, read with node:util's parseArgs. Each command of the
 * table (commands.ts) lists its options here; the usage line, `--help` and the parsing all
 * come from the same declaration.
 */

/** A flag that is wrong as given: the message says what it needs (exit code 2). */
export class FlagError extends Error {
  override readonly name = "FlagError";
}

export interface OptionSpec<T = unknown> {
  /** What the value is called in the usage (`N`, `FILE`); without one the option is a switch. */
  readonly value?: string;
  /** The value may be left out (`--persist [FILE]`): the option is then `true`. */
  readonly optionalValue?: boolean;
  readonly description: string;
  /** Reads and checks the value; throws a FlagError naming what it needs. */
  readonly read?: (raw: string, flag: string) => T;
  /** Another option this one cannot be used with (`--seed FILE | --users N`). */
  readonly excludes?: string;
}

export type Options = Readonly<Record<string, OptionSpec>>;

type ValueOf<O> = O extends { read: (raw: string, flag: string) => infer T }
  ? O extends { optionalValue: true }
    ? T | true
    : T
  : O extends { optionalValue: true }
    ? string | true
    : O extends { value: string }
      ? string
      : boolean;

/** The values given on the command line, each as its option reads it. */
export type Values<O extends Options> = { -readonly [K in keyof O]?: ValueOf<O[K]> };

/** `[--port N] [--seed FILE | --users N] [--persist [FILE]]`. */
export function usageOf(options: Options): string {
  const shown = new Set<string>();
  const parts: string[] = [];
  const one = (name: string, spec: OptionSpec) => {
    shown.add(name);
    if (!spec.value) return `--${name}`;
    return spec.optionalValue ? `--${name} [${spec.value}]` : `--${name} ${spec.value}`;
  };
  for (const [name, spec] of Object.entries(options)) {
    if (shown.has(name)) continue;
    const other = spec.excludes ? options[spec.excludes] : undefined;
    parts.push(
      other && spec.excludes ? `[${one(name, spec)} | ${one(spec.excludes, other)}]` : `[${one(name, spec)}]`,
    );
  }
  return parts.join(" ");
}

/** One line an option: `  --port N          what it is`. */
export function optionLines(options: Options): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const value = spec.value ? (spec.optionalValue ? ` [${spec.value}]` : ` ${spec.value}`) : "";
    return [`--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  return rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
}

/** The flag a parseArgs error is about, as typed. */
function flagOf(message: string): string {
  return /'(-[^' ]+)/.exec(message)?.[1] ?? "a flag";
}

/** Reads `args` against `options`; throws FlagError for anything not declared or not right. */
export function parseOptions<O extends Options>(options: O, args: readonly string[]): Values<O> {
  const config: Record<string, { type: "string" | "boolean" }> = {};
  for (const [name, spec] of Object.entries(options))
    config[name] = { type: spec.value ? "string" : "boolean" };
  // An option whose value may be left out gets an empty one when the next word is another flag.
  const given = args.flatMap((arg, i) => {
    const name = arg.startsWith("--") ? arg.slice(2) : "";
    const next = args[i + 1];
    const bare = options[name]?.optionalValue && (next === undefined || next.startsWith("--"));
    return bare ? [arg, ""] : [arg];
  });
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: given, options: config, strict: true, allowPositionals: false });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new FlagError(`unknown flag '${flagOf(message)}'`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE")
      throw new FlagError(`${flagOf(message)} needs a value`);
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw new FlagError(`unexpected '${/'([^']*)'/.exec(message)?.[1] ?? "argument"}'`);
    }
    throw error;
  }
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    const spec = options[name]!;
    if (typeof raw !== "string") values[name] = raw;
    else if (spec.optionalValue && raw === "") values[name] = true;
    else values[name] = spec.read ? spec.read(raw, `--${name}`) : raw;
  }
  for (const [name, spec] of Object.entries(options)) {
    if (spec.excludes && values[name] !== undefined && values[spec.excludes] !== undefined) {
      throw new FlagError(`--${name} and --${spec.excludes} cannot be used together`);
    }
  }
  return values as Values<O>;
}

/** A number option's reader: the value must be a number `check` accepts; `what` says which. */
export function numberFlag(
  what: string,
  check: (n: number) => boolean,
): (raw: string, flag: string) => number {
  return (raw, flag) => {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || !check(n)) {
      throw new FlagError(`${flag} needs ${what}, not '${raw}'`);
    }
    return n;
  };
}
