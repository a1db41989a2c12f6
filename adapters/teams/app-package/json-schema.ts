/**
 * A small JSON Schema validator for the keywords the Teams manifest schema uses (draft-04 style
 * plus `const`): type, properties, required, additionalProperties, items, min/maxItems,
 * uniqueItems, enum, const, min/maxLength, pattern and local `$ref`s. Unknown keywords are
 * ignored, as the spec says; `format` is not checked.
 */
export type JsonSchema = Record<string, unknown>;

export interface SchemaProblem {
  /** JSON Pointer to the offending value, "" for the root. */
  path: string;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

function resolve(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported, not ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  if (typeof node !== "object" || node === null) throw new Error(`$ref ${ref} points nowhere`);
  return node as JsonSchema;
}

export function validateJson(value: unknown, schema: JsonSchema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  check(value, schema, schema, "", problems);
  return problems;
}

function check(
  value: unknown,
  schema: JsonSchema,
  root: JsonSchema,
  path: string,
  out: SchemaProblem[],
): void {
  if (typeof schema.$ref === "string") {
    check(value, resolve(root, schema.$ref), root, path, out);
    return;
  }
  const problem = (message: string) => out.push({ path, message });

  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((t) => matchesType(value, String(t)))) {
    problem(`must be ${types.join(" or ")}, not ${typeOf(value)}`);
    return;
  }
  if ("const" in schema && JSON.stringify(value) !== JSON.stringify(schema.const)) {
    problem(`must be ${JSON.stringify(schema.const)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    problem(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  }

  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof schema.maxLength === "number" && length > schema.maxLength) {
      problem(`is ${length} characters, at most ${schema.maxLength} allowed`);
    }
    if (typeof schema.minLength === "number" && length < schema.minLength) {
      problem(`is ${length} characters, at least ${schema.minLength} needed`);
    }
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
      problem(`does not match ${schema.pattern}`);
    }
  }

  if (Array.isArray(value)) {
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
      problem(`has ${value.length} items, at most ${schema.maxItems} allowed`);
    }
    if (typeof schema.minItems === "number" && value.length < schema.minItems) {
      problem(`has ${value.length} items, at least ${schema.minItems} needed`);
    }
    if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      problem("has duplicate items");
    }
    if (typeof schema.items === "object" && schema.items !== null && !Array.isArray(schema.items)) {
      value.forEach((item, i) => {
        check(item, schema.items as JsonSchema, root, `${path}/${i}`, out);
      });
    }
  }

  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (!(key in object)) problem(`is missing required property "${key}"`);
    }
    for (const [key, child] of Object.entries(object)) {
      const pointer = `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      const propertySchema = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (propertySchema) check(child, propertySchema, root, pointer, out);
      else if (schema.additionalProperties === false)
        out.push({ path: pointer, message: "is not allowed here" });
      else if (typeof schema.additionalProperties === "object" && schema.additionalProperties !== null) {
        check(child, schema.additionalProperties as JsonSchema, root, pointer, out);
      }
    }
  }
}
