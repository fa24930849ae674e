import type { Schema } from "@prefect-mcp/client";
import { z } from "zod";
import { compact } from "../compact.js";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { InputError } from "../errors.js";
import { validateFilter } from "../filter-validation.js";
import { isoTimeParam, jmespathParam } from "../params.js";
import { problemIn } from "../raw-arguments.js";

/** Prefect answers at most 50 events per request (its INTERACTIVE_PAGE_SIZE). */
const EVENTS_PER_REQUEST = 50;
const MAX_EVENTS = 500;
const HOUR_MS = 3_600_000;
/** Characters of payload kept over all events of an answer, so 500 events still fit. */
const PAYLOAD_BUDGET = 30_000;
/** Characters of payload kept per event at most. */
const MAX_PAYLOAD_CHARS = 1_000;

// Lean on purpose (every tools/list carries it): resource_name, related, payload pass through.
const event = z
  .object({ id: z.string(), event: z.string(), occurred: z.string(), resource_id: z.string() })
  .loose();

export const readEvents = defineTool({
  name: "read_events",
  title: "Events",
  description: `Prefect events, newest first: run state changes, deployments, work pools, automations, custom events.

What happened to a resource or around a time. Default window: the hour before occurred_before (or now). E.g.
- read_events(event_type_prefix="prefect.flow-run")
- read_events(resource_id="prefect.flow-run.<uuid>", occurred_after="2025-01-31T00:00:00Z")
- read_events(next_page="<previous next_page>")
Next: get_automations.`,
  inputSchema: z.object({
    event_type_prefix: z.string().max(500).optional().describe('e.g. "prefect.flow-run"'),
    occurred_after: isoTimeParam("Default: 1 hour before occurred_before"),
    occurred_before: isoTimeParam("Default: now"),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_EVENTS, { error: `must be at most ${MAX_EVENTS}; read on with next_page` })
      // 20 events already fill a screen (payloads included); ask for more when needed.
      .default(20)
      .describe(`Maximum events (1–${MAX_EVENTS})`),
    resource_id: z.string().max(500).optional().describe('e.g. "prefect.flow-run.<uuid>"'),
    next_page: z
      .string()
      .max(20_000)
      .optional()
      .describe("From the previous answer; pass it alone"),
    jmespath: jmespathParam,
  }),
  outputSchema: z.object({
    total: z.number(),
    count: z.number(),
    next_page: z.string().optional(),
    events: z.array(event),
    note: z.string().optional(),
  }),
  annotations: READ_ONLY,
  async handler(input, { client, now }) {
    let page: Schema<"EventPage">;
    if (input.next_page !== undefined) {
      const others = (
        ["event_type_prefix", "occurred_after", "occurred_before", "resource_id"] as const
      ).filter((name) => input[name] !== undefined);
      if (others.length) {
        throw new InputError(
          `next_page carries the query it continues; call read_events again with next_page alone (and limit), without ${others.join(", ")}.`,
        );
      }
      const token = pageToken(input.next_page);
      // Prefect answers a token it cannot read with 403, which would read as an auth problem.
      if (!client.cloudWorkspace && !isServerPageToken(token)) {
        throw new InputError(
          "next_page is not a page token from read_events; pass the previous answer's next_page unchanged.",
        );
      }
      page = await client.GET("/events/filter/next", {
        params: { query: { "page-token": token } },
      });
    } else {
      const until = input.occurred_before ? new Date(input.occurred_before) : now();
      const since = input.occurred_after
        ? new Date(input.occurred_after)
        : new Date(until.getTime() - HOUR_MS);
      if (since >= until) {
        throw new InputError(
          `occurred_after (${since.toISOString()}) must be before occurred_before (${until.toISOString()}).`,
        );
      }
      page = await client.POST("/events/filter", {
        body: {
          filter: {
            occurred: { since: since.toISOString(), until: until.toISOString() },
            ...(input.event_type_prefix ? { event: { prefix: [input.event_type_prefix] } } : {}),
            ...(input.resource_id ? { resource: { id: [input.resource_id] } } : {}),
            order: "DESC",
          },
          limit: pageSize(input.limit),
        },
      });
    }

    // The page size is fixed by the first request, so reading whole pages keeps next_page exact.
    const events = [...page.events];
    const size = events.length;
    let next = page.next_page;
    while (next && size > 0 && events.length + size <= input.limit) {
      page = await client.GET("/events/filter/next", {
        params: { query: { "page-token": pageToken(next) } },
      });
      events.push(...page.events);
      next = page.next_page;
    }

    const budget = Math.min(
      MAX_PAYLOAD_CHARS,
      Math.floor(PAYLOAD_BUDGET / Math.max(events.length, 1)),
    );
    return {
      total: page.total,
      count: events.length,
      ...(next ? { next_page: pageToken(next) } : {}),
      events: events.map((received) => summarize(received, budget)),
      ...(budget < MIN_PAYLOAD_CHARS
        ? {
            note: "Payloads omitted to keep the answer small: ask for fewer events, or select fields with jmespath.",
          }
        : {}),
    };
  },
});

const MIN_PAYLOAD_CHARS = 80;
const MAX_RELATED = 10;

/**
 * The page size for a first request: whole pages that add up to at most `limit`, so that the
 * next_page Prefect returns starts exactly after the last event returned.
 */
function pageSize(limit: number): number {
  const pages = Math.ceil(limit / EVENTS_PER_REQUEST);
  return Math.floor(limit / pages);
}

/** Prefect's next_page is a URL ending in `?page-token=…`; the token alone is what it needs. */
function pageToken(nextPage: string): string {
  if (!nextPage.includes("page-token=")) return nextPage.trim();
  const token = new URL(nextPage, "http://prefect.invalid").searchParams.get("page-token");
  if (!token) throw new InputError("next_page has an empty page-token; pass next_page unchanged.");
  return token;
}

/**
 * Whether `token` is what a self-hosted server (Prefect 3.9) hands out: base64 of the base64 of
 * `{"filter": <EventFilter>, "count", "page_size", "offset"}`. Prefect reads any other JSON in that
 * wrapping as far as it can and then fails with a 500, so nothing else is sent.
 */
function isServerPageToken(token: string): boolean {
  const inner = strictBase64(token)?.toString("utf8");
  const json = inner === undefined ? undefined : strictBase64(inner);
  if (!json) return false;
  let query: unknown;
  try {
    query = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    return false;
  }
  if (!query || typeof query !== "object" || Array.isArray(query)) return false;
  const { filter, count, page_size, offset } = query as Record<string, unknown>;
  const isCount = (value: unknown): value is number =>
    Number.isSafeInteger(value) && (value as number) >= 0;
  if (!isCount(count) || !isCount(offset) || !isCount(page_size)) return false;
  // Prefect pages by at most its own page size; a larger one would be a crafted read of everything.
  if (page_size < 1 || page_size > EVENTS_PER_REQUEST || problemIn(filter)) return false;
  try {
    validateFilter("EventFilter", filter, "next_page");
    return true;
  } catch {
    return false;
  }
}

/** The bytes of canonical base64 (as Python writes it), or undefined for anything else. */
function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, "base64");
  return text && bytes.toString("base64") === text ? bytes : undefined;
}

function summarize(received: Schema<"ReceivedEvent">, payloadChars: number) {
  const resource = received.resource as Record<string, string>;
  const all = received.related as Record<string, string>[];
  const related = all.slice(0, MAX_RELATED).map((labels) => {
    const name = labels["prefect.resource.name"];
    const id = labels["prefect.resource.id"];
    return `${labels["prefect.resource.role"] ?? "related"}=${id}${name ? ` (${name})` : ""}`;
  });
  if (all.length > MAX_RELATED) related.push(`… ${all.length - MAX_RELATED} more`);
  return compact({
    id: received.id,
    event: received.event,
    occurred: received.occurred,
    resource_id: resource["prefect.resource.id"] ?? "",
    resource_name: resource["prefect.resource.name"],
    related,
    payload:
      payloadChars >= MIN_PAYLOAD_CHARS ? trimmed(received.payload ?? {}, payloadChars) : undefined,
  });
}

/** The payload, with each top-level value that would overflow its share cut to a preview. */
function trimmed(payload: Record<string, unknown>, chars: number): Record<string, unknown> {
  const entries = Object.entries(payload);
  const share = Math.max(Math.floor(chars / Math.max(entries.length, 1)), 40);
  return Object.fromEntries(
    entries.map(([key, value]) => {
      const text = JSON.stringify(value) ?? "";
      return [
        key,
        text.length <= share ? value : `${text.slice(0, share)}… (${text.length} chars)`,
      ];
    }),
  );
}
