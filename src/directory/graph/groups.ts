import { z } from "zod";
import type { DirectoryUser } from "../port.js";
import type { GraphHttp } from "./http.js";
import { collectPages } from "./paging.js";
import { directoryUser, toDirectoryUser, USER_SELECT, userPath } from "./users.js";

const PERMISSION = "GroupMember.Read.All";

/** Casting to `microsoft.graph.user` with `$count` is an advanced query: it needs `ConsistencyLevel: eventual`. */
const ADVANCED_QUERY = { ConsistencyLevel: "eventual" };

export async function groupMembers(http: GraphHttp, groupId: string): Promise<DirectoryUser[]> {
  const users = await collectPages(
    http,
    {
      method: "GET",
      path: `/v1.0/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=${USER_SELECT}&$count=true`,
      headers: ADVANCED_QUERY,
      permission: PERMISSION,
      notFound: "no such group",
    },
    directoryUser,
  );
  return users.map(toDirectoryUser);
}

export async function memberOf(http: GraphHttp, userId: string): Promise<string[]> {
  const groups = await collectPages(
    http,
    {
      method: "GET",
      path: `/v1.0${userPath(userId)}/transitiveMemberOf/microsoft.graph.group?$select=id`,
      headers: ADVANCED_QUERY,
      permission: PERMISSION,
      notFound: "no such user",
    },
    z.object({ id: z.string() }),
  );
  return groups.map((group) => group.id);
}
