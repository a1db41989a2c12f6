import { FilterError, parseFilter } from "./filter.js";
import {
  badRequest,
  type GraphRequest,
  type GraphResponse,
  json,
  odataContext,
  type RouteContext,
} from "./types.js";

/**
 * OData query options shared by the list endpoints: `$filter`, `$orderby`, `$select`,
 * `$top`, `$count` and paging by `@odata.nextLink` (an absolute URL back to this
 * server carrying an opaque `$skiptoken`, as Graph's does).
 */

type Item = Record<string, unknown>;

export interface ListOptions {
  /** `@odata.context` fragment, e.g. `users`. */
  contextFragment: string;
  /** Directory objects need `ConsistencyLevel: eventual` for `$count` (Graph's "advanced queries"). */
  countNeedsConsistencyLevel: boolean;
  /** Property names `$select` may name; unknown names are a 400 like Graph's. */
  properties: readonly string[];
}

export function listResponse<Source>(
  request: GraphRequest,
  context: RouteContext,
  sources: readonly Source[],
  toJson: (source: Source) => Item,
  options: ListOptions,
): GraphResponse {
  const { query } = request;
  const count = query.get("$count")?.toLowerCase() === "true";
  if (
    count &&
    options.countNeedsConsistencyLevel &&
    request.headers.consistencylevel?.toLowerCase() !== "eventual"
  ) {
    return badRequest("$count is not currently supported.", "Request_BadRequest");
  }
  const filter = query.get("$filter");
  const orderBy = query.get("$orderby");
  // Without $filter or $orderby only the page is rendered: a 10,000-member group pages cheaply.
  let rendered: Item[] | undefined;
  if (filter || orderBy) {
    let items = sources.map(toJson);
    if (filter) {
      try {
        items = items.filter(parseFilter(filter));
      } catch (error) {
        if (error instanceof FilterError) return badRequest(error.message);
        throw error;
      }
    }
    if (orderBy) {
      const [property = "", direction = "asc"] = orderBy.trim().split(/\s+/);
      if (!options.properties.includes(property)) return unknownProperty(property);
      const sign = direction.toLowerCase() === "desc" ? -1 : 1;
      items.sort((a, b) => sign * String(a[property] ?? "").localeCompare(String(b[property] ?? "")));
    }
    rendered = items;
  }
  const selected = selection(query);
  if (selected instanceof Error) return unknownProperty(selected.message);
  const bad = selected?.find((p) => !options.properties.includes(p));
  if (bad !== undefined) return unknownProperty(bad);

  const top = query.get("$top");
  let pageSize = context.pageSize;
  if (top !== null) {
    const n = Number(top);
    if (!Number.isInteger(n) || n < 1 || n > 999) {
      return badRequest(`Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`);
    }
    pageSize = n;
  }
  const skipToken = query.get("$skiptoken");
  let offset = 0;
  if (skipToken !== null) {
    const decoded = decodeSkipToken(skipToken);
    if (decoded === undefined) return badRequest("Invalid $skiptoken.", "Request_BadRequest");
    offset = decoded;
  }

  const total = rendered ? rendered.length : sources.length;
  const window = rendered
    ? rendered.slice(offset, offset + pageSize)
    : sources.slice(offset, offset + pageSize).map(toJson);
  const page = window.map((row) => project(row, selected));
  const body: Item = { "@odata.context": odataContext(context, request.version, options.contextFragment) };
  if (count) body["@odata.count"] = total;
  if (offset + pageSize < total) body["@odata.nextLink"] = nextLink(request, context, offset + pageSize);
  body.value = page;
  return json(body);
}

/** One object, with `$select` applied. */
export function entityResponse(
  request: GraphRequest,
  context: RouteContext,
  item: Item,
  options: Pick<ListOptions, "contextFragment" | "properties">,
): GraphResponse {
  const selected = selection(request.query);
  if (selected instanceof Error) return unknownProperty(selected.message);
  const bad = selected?.find((p) => !options.properties.includes(p));
  if (bad !== undefined) return unknownProperty(bad);
  return json({
    "@odata.context": odataContext(context, request.version, options.contextFragment),
    ...project(item, selected),
  });
}

function selection(query: URLSearchParams): string[] | undefined | Error {
  const raw = query.get("$select");
  if (raw === null) return undefined;
  const names = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) return new Error(raw);
  return names;
}

/** Selected properties only (Graph returns null for a known property that has no value). */
function project(item: Item, selected: string[] | undefined): Item {
  if (!selected) return item;
  const out: Item = {};
  if (typeof item["@odata.type"] === "string") out["@odata.type"] = item["@odata.type"];
  for (const name of selected) out[name] = item[name] ?? null;
  return out;
}

function unknownProperty(name: string): GraphResponse {
  return badRequest(
    `Could not find a property named '${name}' on type 'microsoft.graph.entity'.`,
    "BadRequest",
  );
}

function nextLink(request: GraphRequest, context: RouteContext, offset: number): string {
  const query = new URLSearchParams(request.query);
  query.set("$skiptoken", encodeSkipToken(offset));
  // Graph writes `$skiptoken=` literally; `$` is legal in a query string.
  return `${context.baseUrl}/${request.version}${request.rawPath}?${query.toString().replaceAll("%24", "$")}`;
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ sandboxOffset: offset })).toString("base64url");
}

function decodeSkipToken(token: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    const offset = (parsed as { sandboxOffset?: unknown }).sandboxOffset;
    return typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}
