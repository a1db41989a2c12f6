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
  let request: GraphRequest | undefined = first;
  while (request) {
    const response = await http.request(request);
    const parsed = page.parse(response.body);
    for (const raw of parsed.value) items.push(item.parse(raw));
    const nextLink = parsed["@odata.nextLink"];
    request = nextLink ? { ...first, path: nextLink } : undefined;
  }
  return items;
}
