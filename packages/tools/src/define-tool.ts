import type { GrantedCloudWorkspace, PrefectClient, PrefectSettings } from "@prefect-mcp/client";
import type { UiView } from "@prefect-mcp/ui";
import type { z } from "zod";

/** What a handler may use besides its input. Built fresh for every call. */
export interface ToolContext {
  /** The read-only Prefect client for this call's settings. */
  client: PrefectClient;
  /** This call's Prefect settings (they hold credentials: never put them in a result). */
  settings: PrefectSettings;
  /** Aborted when the MCP client cancels the call. */
  signal: AbortSignal;
  /** Reports progress on long work, when the MCP client asked for it. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Sends a log message to the MCP client. */
  log(level: "debug" | "info" | "warning" | "error", message: string): Promise<void>;
  /** The current time; tests may pin it. */
  now(): Date;
  /** The Prefect Cloud workspaces the caller's OAuth grant allows (Cloud OAuth servers only). */
  grantedWorkspaces?(): Promise<GrantedWorkspace[]>;
}

/** One workspace a Prefect Cloud OAuth grant allows, as Cloud's grant endpoint lists it. */
export type GrantedWorkspace = GrantedCloudWorkspace;

export interface ToolAnnotations {
  readOnlyHint: true;
  openWorldHint: boolean;
  idempotentHint?: boolean;
}

/** A tool: a plain object the server registers and the definitions export describes. */
export interface Tool<
  Input extends z.ZodObject = z.ZodObject,
  Output extends z.ZodObject = z.ZodObject,
> {
  name: string;
  title: string;
  /** Written for a model: when to use it, operators, examples, which tool to call next. */
  description: string;
  inputSchema: Input;
  outputSchema: Output;
  annotations: ToolAnnotations;
  /** Only offered when connected to Prefect Cloud. */
  cloudOnly?: boolean;
  /**
   * False for a tool that answers without reading Prefect (a schema, the caller's OAuth grant): it
   * needs no settings, so it works before Prefect is configured and takes no workspace.
   */
  readsPrefect?: false;
  handler(input: z.output<Input>, context: ToolContext): Promise<z.input<Output>>;
  /** The MCP Apps view hosts render beside this tool's result (unless the server turns UIs off). */
  ui?: UiView;
  /** A compact text form of the result; defaults to compact JSON. */
  render?(output: z.output<Output>): string;
}

/** Keeps the handler's input and output types inferred from the zod schemas. */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  tool: Tool<Input, Output>,
): Tool<Input, Output> {
  return tool;
}

/** Any tool, whatever its schemas: what catalogues and servers hold. */
// biome-ignore lint/suspicious/noExplicitAny: handlers are contravariant in their input type.
export type AnyTool = Tool<any, any>;

export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, openWorldHint: true };
