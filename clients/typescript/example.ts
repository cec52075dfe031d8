// A front-end's first calls, typed by the types generated from openapi/openapi.json (generated/schema.d.ts).
// tests/test_clients.py compiles this with `tsc --noEmit`: a path, parameter, field or enum value that the
// document no longer has is a compile error here, and so is each line marked @ts-expect-error that compiles.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema";

type Schemas = components["schemas"];

export function smartCityApi(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

type Api = ReturnType<typeof smartCityApi>;

/** Who the gateway says the caller is. */
export async function whoAmI(api: Api): Promise<string> {
  const { data, error } = await api.GET("/api/v1/me");
  if (error) throw new Error(`${error.status} ${error.title}`);
  const role: Schemas["GatewayRole"] = data.role;
  return `${data.subject} (${role}${data.region_code ? `, ${data.region_code}` : ""})`;
}

/** Every kabupaten and kota of a province, page by page. */
export async function regenciesOf(api: Api, provinceCode: string): Promise<Schemas["ParticipantsRegionOut"][]> {
  const regions: Schemas["ParticipantsRegionOut"][] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.GET("/api/v1/regions", {
      params: { query: { province_code: provinceCode, level: "regency_city", limit: 200, cursor } },
    });
    if (error) throw new Error(`${error.status} ${error.detail ?? error.title}`);
    regions.push(...data.items);
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return regions;
}

/** A region applies to a phase; a refusal's problem is typed too. */
export async function apply(
  api: Api,
  regionCode: string,
  phaseCode: string,
  coordinator: Schemas["ParticipantsContact"],
): Promise<Schemas["ParticipantsParticipantOut"]> {
  const { data, error, response } = await api.POST("/api/v1/participants", {
    body: { region_code: regionCode, phase_code: phaseCode, contacts: [coordinator] },
  });
  if (error) throw new Error(`${response.status}: ${error.title}`);
  const status: Schemas["ParticipantsParticipantOut"]["status"] = data.status;
  console.log(`${data.region_code} ${status} in ${data.phase_code}`);
  return data;
}

// What the types refuse (each line must be an error, or tsc fails on the unused directive):
export async function refused(api: Api): Promise<void> {
  // @ts-expect-error: no such path
  await api.GET("/api/v1/no-such-path");
  // @ts-expect-error: a region list has no `colour` filter
  await api.GET("/api/v1/regions", { params: { query: { colour: "red" } } });
  // @ts-expect-error: an application needs its contacts
  await api.POST("/api/v1/participants", { body: { region_code: "32.73", phase_code: "2026" } });
  const { data } = await api.GET("/api/v1/me");
  // @ts-expect-error: `auth` is "jwt" or "api_key"
  const auth: "password" | undefined = data?.auth;
  console.log(auth);
}
