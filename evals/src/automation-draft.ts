import { Ajv2020 } from "ajv/dist/2020.js";

type Json = Record<string, unknown>;

/** The definition under `$defs` whose `type` property is the constant `type` (an action or trigger). */
function variant(schema: Json, options: unknown, type: string): Json {
  const defs = (schema.$defs ?? {}) as Record<string, Json>;
  const refs = ((options as { anyOf?: { $ref?: string }[] }).anyOf ?? []).map((option) =>
    option.$ref?.split("/").at(-1),
  );
  for (const name of refs) {
    const def = name ? defs[name] : undefined;
    const properties = (def?.properties ?? {}) as Record<string, { const?: unknown }>;
    if (properties.type?.const === type) return def as Json;
  }
  throw new Error(`the automation schema has no "${type}" variant`);
}

/** Keeps the fields the schema's definition declares: a draft never carries a field Prefect lacks. */
function declared(def: Json, fields: Json): Json {
  const properties = (def.properties ?? {}) as Json;
  const unknown = Object.keys(fields).filter((field) => !(field in properties));
  if (unknown.length) throw new Error(`the schema does not declare ${unknown.join(", ")}`);
  return fields;
}

export interface AutomationIntent {
  name: string;
  description: string;
  /** The event trigger's fields (its `type` comes from the schema). */
  trigger: Json;
  /** The action's type, e.g. `run-deployment`, and its other fields. */
  action: Json & { type: string };
}

/**
 * Drafts the JSON for `prefect automation create` from the schema get_object_schema returned:
 * the event-trigger and action variants are looked up in it, and the draft is validated against
 * it. Throws, naming the problem, when the schema does not allow the draft.
 */
export function draftAutomation(schema: Json, intent: AutomationIntent): Json {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const trigger = variant(schema, properties.trigger, "event");
  const action = variant(schema, properties.actions?.items, intent.action.type);
  const draft = {
    name: intent.name,
    description: intent.description,
    enabled: true,
    trigger: declared(trigger, { type: "event", ...intent.trigger }),
    actions: [declared(action, intent.action)],
  };
  // Prefect's own formats (uuid, duration) are checked by Prefect when the draft is created.
  const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
  if (!validate(draft)) {
    throw new Error(`the draft breaks the automation schema: ${JSON.stringify(validate.errors)}`);
  }
  return draft;
}

/** The first JSON object in a fenced code block of an answer that has a `trigger`. */
export function automationJsonIn(answer: string): Json | undefined {
  for (const [, body] of answer.matchAll(/```[a-z]*\s*\n([\s\S]*?)```/g)) {
    try {
      const parsed = JSON.parse(body ?? "") as unknown;
      if (parsed && typeof parsed === "object" && "trigger" in parsed) return parsed as Json;
    } catch {
      // not JSON (a shell block, YAML): look at the next block
    }
  }
  return undefined;
}
