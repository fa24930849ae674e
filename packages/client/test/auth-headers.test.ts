import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { createPrefectClient, type PrefectSettings } from "../src/index.js";

const API_URL = "http://prefect.test/api";

/** Sends one GET and one POST through a client and returns the requests that reached the network. */
async function sentRequests(
  settings: Partial<PrefectSettings>,
  userAgentSuffix?: string,
): Promise<Request[]> {
  const requests: Request[] = [];
  const client = createPrefectClient(
    { apiUrl: API_URL, sources: { apiUrl: "env" }, ...settings },
    {
      fetch: async (request) => {
        requests.push(request);
        return Response.json([]);
      },
      ...(userAgentSuffix === undefined ? {} : { userAgentSuffix }),
    },
  );
  await client.GET("/admin/version");
  await client.POST("/flows/filter", { body: {} });
  expect(requests).toHaveLength(2);
  return requests;
}

const headers = (requests: Request[], name: string) =>
  requests.map((request) => request.headers.get(name));

describe("request headers", () => {
  it("sends an API key as a bearer token", async () => {
    const requests = await sentRequests({ apiKey: "pnu_abc123" });
    expect(headers(requests, "authorization")).toEqual(["Bearer pnu_abc123", "Bearer pnu_abc123"]);
  });

  it("sends an auth string as HTTP Basic with the base64 of user:password", async () => {
    const requests = await sentRequests({ authString: "admin:pa:ss wörd" });
    const expected = `Basic ${Buffer.from("admin:pa:ss wörd").toString("base64")}`;
    expect(headers(requests, "authorization")).toEqual([expected, expected]);
  });

  it("prefers the auth string when both an API key and an auth string are set", async () => {
    const requests = await sentRequests({ apiKey: "pnu_abc123", authString: "admin:secret" });
    expect(headers(requests, "authorization")).toEqual([
      `Basic ${Buffer.from("admin:secret").toString("base64")}`,
      `Basic ${Buffer.from("admin:secret").toString("base64")}`,
    ]);
  });

  it("sends no Authorization header without credentials", async () => {
    const requests = await sentRequests({});
    expect(headers(requests, "authorization")).toEqual([null, null]);
  });

  it("identifies itself as prefect-mcp/<version>", async () => {
    const requests = await sentRequests({});
    const expected = `prefect-mcp/${packageJson.version}`;
    expect(headers(requests, "user-agent")).toEqual([expected, expected]);
  });

  it("appends the User-Agent suffix after the client's own product token", async () => {
    const requests = await sentRequests({}, "prefect-mcp-stdio/1.2.3");
    const expected = `prefect-mcp/${packageJson.version} prefect-mcp-stdio/1.2.3`;
    expect(headers(requests, "user-agent")).toEqual([expected, expected]);
  });
});
