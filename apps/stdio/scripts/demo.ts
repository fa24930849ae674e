/**
 * `pnpm demo`: a local Prefect with a seeded incident, three questions answered by the built
 * `prefect-mcp` bin over stdio, then how to add it to your MCP client. Run from the repo root, which
 * builds the bin first.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { PREFECT_VERSION } from "@prefect-mcp/client";
import {
  createSeedClient,
  ensurePrefectEnv,
  type PrefectServer,
  startPrefectServer,
} from "@prefect-mcp/testing";
import { CLIENT_CONFIGS } from "./client-configs.js";
import { askQuestions, type QuestionAnswer, seedIncident, type ToolStep } from "./incident.js";

const BIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;
const style = (code: string) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = style("1");
const dim = style("2");
const cyan = style("36");
const green = style("32");
const yellow = style("33");

let prefect: PrefectServer | undefined;
let interrupted = false;

async function main(): Promise<void> {
  if (!existsSync(BIN)) {
    throw new Error(
      `${BIN} is missing; run \`pnpm demo\` from the repo root, which builds it first.`,
    );
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // Ctrl-C reaches this process both from the terminal and relayed by tsx: act on the first.
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      out(`\n${signal === "SIGINT" ? "Interrupted" : "Terminated"}: stopping Prefect …`);
      process.exitCode = signal === "SIGINT" ? 130 : 143;
      void stopPrefect().finally(() => process.exit());
    });
  }

  out(bold("prefect-mcp demo: a real Prefect, a bad morning, and an assistant's tool calls\n"));
  await task(
    `Preparing Prefect ${PREFECT_VERSION} (installed on the first run: a minute or two)`,
    () => ensurePrefectEnv(),
  );
  prefect = await task("Starting a local Prefect server", () => startPrefectServer());
  const apiUrl = prefect.apiUrl;
  out(dim(`  Prefect API at ${apiUrl}`));
  const incident = await task("Seeding an incident (one flow really runs, in Python)", () =>
    seedIncident(createSeedClient({ apiUrl }), apiUrl, {
      onProgress: (message) => note(dim(`  - ${message}`)),
    }),
  );

  const client = new Client({ name: "prefect-mcp-demo", version: "1.0.0" });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "--no-docs"],
    env: {
      PREFECT_API_URL: apiUrl,
      // Only the demo's server: never the developer's own profile.
      PREFECT_PROFILES_PATH: path.join(tmpdir(), "prefect-mcp-demo-no-profiles", "profiles.toml"),
    },
    stderr: "pipe",
  });
  let serverLog = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    serverLog += chunk.toString("utf8");
  });
  const shownBin = path.relative(process.env.INIT_CWD ?? process.cwd(), BIN);
  await task(`Starting prefect-mcp over stdio (node ${shownBin} --no-docs)`, () =>
    client.connect(transport).catch((error: unknown) => {
      throw new Error(`prefect-mcp did not start: ${String(error)}\n${serverLog}`);
    }),
  );
  const answers = await askQuestions(client, incident);
  await client.close();

  for (const answer of answers) printAnswer(answer);
  printClientConfigs();
}

function printAnswer({ question, steps }: QuestionAnswer): void {
  out(`\n${bold(cyan(`❯ ${question}`))}`);
  for (const step of steps) printStep(step);
}

function printStep(step: ToolStep): void {
  const args = Object.entries(step.args)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(", ");
  out(`  ${dim("→")} ${step.tool}(${args})`);
  const paint = step.status === "ok" ? (text: string) => text : yellow;
  for (const line of step.answer) out(`      ${paint(line)}`);
}

function printClientConfigs(): void {
  out(
    `\n${bold("Use it with your own Prefect.")} It finds your active profile (~/.prefect/profiles.toml) or`,
  );
  out("PREFECT_API_URL / PREFECT_API_KEY, as the prefect CLI does.\n");
  for (const { client, file, stdio } of CLIENT_CONFIGS) {
    out(file ? `${bold(client)} ${dim(file)}` : bold(client));
    out((file ? stdio : green(stdio)).replace(/^/gm, "  "));
  }
  out(dim('\nFor a shared prefect-mcp-http server, see "Connect your client" in README.md.'));
}

/** Runs one step with a live elapsed-time line on a terminal, or start/done lines in a log. */
async function task<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const draw = () => process.stdout.write(`\r\x1b[K${dim("…")} ${label} ${dim(elapsed())}`);
  let timer: NodeJS.Timeout | undefined;
  if (tty) {
    draw();
    timer = setInterval(draw, 250);
    activeLine = draw;
  } else {
    out(`… ${label}`);
  }
  try {
    const result = await run();
    finishLine(`${green("✓")} ${label} ${dim(elapsed())}`);
    return result;
  } catch (error) {
    finishLine(`✗ ${label} ${dim(elapsed())}`);
    throw error;
  } finally {
    clearInterval(timer);
    activeLine = undefined;
  }
}

let activeLine: (() => void) | undefined;

function finishLine(line: string): void {
  if (tty) process.stdout.write(`\r\x1b[K${line}\n`);
  else out(line);
}

/** A line printed while a task's live line is showing: above it, then the live line again. */
function note(line: string): void {
  if (activeLine) {
    process.stdout.write(`\r\x1b[K${line}\n`);
    activeLine();
  } else {
    out(line);
  }
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

let stopping: Promise<void> | undefined;

/** Stops the server once; every caller (the end, a signal, an error) waits for the same stop. */
function stopPrefect(): Promise<void> {
  stopping ??= (async () => {
    if (!prefect) return;
    await prefect.stop();
    out(dim("Stopped the local Prefect server."));
  })();
  return stopping;
}

main()
  .catch((error: unknown) => {
    if (interrupted) return; // the server went away under the demo: not news
    process.stderr.write(
      `\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopPrefect();
    process.exit();
  });
