import { commandsIn, runPrefectCommand } from "./prefect-cli.js";
import type { Check, EvalContext } from "./scenario.js";

type PickObjects<Facts> = (facts: Facts) => string | string[];

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** The answer contains every one of these strings, exactly (names and ids are case-sensitive). */
export function mentions<Facts>(name: string, pick: PickObjects<Facts>): Check<Facts> {
  return {
    name,
    pass: (answer, _results, facts) => asList(pick(facts)).every((part) => answer.includes(part)),
  };
}

/**
 * The answer names the diagnosis' cause code and the concrete object behind it (a pool, queue,
 * deployment, tag, limit or automation, by name or id).
 */
export function namesCause<Facts>(
  code: string,
  what: string,
  pick: PickObjects<Facts>,
): Check<Facts> {
  return {
    name: `names ${code} and the ${what}`,
    pass: (answer, _results, facts) =>
      answer.includes(code) && asList(pick(facts)).some((object) => answer.includes(object)),
  };
}

/** The answer's `prefect …` commands that start with `prefix` and name every picked string. */
function matchingCommands(answer: string, prefix: string, objects: string[]): string[] {
  return commandsIn(answer, prefix).filter((command) =>
    objects.every((object) => command.includes(object)),
  );
}

/** The answer gives the exact command to run: `prefix …` naming the concrete objects. */
export function givesCommand<Facts>(
  prefix: string,
  what: string,
  pick: PickObjects<Facts>,
): Check<Facts> {
  return {
    name: `gives \`${prefix} …\` for the ${what}`,
    pass: (answer, _results, facts) =>
      matchingCommands(answer, prefix, asList(pick(facts))).length > 0,
  };
}

/**
 * Proves the answer's fix: runs its `prefix …` commands for the object, in order, with the pinned
 * Prefect CLI against the eval's server, until `fixed` sees Prefect's state changed as promised.
 */
export function commandFixes<Facts>(
  prefix: string,
  outcome: string,
  pick: PickObjects<Facts>,
  fixed: (facts: Facts, ctx: EvalContext) => Promise<boolean>,
): Check<Facts> {
  return {
    name: `its \`${prefix} …\`, run with the pinned prefect CLI, ${outcome}`,
    async pass(answer, _results, facts, ctx) {
      const commands = matchingCommands(answer, prefix, asList(pick(facts)));
      if (commands.length === 0) {
        throw new Error(`no \`${prefix}\` command for ${asList(pick(facts))} in the answer`);
      }
      for (const command of commands) {
        await runPrefectCommand(command, ctx.apiUrl);
        if (await fixed(facts, ctx)) return true;
      }
      return false;
    },
  };
}
