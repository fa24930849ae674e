import { describe, expect, it } from "vitest";
import { fetchGrantedWorkspaces, PrefectApiError } from "../src/index.js";

const TOKEN = "eyJ.test-token.signature";

/** A grant endpoint answering once with this response (error mapping is pure logic). */
function answering(response: Response): typeof fetch {
  return (async () => response) as typeof fetch;
}

describe("fetchGrantedWorkspaces' errors", () => {
  it("carries Cloud's OAuth error_description, never the token it may echo", async () => {
    const error = await fetchGrantedWorkspaces({
      authBaseUrl: "https://cloud.test",
      token: TOKEN,
      fetch: answering(
        new Response(
          JSON.stringify({
            error: "invalid_token",
            error_description: `grant revoked for ${TOKEN}`,
          }),
          { status: 401 },
        ),
      ),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrefectApiError);
    expect((error as PrefectApiError).status).toBe(401);
    expect((error as Error).message).toContain("grant revoked for");
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("says a 200 that is not JSON is an unexpected payload", async () => {
    const error = await fetchGrantedWorkspaces({
      authBaseUrl: "https://cloud.test",
      token: TOKEN,
      fetch: answering(new Response("<html>login</html>", { status: 200 })),
    }).catch((caught: unknown) => caught);
    expect((error as PrefectApiError).reason).toBe("invalid-response");
    expect((error as Error).message).toContain("the body is not JSON");
  });
});
