/** What a tool answers through the bridge: the parts of a CallToolResult the views read. */
export interface ToolResultLike {
  content?: ReadonlyArray<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export type Outcome<T = Record<string, unknown>> =
  | { ok: true; data: T }
  | { ok: false; message: string };

/** The text blocks of a result, joined. */
export function resultText(result: ToolResultLike): string {
  return (result.content ?? [])
    .flatMap((block) => (block.type === "text" && block.text ? [block.text] : []))
    .join("\n")
    .trim();
}

/**
 * The structured content of a successful result, or the message to show instead: the result's
 * own text when it is an error or has no structured content (never an empty message).
 */
export function toolOutcome(result: ToolResultLike, tool: string): Outcome {
  const text = resultText(result);
  if (result.isError) {
    return { ok: false, message: text || `${tool} failed without saying why.` };
  }
  if (!result.structuredContent) {
    return {
      ok: false,
      message: text || `${tool} returned no structured content, so there is nothing to show.`,
    };
  }
  return { ok: true, data: result.structuredContent };
}
