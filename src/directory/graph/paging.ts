import { z } from "zod";
import type { GraphHttp, GraphRequest } from "./http.js";

const page = z.object({
  value: z.array(z.unknown()),
  "@odata.nextLink": z.string().nullish(),
});

/**
 * Every item of a collection, following `@odata.nextLink` as Graph gives it (an absolute
 * URL); the HTTP core refuses links outside the Graph base URL, so the token stays home.
 */
export async function collectPages<T>(
  http: GraphHttp,
  first: GraphRequest,
  item: z.ZodType<T>,
): Promise<T[]> {
  const items: T[] = [];
  for await (const values of pagesOf(http, first, item)) items.push(...values);
  return items;
}

/**
 * The same, a page at a time: the next page is asked for only when the caller wants it,
 * so a 50,000-user tenant is never held in memory at once.
 */
export async function* pagesOf<T>(
  http: GraphHttp,
  first: GraphRequest,
  item: z.ZodType<T>,
): AsyncGenerator<T[]> {
  let request: GraphRequest | undefined = first;
  while (request) {
    const response = await http.request(request);
    const parsed = page.parse(response.body);
    yield parsed.value.map((raw) => item.parse(raw));
    const nextLink = parsed["@odata.nextLink"];
    request = nextLink ? { ...first, path: nextLink } : undefined;
  }
}
