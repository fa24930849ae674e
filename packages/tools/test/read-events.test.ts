import { emitEvents, uniqueName } from "@prefect-mcp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTools, seed } from "./mcp-harness.js";

describe("read_events", () => {
  let tools: Awaited<ReturnType<typeof connectTools>>;
  const prefix = `${uniqueName("acme")}.`;
  const flowId = "prefect.flow.0a8f2f8e-8d1c-4c59-9d2e-6f1f4b1a2c3d";
  const invoiceCount = 60;
  let paymentEventId: string;
  beforeAll(async () => {
    tools = await connectTools();
    const start = Date.now() - 120_000;
    const invoices = Array.from({ length: invoiceCount }, (_, index) => ({
      event: `${prefix}invoice.sent`,
      resourceId: `${prefix}invoice.${index}`,
      resourceLabels: { "prefect.resource.name": `invoice ${index}` },
      related: [{ "prefect.resource.id": flowId, "prefect.resource.role": "flow" }],
      payload: { amount: index, note: "x".repeat(2_000) },
      occurred: new Date(start + index * 1_000),
    }));
    // emitEvents checks visibility with one /events/filter, which Prefect caps at 50 events.
    await emitEvents(seed, invoices.slice(0, 30));
    await emitEvents(seed, invoices.slice(30));
    const [payment] = await emitEvents(seed, [
      { event: `${prefix}payment.received`, resourceId: `${prefix}payment.1` },
    ]);
    paymentEventId = (payment as { id: string }).id;
  });
  afterAll(() => tools.close());

  it("finds events by prefix, newest first, with resource, related resources and payload", async () => {
    const result = await tools.call("read_events", {
      event_type_prefix: `${prefix}invoice`,
      limit: 2,
    });
    expect(result.isError).toBeFalsy();
    expect(result.data).toMatchObject({ total: invoiceCount, count: 2 });
    const [newest] = result.data.events;
    expect(newest).toMatchObject({
      event: `${prefix}invoice.sent`,
      resource_id: `${prefix}invoice.${invoiceCount - 1}`,
      resource_name: `invoice ${invoiceCount - 1}`,
      related: [`flow=${flowId}`],
      payload: { amount: invoiceCount - 1 },
    });
    expect(newest.payload.note).toMatch(/^"x+… \(2002 chars\)$/);
    expect(newest.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("finds the events of one resource", async () => {
    const result = await tools.call("read_events", { resource_id: `${prefix}payment.1` });
    expect(result.data.total).toBe(1);
    expect(result.data.events.map((event: { id: string }) => event.id)).toEqual([paymentEventId]);
    expect(result.data.next_page).toBeUndefined();
  });

  it("pages with next_page over more than Prefect's 50 events per request, without gaps", async () => {
    const first = await tools.call("read_events", {
      event_type_prefix: `${prefix}invoice`,
      limit: 55,
    });
    expect(first.isError).toBeFalsy();
    // Two requests of 27: whole pages, so next_page continues right after the last event.
    expect(first.data.count).toBe(54);
    expect(first.data.next_page).toEqual(expect.any(String));
    const rest = await tools.call("read_events", { next_page: first.data.next_page });
    expect(rest.isError).toBeFalsy();
    expect(rest.data.count).toBe(invoiceCount - 54);
    expect(rest.data.next_page).toBeUndefined();
    const names = [...first.data.events, ...rest.data.events].map(
      (event: { resource_id: string }) => event.resource_id,
    );
    expect(new Set(names).size).toBe(invoiceCount);
  });

  it("accepts next_page as Prefect's full URL too", async () => {
    const first = await tools.call("read_events", {
      event_type_prefix: `${prefix}invoice`,
      limit: 50,
    });
    const url = `http://127.0.0.1:4200/api/events/filter/next?page-token=${first.data.next_page}`;
    const rest = await tools.call("read_events", { next_page: url });
    expect(rest.data.count).toBe(invoiceCount - 50);
  });

  it("trims payloads harder the more events are asked for, so the answer stays small", async () => {
    const result = await tools.call("read_events", {
      event_type_prefix: `${prefix}invoice`,
      limit: 500,
    });
    expect(result.isError).toBeFalsy();
    expect(result.data.count).toBe(invoiceCount);
    for (const event of result.data.events) expect(event.payload.note.length).toBeLessThan(300);
    expect(result.text.length).toBeLessThan(40_000);
  });

  it("looks back one hour by default, so older events need occurred_after", async () => {
    const old = `${uniqueName("old")}.`;
    await emitEvents(seed, [
      {
        event: `${old}thing`,
        resourceId: `${old}thing`,
        occurred: new Date(Date.now() - 3 * 3_600_000),
      },
    ]);
    const recent = await tools.call("read_events", { event_type_prefix: old });
    expect(recent.data.total).toBe(0);
    const wider = await tools.call("read_events", {
      event_type_prefix: old,
      occurred_after: new Date(Date.now() - 4 * 3_600_000).toISOString(),
    });
    expect(wider.data.total).toBe(1);
  });

  it("rejects a time that is not ISO 8601, naming the argument", async () => {
    const result = await tools.call("read_events", { occurred_after: "last tuesday" });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /occurred_after must be an ISO 8601 time like 2025-01-31T12:00:00Z/,
    );
  });

  it("rejects a window that ends before it starts", async () => {
    const result = await tools.call("read_events", {
      occurred_after: "2025-02-01T00:00:00Z",
      occurred_before: "2025-01-01T00:00:00Z",
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/occurred_after .* must be before occurred_before/);
  });

  it("refuses next_page combined with a filter it would ignore", async () => {
    const result = await tools.call("read_events", {
      next_page: "abc",
      event_type_prefix: "prefect.flow-run",
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/next_page alone .* without event_type_prefix/);
  });

  it("says so when next_page is not a page token, instead of Prefect's 403", async () => {
    const result = await tools.call("read_events", { next_page: "page-2" });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/next_page is not a page token from read_events/);
  });

  it("refuses a token in Prefect's wrapping but not of its shape, instead of Prefect's 500", async () => {
    const wrap = (json: string) =>
      Buffer.from(Buffer.from(json).toString("base64")).toString("base64");
    const first = await tools.call("read_events", {
      event_type_prefix: `${prefix}invoice`,
      limit: 5,
    });
    const real = first.data.next_page as string;
    const query = JSON.parse(
      Buffer.from(Buffer.from(real, "base64").toString(), "base64").toString(),
    ) as { filter: Record<string, unknown> };
    expect(query).toMatchObject({ page_size: 5, offset: 5, count: invoiceCount });
    const crafted = [
      "Ym5Wc2JBPT0=", // null
      "VzEwPQ==", // []
      wrap("{}"),
      wrap('{"__proto__": {"polluted": true}}'),
      wrap(JSON.stringify({ ...query, page_size: 1_000_000 })),
      wrap(JSON.stringify({ ...query, offset: "5" })),
      wrap(JSON.stringify({ ...query, filter: { ...query.filter, unknown: 1 } })),
      wrap(JSON.stringify({ ...query, filter: { event: { prefix: ["\ud800"] } } })),
      `${real}AAAAAAAA`,
    ];
    for (const next_page of crafted) {
      const result = await tools.call("read_events", { next_page });
      expect(result.isError, next_page).toBe(true);
      expect(result.text).toBe(
        "next_page is not a page token from read_events; pass the previous answer's next_page unchanged.",
      );
    }
  });

  it("rejects a limit over 500, saying how to read on", async () => {
    const result = await tools.call("read_events", { limit: 501 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/limit must be at most 500; read on with next_page/);
  });
});
