import { RESOURCE_MIME_TYPE, registerAppResource } from "@modelcontextprotocol/ext-apps/server";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Tool as McpToolListing } from "@modelcontextprotocol/sdk/types.js";
import { readViewHtml, UI_VIEWS } from "@prefect-mcp/ui";
import type { AnyTool } from "./define-tool.js";

/** Registers every MCP Apps view (`ui://prefect/…`) as a resource hosts read and render. */
export function registerUiResources(server: McpServer): void {
  for (const view of UI_VIEWS) {
    registerAppResource(
      server,
      view.name,
      view.uri,
      { title: view.title, description: view.description },
      async () => ({
        contents: [{ uri: view.uri, mimeType: RESOURCE_MIME_TYPE, text: await readViewHtml(view) }],
      }),
    );
  }
}

const linkedListings = new WeakMap<McpToolListing, McpToolListing>();

/**
 * A tool's `tools/list` entry linked to its view, as MCP Apps hosts look for it in `_meta.ui`. We
 * serve tools/list ourselves, so the ext-apps `registerAppTool` (which goes through
 * `McpServer.registerTool`) cannot add it. The deprecated flat `ui/resourceUri` key is left out:
 * hosts read the nested form first, and every tools/list would carry both.
 */
export function withUiLink(tool: AnyTool, listing: McpToolListing): McpToolListing {
  const view = tool.ui;
  if (!view) return listing;
  let linked = linkedListings.get(listing);
  if (!linked) {
    linked = {
      ...listing,
      _meta: {
        ...listing._meta,
        ui: { resourceUri: view.uri },
      },
    };
    linkedListings.set(listing, linked);
  }
  return linked;
}
