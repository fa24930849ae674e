import { prefectOpenApiSpec } from "@prefect-mcp/client";
import fc from "fast-check";

/**
 * fast-check generators for every tool's arguments, built from the JSON Schemas a client sees in
 * tools/list (not from the zod schemas): the fuzzer then exercises the contract a model is given,
 * and a tool added to the server is fuzzed without this file importing it. What a JSON Schema
 * cannot say (which Prefect filter a `filter` is, whose id a `*_id` is, that a string is a time) is
 * filled in by the field strategies below; a field that needs one and has none is reported.
 */

/** The parts of a JSON Schema (tools/list's, or Prefect's OpenAPI components) read here. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  $ref?: string;
}

/** A tool as tools/list lists it. */
export interface ListedTool {
  name: string;
  inputSchema: JsonSchema;
}

/** Real objects seeded in Prefect, so that valid calls find something. */
export interface SeededData {
  /** Ids by kind, as the tools name their id arguments without `_id`: flow_run, deployment, … */
  ids: Record<string, readonly string[]>;
  /** Names and tags of the seeded objects, for filters that match them. */
  words: readonly string[];
  /** Event resource ids, e.g. `prefect.flow-run.<uuid>`. */
  resourceIds: readonly string[];
  /** `next_page` values from real read_events answers. */
  pageTokens: readonly string[];
}

/** What a call's answer must be. */
export type Expectation =
  /** Within the schema and about seeded objects: isError false, structuredContent as advertised. */
  | { kind: "success" }
  /** Breaks the input contract: an error whose text contains every one of `names`. */
  | { kind: "refusal"; names: string[] }
  /** Within the schema but hostile: any well-formed answer (an error must still be actionable). */
  | { kind: "answer" };

/** One generated tools/call. */
export interface FuzzCall {
  tool: string;
  args: Record<string, unknown>;
  /** What the generator did, e.g. `limit: out of range`; shown in failures and tallies. */
  what: string;
  expect: Expectation;
}

/** A value that breaks a field's schema, and what its refusal must name (default: the field). */
interface Violation {
  value: unknown;
  what: string;
  names?: string[];
}

/** How to fuzz one argument. */
interface FieldStrategy {
  /** Values that, with the seeded data, make a call that must succeed. */
  valid: fc.Arbitrary<unknown>;
  /** Values the schema accepts but a tool may refuse: unknown ids, hostile or extreme strings. */
  hostile: fc.Arbitrary<unknown>;
  /** Values the input contract refuses. */
  invalid: fc.Arbitrary<Violation>;
}

interface ToolStrategy {
  name: string;
  fields: Record<string, FieldStrategy>;
  required: string[];
}

const MIB = 1 << 20;

/**
 * Generated requests stay under this: the SDK's stdio transport buffers at most 10 MiB of one
 * message, and what a larger one does is a single deterministic case in the fuzz test, not
 * something to rediscover at random while the other properties run.
 */
const MAX_REQUEST_BYTES = 8 * MIB;

const fitsTransport = (call: FuzzCall) =>
  Buffer.byteLength(JSON.stringify(call.args)) <= MAX_REQUEST_BYTES;

/** Strings shaped like attacks or encoding accidents, for every free-text place. */
const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "😀",
  "👩‍👩‍👧‍👦",
  "\u202eevil\u202c",
  "مرحبا بالعالم",
  "שלום",
  "\ufeff\u200b",
  "Ω≈ç√∫˜µ≤≥÷",
  "' OR '1'='1",
  "'; DROP TABLE flow_run; --",
  '" OR 1=1 --',
  "%",
  "_%_",
  "\\",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2f",
  "/api/flow_runs/",
  "$(id)",
  "`id`",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell/template expansion, on purpose.
  "${PREFECT_API_KEY}",
  "{{ secrets.api_key }}",
  "foo\r\nX-Injected: 1",
  "\r\n\r\nGET /api/admin/database/clear HTTP/1.1",
  "[?@]",
  "@.__proto__",
  "__proto__",
  "constructor",
  "prototype",
  "<script>alert(1)</script>",
  "NaN",
  "Infinity",
  "-1",
  "1e309",
  "null",
  "undefined",
  "{}",
  "[]",
  "page-token=",
  "http://169.254.169.254/latest/meta-data/?page-token=abc",
];

/** Argument and filter keys that are not in any schema, prototype-pollution keys among them. */
const UNKNOWN_KEYS: readonly string[] = [
  "unknown_argument",
  "Limit",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "",
  " ",
  "😀",
  "a\u0000b",
  "../etc",
  "$where",
  "filter.name",
];

/** A string of at least 1 MiB (in UTF-8) made of `unit`. */
function huge(unit: string): string {
  return unit.repeat(Math.ceil(MIB / Buffer.byteLength(unit)));
}

// From a few units, not fc.string: drawing a megabyte of random text would dominate the run time.
const hugeString = fc.constantFrom("A", "😀", "\u0000", "é", "../", "' OR 1=1 --").map(huge);

/** `depth` nested arrays or objects around a string: deeply nested JSON. */
function nested(depth: number, asArrays: boolean): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < depth; level++) value = asArrays ? [value] : { a: value };
  return value;
}

const deeplyNested = fc
  .tuple(fc.constantFrom(500, 2_000), fc.boolean())
  .map(([depth, asArrays]) => nested(depth, asArrays));

/** Hostile free text of at most `maxLength` characters (no limit: up to a 1 MiB string). */
function hostileText(maxLength?: number): fc.Arbitrary<string> {
  const texts = [
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
  ];
  const text = fc.oneof(...texts, ...(maxLength === undefined ? [hugeString] : []));
  if (maxLength === undefined) return text;
  return fc.oneof(
    text.map((value) => value.slice(0, maxLength)),
    fc.constant("x".repeat(maxLength)),
  );
}

/** JSON values of every type, for the wrong-type cases. */
const ANY_JSON: readonly unknown[] = [
  "text",
  "42",
  42,
  1.5,
  -7,
  true,
  null,
  [],
  ["a"],
  {},
  { a: 1 },
];

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Values of ANY_JSON that none of `types` accepts (an integer is also a number). */
function wrongTypes(types: readonly string[]): unknown[] {
  return ANY_JSON.filter((value) => {
    const type = jsonType(value);
    return !(types.includes(type) || (type === "integer" && types.includes("number")));
  });
}

function typesOf(schema: JsonSchema): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf);
  if (schema.$ref) return typesOf(resolveRef(schema.$ref));
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

function wrongTypeViolations(schema: JsonSchema): fc.Arbitrary<Violation> {
  return fc
    .constantFrom(...wrongTypes(typesOf(schema)))
    .map((value) => ({ value, what: `wrong type (${jsonType(value)})` }));
}

const violation = (value: unknown, what: string, names?: string[]): Violation =>
  names ? { value, what, names } : { value, what };

function numberStrategy(schema: JsonSchema): FieldStrategy {
  const integer = schema.type === "integer";
  const min = schema.minimum ?? (integer ? -1_000 : -1e6);
  const max = schema.maximum ?? (integer ? 1_000 : 1e6);
  const valid = integer
    ? fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max))
    : fc.double({ min, max, noNaN: true });
  const outOfRange = [
    ...(schema.minimum === undefined ? [] : [schema.minimum - 1, -1e308]),
    ...(schema.maximum === undefined ? [] : [schema.maximum + 1, 1e308, 2 ** 53 + 2]),
    ...(integer ? [min + 0.5] : []),
  ];
  const nanLike = ["NaN", "Infinity", "-Infinity", "1e999", "0x10", "١٢", " 5", ""];
  return {
    valid,
    hostile: valid,
    invalid: fc.oneof(
      fc.constantFrom(...outOfRange).map((value) => violation(value, "out of range")),
      fc.constantFrom(...nanLike).map((value) => violation(value, "number as a string")),
      wrongTypeViolations(schema),
    ),
  };
}

function enumStrategy(schema: JsonSchema): FieldStrategy {
  const members = schema.enum ?? [];
  const valid = fc.constantFrom(...members);
  const near = members
    .filter((member): member is string => typeof member === "string")
    .flatMap((member) => [
      member.toLowerCase(),
      member.toUpperCase(),
      ` ${member}`,
      `${member}\u0000`,
    ])
    .filter((candidate) => !members.includes(candidate));
  const outside = HOSTILE_STRINGS.filter((text) => !members.includes(text));
  return {
    valid,
    hostile: valid,
    invalid: fc.oneof(
      fc.constantFrom(...near, ...outside).map((value) => violation(value, "not in the enum")),
      wrongTypeViolations(schema),
    ),
  };
}

function booleanStrategy(schema: JsonSchema): FieldStrategy {
  return { valid: fc.boolean(), hostile: fc.boolean(), invalid: wrongTypeViolations(schema) };
}

/** Strings over a string field's maxLength: one past it, and 1 MiB. */
function tooLong(schema: JsonSchema): fc.Arbitrary<Violation> {
  const past =
    schema.maxLength === undefined ? [] : [fc.constant("y".repeat(schema.maxLength + 1))];
  return fc.oneof(...past, hugeString).map((value) => violation(value, "too long"));
}

const NOT_UUIDS = [
  "not-a-uuid",
  "068adce4aeec7e9b800097b7feeb70fa",
  "068adce4-aeec-7e9b-8000-97b7feeb70fa0",
  "{068adce4-aeec-7e9b-8000-97b7feeb70fa}",
  "068adce4-aeec-7e9b-8000-97b7feeb70f\u0000",
  "068adce4-aeec-7e9b-8000-97b7feeb70fa/../../admin",
  "flow-run-name",
];

/** A `<kind>_id` argument: the seeded ids of that kind, random UUIDs, and non-UUIDs. */
function idStrategy(
  schema: JsonSchema,
  ids: readonly string[],
  others: readonly string[],
): FieldStrategy {
  const seeded = fc.constantFrom(...ids);
  return {
    valid: seeded,
    hostile: fc.oneof(
      fc.uuid(),
      seeded.map((id) => id.toUpperCase()),
      fc.constantFrom(
        ...others,
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
      ),
    ),
    invalid: fc.oneof(
      fc
        .constantFrom(...NOT_UUIDS, ...HOSTILE_STRINGS)
        .map((value) => violation(value, "not a UUID")),
      tooLong(schema),
      wrongTypeViolations(schema),
    ),
  };
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A past time (at least 10 minutes ago, so "until now" windows stay open) in several ISO forms. */
const pastTime = fc
  .tuple(fc.integer({ min: 10 * MINUTE_MS, max: 30 * DAY_MS }), fc.integer({ min: 0, max: 3 }))
  .map(([ago, form]) => {
    const time = new Date(Date.now() - ago);
    const iso = time.toISOString();
    if (form === 0) return iso;
    if (form === 1) return iso.replace(/\.\d{3}Z$/, "Z");
    if (form === 2) return iso.replace("Z", "+00:00");
    // The same instant written in UTC+02:00.
    return new Date(time.getTime() + 2 * 60 * MINUTE_MS).toISOString().replace("Z", "+02:00");
  });

const EXTREME_TIMES = [
  "0001-01-01T00:00:00Z",
  "1970-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "2016-12-31T23:59:60Z",
  "2025-01-31T12:00:00.123456789Z",
  "2025-01-31T12:00:00+14:00",
  "2025-01-31T12:00:00-12:00",
];

const NOT_TIMES = [
  "yesterday",
  "now",
  "2025-01-31",
  "2025-13-45T99:99:99Z",
  "31/01/2025 12:00",
  "T12:00:00Z",
  "1738324800",
  "$(date)",
  "' OR 1=1 --",
  "",
];

function timeStrategy(schema: JsonSchema): FieldStrategy {
  return {
    valid: pastTime,
    hostile: fc.oneof(pastTime, fc.constantFrom(...EXTREME_TIMES)),
    invalid: fc.oneof(
      fc.constantFrom(...NOT_TIMES).map((value) => violation(value, "not an ISO time")),
      tooLong(schema),
      wrongTypeViolations(schema),
    ),
  };
}

/** Expressions that select from any object, so they are valid for every tool's answer. */
const GENERIC_JMESPATH = [
  "@",
  "keys(@)",
  "length(keys(@))",
  "type(@)",
  "to_string(length(keys(@)))",
  "not_null(count, total, `0`)",
  "merge(@, `{}`)",
];

const TRICKY_JMESPATH = [
  "*[?@ == `null`] | [0]",
  '`{"__proto__": {"polluted": true}}`',
  "constructor.prototype",
  "__proto__",
  "sort_by(@, &name)",
  "join(', ', @)",
  "[*][*][*][*][*]",
  `${"[".repeat(300)}@${"]".repeat(300)}`,
  "length(@) > `0` && `true` || `false`",
  // The jmespath library reads an unterminated literal to the end of the expression.
  "`unterminated",
];

const BROKEN_JMESPATH = ["[", "&&", "foo[?", "a..b", "{a}", "@@", "[?a==]"];

function jmespathStrategy(schema: JsonSchema): FieldStrategy {
  const max = schema.maxLength ?? 1_000;
  return {
    valid: fc.constantFrom(...GENERIC_JMESPATH),
    hostile: fc.oneof(fc.constantFrom(...TRICKY_JMESPATH), hostileText(max)),
    invalid: fc.oneof(
      fc.constantFrom(...BROKEN_JMESPATH).map((value) => violation(value, "broken expression")),
      tooLong(schema),
      wrongTypeViolations(schema),
    ),
  };
}

/** A bounded free-text argument (a prefix, a resource id) with the seeded values as valid ones. */
function textStrategy(schema: JsonSchema, seeded: readonly string[]): FieldStrategy {
  return {
    valid: fc.constantFrom(...seeded),
    hostile: hostileText(schema.maxLength),
    invalid: fc.oneof(tooLong(schema), wrongTypeViolations(schema)),
  };
}

const base64 = (text: string) => Buffer.from(text).toString("base64");
/** A token in the shape a self-hosted server's next_page has, around any JSON. */
const craftedToken = (json: string) => base64(base64(json));

function pageTokenStrategy(schema: JsonSchema, tokens: readonly string[]): FieldStrategy {
  const real = tokens.length ? [fc.constantFrom(...tokens)] : [];
  return {
    // Without a real token a valid call leaves next_page out.
    valid: real[0] ?? fc.constant(undefined),
    hostile: fc.oneof(
      ...real.map((token) => token.map((value) => `${value}${"A".repeat(8)}`)),
      fc.constantFrom(
        craftedToken("null"),
        craftedToken("[]"),
        craftedToken('{"__proto__": {"polluted": true}}'),
        craftedToken(
          '{"filter": {"occurred": {"since": "0001-01-01T00:00:00Z"}}, "limit": 1000000}',
        ),
        `http://127.0.0.1:1/evil?page-token=${craftedToken("{}")}`,
        `?page-token=${craftedToken('{"a": 1}')}&page-token=second`,
      ),
      hostileText(schema.maxLength),
    ),
    invalid: fc.oneof(
      fc
        .constantFrom("not-a-token", "$(id)", "YWJj", "page-token=", "../../admin/version")
        .map((value) => violation(value, "not a page token")),
      tooLong(schema),
      wrongTypeViolations(schema),
    ),
  };
}

// The OpenAPI components Prefect's filters are made of.
function resolveRef(ref: string): JsonSchema {
  const name = ref.split("/").pop() ?? "";
  const schema = (prefectOpenApiSpec().components.schemas as Record<string, JsonSchema>)[name];
  if (!schema) throw new Error(`Prefect's spec has no schema ${ref}`);
  return schema;
}

/** The leaves of a generated filter. */
interface FilterLeaves {
  uuid: fc.Arbitrary<string>;
  time: fc.Arbitrary<string>;
  text: fc.Arbitrary<string>;
}

/** Any value of a Prefect filter schema: every key optional, nulls sometimes, short arrays. */
function fromPrefectSchema(
  schema: JsonSchema,
  leaves: FilterLeaves,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (depth > 8) return fc.constant(null);
  if (schema.$ref) return fromPrefectSchema(resolveRef(schema.$ref), leaves, depth + 1);
  if (schema.anyOf) {
    const branches = schema.anyOf.map((branch) => ({
      arbitrary: fromPrefectSchema(branch, leaves, depth + 1),
      weight: branch.type === "null" ? 1 : 6,
    }));
    return fc.oneof(...branches);
  }
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case "object": {
      const properties = Object.entries(schema.properties ?? {}).map(
        ([key, value]) => [key, fromPrefectSchema(value, leaves, depth + 1)] as const,
      );
      return fc.record(Object.fromEntries(properties), { requiredKeys: [] });
    }
    case "array":
      return fc.array(fromPrefectSchema(schema.items ?? {}, leaves, depth + 1), { maxLength: 3 });
    case "string":
      if (schema.format === "uuid") return leaves.uuid;
      if (schema.format === "date-time") return leaves.time;
      return leaves.text;
    case "integer":
      return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 100 });
    case "number":
      return fc.double({ min: 0, max: 100, noNaN: true });
    case "boolean":
      return fc.boolean();
    default:
      return fc.constant(null);
  }
}

/** The object-valued properties of a filter schema: where a violation can be planted. */
function criteriaOf(schemaName: string): Array<{ key: string; schema: JsonSchema }> {
  const root = resolveRef(schemaName);
  return Object.entries(root.properties ?? {})
    .map(([key, value]) => {
      const target = (value.anyOf ?? [value]).find((branch) => branch.$ref);
      return { key, schema: target?.$ref ? resolveRef(target.$ref) : {} };
    })
    .filter(({ schema }) => schema.type === "object" && schema.properties);
}

/** A `filter` argument checked against Prefect's `schemaName` (e.g. FlowRunFilter). */
function filterStrategy(schemaName: string, data: SeededData): FieldStrategy {
  const allIds = Object.values(data.ids).flat();
  const root: JsonSchema = { $ref: `#/components/schemas/${schemaName}` };
  const valid = fromPrefectSchema(root, {
    uuid: fc.oneof(fc.constantFrom(...allIds), fc.uuid()),
    time: pastTime,
    text: fc.oneof(
      fc.constantFrom(...data.words),
      fc.string({ unit: "grapheme-ascii", maxLength: 12 }),
    ),
  });
  const hostile = fromPrefectSchema(root, {
    uuid: fc.oneof(
      fc.constantFrom(...allIds).map((id) => id.toUpperCase()),
      fc.uuid(),
    ),
    time: fc.constantFrom(...EXTREME_TIMES),
    text: hostileText(),
  });

  const criteria = criteriaOf(schemaName);
  const unknownKey = fc.oneof(fc.constantFrom(...UNKNOWN_KEYS), fc.constant(huge("k")));
  const plantedUnknown = fc
    .tuple(unknownKey, fc.constantFrom(...ANY_JSON), fc.constantFrom(...criteria))
    .chain(([key, value, criterion]) =>
      fc.constantFrom(
        violation({ [key]: value }, "unknown filter key", ["filter", `"${key}"`]),
        violation({ [criterion.key]: { [key]: value } }, "unknown filter key", [
          `filter.${criterion.key}`,
          `"${key}"`,
        ]),
      ),
    );
  const plantedWrongLeaf = fc.constantFrom(...criteria).chain((criterion) => {
    const leaves = Object.entries(criterion.schema.properties ?? {});
    return fc.constantFrom(...leaves).chain(([leaf, schema]) => {
      const at = [`filter.${criterion.key}.${leaf}`];
      const wrong = wrongTypes(typesOf(schema).concat("null"));
      const arrayOfUuids = schema.anyOf?.some((branch) => branch.items?.format === "uuid");
      return fc.oneof(
        fc
          .constantFrom(...wrong)
          .map((value) =>
            violation({ [criterion.key]: { [leaf]: value } }, "wrong filter leaf type", at),
          ),
        deeplyNested.map((value) =>
          violation(
            { [criterion.key]: { [leaf]: typesOf(schema).includes("array") ? [value] : value } },
            "deeply nested filter value",
            at,
          ),
        ),
        ...(arrayOfUuids
          ? [
              fc
                .constantFrom(...NOT_UUIDS)
                .map((id) =>
                  violation({ [criterion.key]: { [leaf]: [id] } }, "filter id not a UUID", at),
                ),
            ]
          : []),
      );
    });
  });
  return {
    valid,
    hostile,
    invalid: fc.oneof(
      plantedUnknown,
      plantedWrongLeaf,
      fc
        .constantFrom("name", ["a"], 42, null)
        .map((value) => violation(value, "filter not an object")),
    ),
  };
}

/** Which Prefect schema each tool checks its `filter` against (in its description's words). */
const FILTER_SCHEMAS: Record<string, string> = {
  get_flows: "FlowFilter",
  get_flow_runs: "FlowRunFilter",
  get_task_runs: "TaskRunFilter",
  get_deployments: "DeploymentFilter",
  get_deployment_activity: "DeploymentFilter",
  get_work_pools: "WorkPoolFilter",
  get_automations: "AutomationFilter",
};

/** Arguments whose meaning a JSON Schema does not carry; the same name means the same everywhere. */
const NAMED_FIELDS: Record<string, (schema: JsonSchema, data: SeededData) => FieldStrategy> = {
  jmespath: (schema) => jmespathStrategy(schema),
  occurred_after: (schema) => timeStrategy(schema),
  occurred_before: (schema) => timeStrategy(schema),
  since: (schema) => timeStrategy(schema),
  until: (schema) => timeStrategy(schema),
  next_page: (schema, data) => pageTokenStrategy(schema, data.pageTokens),
  event_type_prefix: (schema) =>
    textStrategy(schema, ["prefect.flow-run", "prefect.", "prefect.flow-run.Failed", "fuzz."]),
  resource_id: (schema, data) => textStrategy(schema, data.resourceIds),
};

/** Time arguments where the first must come before the second. */
const ORDERED_TIMES: ReadonlyArray<readonly [string, string]> = [
  ["occurred_after", "occurred_before"],
  ["since", "until"],
];
/** next_page continues a query, so a valid call passes it without the query's own arguments. */
const CONTINUATION = {
  field: "next_page",
  excludes: ["event_type_prefix", "occurred_after", "occurred_before", "resource_id"],
};

function fieldStrategy(
  tool: string,
  field: string,
  schema: JsonSchema,
  data: SeededData,
): FieldStrategy | undefined {
  // Own keys only: a tool may one day take an argument named like an Object.prototype member.
  const own = <T>(table: Record<string, T>, key: string) =>
    Object.hasOwn(table, key) ? table[key] : undefined;
  const named = own(NAMED_FIELDS, field);
  if (named) return named(schema, data);
  if (field === "filter") {
    const schemaName = own(FILTER_SCHEMAS, tool);
    return schemaName ? filterStrategy(schemaName, data) : undefined;
  }
  if (schema.format === "uuid" && field.endsWith("_id")) {
    const ids = own(data.ids, field.slice(0, -"_id".length));
    const others = Object.values(data.ids)
      .flat()
      .filter((id) => !ids?.includes(id));
    return ids?.length ? idStrategy(schema, ids, others) : undefined;
  }
  if (schema.enum) return enumStrategy(schema);
  if (schema.type === "integer" || schema.type === "number") return numberStrategy(schema);
  if (schema.type === "boolean") return booleanStrategy(schema);
  return undefined;
}

/**
 * A strategy for each listed tool, and the `tool.field` names no strategy covers (each needs an
 * entry in NAMED_FIELDS or FILTER_SCHEMAS, or seeded ids of its kind).
 */
export function toolStrategies(
  tools: readonly ListedTool[],
  data: SeededData,
): { strategies: ToolStrategy[]; missing: string[] } {
  const missing: string[] = [];
  const strategies = tools.map((tool) => {
    const fields: Record<string, FieldStrategy> = {};
    for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
      const strategy = fieldStrategy(tool.name, field, schema, data);
      if (strategy) fields[field] = strategy;
      else missing.push(`${tool.name}.${field}`);
    }
    return { name: tool.name, fields, required: tool.inputSchema.required ?? [] };
  });
  return { strategies, missing };
}

/** Arguments from one arbitrary per field: required ones always, the others sometimes. */
function argumentsOf(
  strategy: ToolStrategy,
  pick: (field: FieldStrategy) => fc.Arbitrary<unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(
    Object.entries(strategy.fields).map(([name, field]) => [name, pick(field)]),
  );
  return fc
    .record(fields, { requiredKeys: strategy.required })
    .map((args) =>
      Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)),
    );
}

/** Makes schema-valid arguments semantically valid too: times in order, next_page alone. */
function consistent(args: Record<string, unknown>): Record<string, unknown> {
  const fixed = { ...args };
  for (const [first, second] of ORDERED_TIMES) {
    const [a, b] = [fixed[first], fixed[second]];
    if (typeof a !== "string" || typeof b !== "string") continue;
    const [early, late] = Date.parse(a) <= Date.parse(b) ? [a, b] : [b, a];
    fixed[first] = early;
    // Equal times make an empty window, which the tools refuse.
    fixed[second] =
      Date.parse(early) === Date.parse(late)
        ? new Date(Date.parse(late) + 1_000).toISOString()
        : late;
  }
  if (fixed[CONTINUATION.field] !== undefined) {
    for (const name of CONTINUATION.excludes) delete fixed[name];
  }
  return fixed;
}

/**
 * Gives a call the short form fast-check prints when a property throws: the default would print
 * every megabyte and every level of nesting of its arguments.
 */
function printable(call: FuzzCall): FuzzCall {
  return Object.defineProperty(call, fc.toStringMethod, {
    value: () => `${call.tool}(${preview(call.args)}) [${call.what}]`,
  });
}

/** Calls that are valid in every respect and about seeded objects: they must succeed. */
export function validCall(strategy: ToolStrategy): fc.Arbitrary<FuzzCall> {
  return argumentsOf(strategy, (field) => field.valid).map((args) =>
    printable({
      tool: strategy.name,
      args: consistent(args),
      what: "valid",
      expect: { kind: "success" },
    }),
  );
}

/** Calls with one or two fields replaced by hostile values the schema still accepts. */
export function hostileCall(strategy: ToolStrategy): fc.Arbitrary<FuzzCall> {
  const names = Object.keys(strategy.fields);
  if (names.length === 0) return validCall(strategy);
  return fc
    .tuple(
      argumentsOf(strategy, (field) => field.valid),
      fc
        .subarray(names, { minLength: 1, maxLength: Math.min(2, names.length) })
        .chain((chosen) =>
          fc.tuple(
            fc.constant(chosen),
            fc.tuple(...chosen.map((name) => (strategy.fields[name] as FieldStrategy).hostile)),
          ),
        ),
    )
    .map(([args, [chosen, values]]): FuzzCall => {
      const hostile = { ...consistent(args) };
      chosen.forEach((name, index) => {
        hostile[name] = values[index];
      });
      return {
        tool: strategy.name,
        args: Object.fromEntries(
          Object.entries(hostile).filter(([, value]) => value !== undefined),
        ),
        what: `hostile ${chosen.join(", ")}`,
        expect: { kind: "answer" },
      };
    })
    .filter(fitsTransport)
    .map(printable);
}

/** Calls that break the input contract in exactly one place, and what the refusal must name. */
export function refusedCall(strategy: ToolStrategy): fc.Arbitrary<FuzzCall> {
  const base = argumentsOf(strategy, (field) => field.valid).map(consistent);
  const badField = Object.entries(strategy.fields).map(([name, field]) =>
    fc.tuple(base, field.invalid).map(([args, bad]) => ({
      tool: strategy.name,
      args: { ...args, [name]: bad.value },
      what: `${name}: ${bad.what}`,
      expect: { kind: "refusal" as const, names: bad.names ?? [name] },
    })),
  );
  const missing = strategy.required.map((name) =>
    base.map((args) => {
      const { [name]: _dropped, ...rest } = args;
      return {
        tool: strategy.name,
        args: rest,
        what: `${name}: missing`,
        expect: { kind: "refusal" as const, names: [name] },
      };
    }),
  );
  const unknownKey = fc.oneof(
    fc.constantFrom(...UNKNOWN_KEYS),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
    fc.constant(huge("u")),
  );
  const unknown = fc
    .tuple(base, unknownKey, fc.oneof(fc.constantFrom(...ANY_JSON), deeplyNested))
    .filter(([, key]) => !Object.hasOwn(strategy.fields, key))
    .map(([args, key, value]) => ({
      tool: strategy.name,
      // A computed key makes "__proto__" an own property, as JSON.parse on the server does.
      args: { ...args, [key]: value },
      what: `unknown argument ${preview(key, 40)}`,
      expect: { kind: "refusal" as const, names: [`"${key}"`] },
    }));
  return fc
    .oneof(...badField, ...missing, unknown)
    .filter(fitsTransport)
    .map(printable);
}

/** A printable form of any value for messages: long strings and keys cut, `max` characters. */
export function preview(value: unknown, max = 300): string {
  const cut = (text: string) =>
    text.length > 80 ? `${text.slice(0, 40)}…(${text.length} chars)` : text;
  const text = JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === "string") return cut(inner);
    // Keys can be huge too (an unknown argument named with 1 MiB).
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner).map(([key, item]) => [cut(key), item]));
    }
    return inner;
  });
  if (text === undefined) return String(value);
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}
