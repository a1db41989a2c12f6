import { describe, expect, it } from "vitest";
import { FilterError, parseFilter, simpleEquality } from "../../src/sandbox/routes/filter.js";

const rows = [
  { upn: "ann@contoso.com", isMfaRegistered: true, methods: ["email", "mobilePhone"], mail: null },
  { upn: "bob@contoso.com", isMfaRegistered: false, methods: [], mail: "o'brien@contoso.com" },
  { upn: "carl@fabrikam.com", isMfaRegistered: false, methods: ["email"], mail: "carl@fabrikam.com" },
];
const matching = (filter: string) => rows.filter(parseFilter(filter)).map((r) => r.upn);

describe("OData $filter subset", () => {
  it.each([
    ["isMfaRegistered eq false", ["bob@contoso.com", "carl@fabrikam.com"]],
    ["upn eq 'ANN@contoso.com'", ["ann@contoso.com"]],
    ["mail eq 'o''brien@contoso.com'", ["bob@contoso.com"]],
    ["mail eq null", ["ann@contoso.com"]],
    ["mail ne null", ["bob@contoso.com", "carl@fabrikam.com"]],
    ["startswith(upn,'b')", ["bob@contoso.com"]],
    ["endswith(upn, '@fabrikam.com')", ["carl@fabrikam.com"]],
    ["methods/any(x:x eq 'email')", ["ann@contoso.com", "carl@fabrikam.com"]],
    ["methods/any(m:m eq 'email') and isMfaRegistered eq false", ["carl@fabrikam.com"]],
    ["upn eq 'ann@contoso.com' or upn eq 'bob@contoso.com' and isMfaRegistered eq true", ["ann@contoso.com"]],
    [
      "(upn eq 'ann@contoso.com' or upn eq 'bob@contoso.com') and isMfaRegistered eq false",
      ["bob@contoso.com"],
    ],
    ["not (isMfaRegistered eq false)", ["ann@contoso.com"]],
  ])("%s", (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it.each([
    "",
    "upn eq",
    "upn gt 'a'",
    "upn eq 'open",
    "startswith(upn)",
    "upn eq 'a' extra",
    "methods/all(x:x eq 'a')",
  ])("refuses %j", (filter) => {
    expect(() => parseFilter(filter)).toThrow(FilterError);
  });

  it("spots a plain equality so the caller can use an index", () => {
    expect(simpleEquality("mail eq 'a''b@x.com'")).toEqual({ property: "mail", value: "a'b@x.com" });
    expect(simpleEquality("mail eq 'a' or mail eq 'b'")).toBeUndefined();
  });
});
