import { describe, expect, expectTypeOf, it } from "vitest";
import type { Command } from "../../src/core/command.js";
import { HELP_TEXT, parseCommand, USAGE } from "../../src/core/grammar.js";
import { authorize } from "../../src/core/permissions.js";
import {
  type DecisionVerb,
  type RequestVerb,
  VERB_NAMES,
  VERBS,
  type Verb,
  type VerbSpec,
  verbsTaking,
  wordsOf,
} from "../../src/core/verbs.js";
import type { JobCommand } from "../../src/queue/jobs.js";
import { HANDLERS, type Handler } from "../../src/worker/handlers.js";

/**
 * The verb table is the one list of commands: these tests, checked by the compiler
 * (`npm run typecheck`) as much as by vitest, keep every other place derived from it.
 */
describe("the verb table", () => {
  it("types every command, and the job data, from the table", () => {
    expectTypeOf<Command["verb"]>().toEqualTypeOf<Verb>();
    expectTypeOf<JobCommand["verb"]>().toEqualTypeOf<RequestVerb>();
    expectTypeOf<DecisionVerb>().toEqualTypeOf<"approve" | "reject">();
  });

  it("gives every verb a usage line, and the compiler refuses a row without one", () => {
    expectTypeOf(USAGE).toEqualTypeOf<Readonly<Record<Verb, string>>>();
    expectTypeOf<(typeof VERBS)[Verb]["usage"]>().toBeString();
    const row = {
      args: "none",
      role: null,
      doing: "x",
      reason: false,
      slow: false,
      description: "x",
    } as const;
    // @ts-expect-error a row without `usage` is not a VerbSpec
    const incomplete: VerbSpec = row;
    expect(incomplete).toBeDefined();
    for (const verb of VERB_NAMES) {
      expect(USAGE[verb].startsWith(`${wordsOf(verb)} `) || USAGE[verb] === wordsOf(verb)).toBe(true);
      expect(HELP_TEXT).toContain(USAGE[verb]);
    }
  });

  it("gives every request verb a handler, and the compiler refuses a map without one", () => {
    expectTypeOf<keyof typeof HANDLERS>().toEqualTypeOf<RequestVerb>();
    const { status: _status, ...withoutStatus } = HANDLERS;
    // @ts-expect-error a handler map that leaves a verb out does not compile
    const incomplete: { [V in RequestVerb]: Handler<V> } = withoutStatus;
    expect(Object.keys(incomplete)).not.toContain("status");
    const decisions: readonly string[] = verbsTaking("approval");
    const handled: Record<string, unknown> = HANDLERS;
    for (const verb of VERB_NAMES) {
      expect(typeof handled[verb], verb).toBe(decisions.includes(verb) ? "undefined" : "function");
    }
  });

  it("reads every verb the way its row says it is typed", () => {
    for (const verb of VERB_NAMES) {
      const parsed = parseCommand(`${wordsOf(verb)} --reason "check"`);
      // Whatever the arguments, the line is read as this verb: never "unknown command".
      if (!parsed.ok) expect(parsed.error, verb).not.toMatch(/unknown command/);
      else expect(parsed.command.verb).toBe(verb);
    }
  });

  it("permits every verb to the role its row names, and refuses it to the others", () => {
    for (const verb of VERB_NAMES) {
      const { role } = VERBS[verb];
      if (role === null) {
        expect(authorize({ upn: "x@contoso.com", roles: [] }, verb)).toEqual({ ok: true });
        continue;
      }
      expect(authorize({ upn: "x@contoso.com", roles: [role] }, verb), verb).toEqual({ ok: true });
      expect(authorize({ upn: "x@contoso.com", roles: [] }, verb).ok, verb).toBe(false);
    }
  });
});
