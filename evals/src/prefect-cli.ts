import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensurePrefectEnv, isolatedEnv, type ProcessExit, runProcess } from "@prefect-mcp/testing";

/**
 * The `prefect …` commands in an answer that start with `prefix` (e.g. `prefect flow-run cancel`),
 * each to the end of its line, as a user would copy them from a code block or a list.
 */
export function commandsIn(answer: string, prefix: string): string[] {
  const commands: string[] = [];
  for (const line of answer.split("\n")) {
    const start = line.indexOf(prefix);
    if (start === -1) continue;
    // Inline code ends at its closing backtick; a shell comment is not part of the command.
    const command = line.slice(start).split("`")[0]?.split(" #")[0]?.trim();
    if (command) commands.push(command);
  }
  return commands;
}

/** Splits a command line into words as a POSIX shell would for plain and quoted words. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  const pattern = /'([^']*)'|"((?:\\.|[^"\\])*)"|(\\.|[^\s'"\\]+)|(\s+)/g;
  let word: string | undefined;
  for (const match of command.matchAll(pattern)) {
    const [, single, double, plain, space] = match;
    if (space !== undefined) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    const part =
      single ?? double?.replace(/\\(["\\$`])/g, "$1") ?? plain?.replace(/\\(.)/g, "$1") ?? "";
    word = (word ?? "") + part;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Runs a `prefect …` command from an answer, word for word, with the pinned Prefect's CLI against
 * the eval's server (and a throwaway PREFECT_HOME, so no profile of the developer's is read or
 * written). Only `prefect` itself is run, never a shell. Throws with its output if it fails.
 */
export async function runPrefectCommand(command: string, apiUrl: string): Promise<ProcessExit> {
  const [program, ...args] = shellWords(command);
  if (program !== "prefect") throw new Error(`not a prefect command: ${command}`);
  const { prefect } = await ensurePrefectEnv();
  const home = await mkdtemp(path.join(tmpdir(), "prefect-mcp-evals-cli-"));
  try {
    const exit = await runProcess(prefect, args, {
      env: isolatedEnv({ PREFECT_API_URL: apiUrl, PREFECT_HOME: home, DO_NOT_TRACK: "1" }),
      timeoutMs: 60_000,
    });
    if (exit.code !== 0) {
      throw new Error(`\`${command}\` exited with ${exit.code}: ${exit.stderr || exit.stdout}`);
    }
    return exit;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
