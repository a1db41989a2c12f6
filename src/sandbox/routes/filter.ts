/**
 * The part of OData `$filter` that Graph clients send for users and the registration
 * report: `prop eq|ne 'x'`, booleans, `null`, `startswith(prop,'x')`, `endswith`,
 * `prop/any(x:x eq 'v')`, combined with `and`, `or`, `not` and parentheses.
 * String comparisons ignore case, as Entra's do.
 */

export class FilterError extends Error {
  override name = "FilterError";
}

type Literal = string | number | boolean | null;
type Token =
  | { kind: "name"; value: string }
  | { kind: "literal"; value: Literal }
  | { kind: "punct"; value: "(" | ")" | "," | ":" | "/" };

export type Predicate = (item: Record<string, unknown>) => boolean;

export function parseFilter(text: string): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const token = tokens[pos++];
    if (!token) throw new FilterError("Invalid filter clause: unexpected end");
    return token;
  };
  const isName = (value: string) => {
    const t = peek();
    return t?.kind === "name" && t.value.toLowerCase() === value;
  };
  const expect = (value: string) => {
    const t = next();
    if (t.kind !== "punct" || t.value !== value)
      throw new FilterError(`Invalid filter clause: expected '${value}'`);
  };
  const name = () => {
    const t = next();
    if (t.kind !== "name") throw new FilterError("Invalid filter clause: expected a property name");
    return t.value;
  };
  const literal = (): Literal => {
    const t = next();
    if (t.kind === "literal") return t.value;
    // Graph accepts unquoted GUIDs for id comparisons.
    if (t.kind === "name" && /^[0-9a-f-]{36}$/i.test(t.value)) return t.value;
    throw new FilterError("Invalid filter clause: expected a value");
  };

  const orExpr = (): Predicate => {
    let left = andExpr();
    while (isName("or")) {
      pos++;
      const a = left;
      const b = andExpr();
      left = (item) => a(item) || b(item);
    }
    return left;
  };
  const andExpr = (): Predicate => {
    let left = unary();
    while (isName("and")) {
      pos++;
      const a = left;
      const b = unary();
      left = (item) => a(item) && b(item);
    }
    return left;
  };
  const unary = (): Predicate => {
    if (isName("not")) {
      pos++;
      const inner = unary();
      return (item) => !inner(item);
    }
    return primary();
  };
  const primary = (): Predicate => {
    const t = peek();
    if (t?.kind === "punct" && t.value === "(") {
      pos++;
      const inner = orExpr();
      expect(")");
      return inner;
    }
    const first = name();
    const fn = first.toLowerCase();
    if ((fn === "startswith" || fn === "endswith") && peek()?.kind === "punct" && peek()?.value === "(") {
      pos++;
      const prop = name();
      expect(",");
      const value = literal();
      expect(")");
      if (typeof value !== "string") throw new FilterError(`Invalid filter clause: ${fn} needs a string`);
      const needle = value.toLowerCase();
      return (item) => {
        const v = item[prop];
        if (typeof v !== "string") return false;
        return fn === "startswith" ? v.toLowerCase().startsWith(needle) : v.toLowerCase().endsWith(needle);
      };
    }
    const next1 = peek();
    if (next1?.kind === "punct" && next1.value === "/") {
      pos++;
      const any = name();
      if (any.toLowerCase() !== "any") throw new FilterError(`Invalid filter clause: unsupported '${any}'`);
      expect("(");
      const variable = name();
      expect(":");
      if (name() !== variable) throw new FilterError("Invalid filter clause: lambda variable mismatch");
      const op = name().toLowerCase();
      const value = literal();
      expect(")");
      const test = comparison(op, value);
      return (item) => {
        const v = item[first];
        return Array.isArray(v) && v.some((element) => test(element));
      };
    }
    const op = name().toLowerCase();
    const value = literal();
    const test = comparison(op, value);
    return (item) => test(item[first]);
  };

  if (tokens.length === 0) throw new FilterError("Invalid filter clause: empty");
  const predicate = orExpr();
  if (pos !== tokens.length)
    throw new FilterError("Invalid filter clause: unexpected text after the expression");
  return predicate;
}

function comparison(op: string, expected: Literal): (actual: unknown) => boolean {
  const equal = (actual: unknown) =>
    typeof actual === "string" && typeof expected === "string"
      ? actual.toLowerCase() === expected.toLowerCase()
      : (actual ?? null) === expected;
  if (op === "eq") return equal;
  if (op === "ne") return (actual) => !equal(actual);
  throw new FilterError(`Invalid filter clause: unsupported operator '${op}'`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ("(),:/".includes(c)) {
      tokens.push({ kind: "punct", value: c as "(" | ")" | "," | ":" | "/" });
      i++;
    } else if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError("Invalid filter clause: unterminated string");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: "literal", value });
    } else {
      const match = /^[A-Za-z0-9_.@$#-]+/.exec(text.slice(i));
      if (!match) throw new FilterError(`Invalid filter clause: unexpected '${c}'`);
      const word = match[0];
      i += word.length;
      if (word === "true" || word === "false") tokens.push({ kind: "literal", value: word === "true" });
      else if (word === "null") tokens.push({ kind: "literal", value: null });
      else if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ kind: "literal", value: Number(word) });
      else tokens.push({ kind: "name", value: word });
    }
  }
  return tokens;
}

/** When the whole filter is `prop eq 'value'`, the pair, so the caller can use an index. */
export function simpleEquality(text: string): { property: string; value: string } | undefined {
  const match = /^\s*([A-Za-z]+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(text);
  if (!match) return undefined;
  return { property: match[1]!, value: match[2]!.replaceAll("''", "'") };
}
