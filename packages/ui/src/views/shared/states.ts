// Prefect's state types and the names its states carry, coloured like Prefect's own UI.

export const STATE_TYPES = [
  "COMPLETED",
  "RUNNING",
  "SCHEDULED",
  "PENDING",
  "PAUSED",
  "CANCELLING",
  "CANCELLED",
  "CRASHED",
  "FAILED",
] as const;

export type StateType = (typeof STATE_TYPES)[number];
export type Theme = "light" | "dark";

/** Prefect's named states (prefect.states) and the type each one has. */
const TYPE_OF_NAME: Record<string, StateType> = {
  completed: "COMPLETED",
  cached: "COMPLETED",
  rolledback: "COMPLETED",
  running: "RUNNING",
  retrying: "RUNNING",
  scheduled: "SCHEDULED",
  late: "SCHEDULED",
  awaitingretry: "SCHEDULED",
  awaitingconcurrencyslot: "SCHEDULED",
  pending: "PENDING",
  notready: "PENDING",
  paused: "PAUSED",
  suspended: "PAUSED",
  cancelling: "CANCELLING",
  cancelled: "CANCELLED",
  crashed: "CRASHED",
  failed: "FAILED",
  timedout: "FAILED",
};

function isStateType(value: string): value is StateType {
  return (STATE_TYPES as readonly string[]).includes(value);
}

/**
 * The type of a state: the given type when it is one of Prefect's, else the type of a known state
 * name ("Late", "Awaiting Retry", "TimedOut"…), else undefined.
 */
export function stateTypeOf(name?: string, type?: string): StateType | undefined {
  const upper = type?.toUpperCase();
  if (upper && isStateType(upper)) return upper;
  if (!name) return undefined;
  return TYPE_OF_NAME[name.toLowerCase().replace(/[\s_-]/g, "")];
}

// Light: Prefect UI's state colours, Scheduled a deeper yellow so bars keep 3:1 contrast on white.
// Dark: lighter shades of the same hues, with the same contrast on dark grey.
const PALETTE: Record<Theme, Record<StateType, string>> = {
  light: {
    COMPLETED: "#219d4b",
    RUNNING: "#09439b",
    SCHEDULED: "#b58900",
    PENDING: "#8e8093",
    PAUSED: "#726576",
    CANCELLING: "#334863",
    CANCELLED: "#333333",
    CRASHED: "#ea580c",
    FAILED: "#de0529",
  },
  dark: {
    COMPLETED: "#3fc071",
    RUNNING: "#6b9cf0",
    SCHEDULED: "#f2c531",
    PENDING: "#b3a7b8",
    PAUSED: "#a597aa",
    CANCELLING: "#8fa4c2",
    CANCELLED: "#a3a3a3",
    CRASHED: "#ff7438",
    FAILED: "#ff5c70",
  },
};

/** Late runs are scheduled runs gone stale: a darker, more orange yellow of the same family. */
const LATE: Record<Theme, string> = { light: "#a05a00", dark: "#cf9a2e" };
const UNKNOWN: Record<Theme, string> = { light: "#6b7280", dark: "#9ca3af" };

/** Which colour a state takes: "late" for Late runs, else its type in lower case, else "unknown". */
export function stateColorKey(state: { name?: string; type?: string }): string {
  if (state.name?.toLowerCase() === "late") return "late";
  return stateTypeOf(state.name, state.type)?.toLowerCase() ?? "unknown";
}

/** The colour of a state, by its name when it has its own (Late) and otherwise by its type. */
export function stateColor(
  state: { name?: string; type?: string },
  theme: Theme = "light",
): string {
  return stateColors(theme)[stateColorKey(state)] ?? UNKNOWN[theme];
}

/** Every state colour of a theme, by colour key (see stateColorKey). */
export function stateColors(theme: Theme): Record<string, string> {
  const colors: Record<string, string> = { late: LATE[theme], unknown: UNKNOWN[theme] };
  for (const type of STATE_TYPES) colors[type.toLowerCase()] = PALETTE[theme][type];
  return colors;
}

/** Sorts state names the way a stacked chart reads best: by type order, then by name. */
export function compareStates(
  a: { name: string; type?: string },
  b: { name: string; type?: string },
) {
  const rank = (state: { name: string; type?: string }) => {
    const type = stateTypeOf(state.name, state.type);
    return type ? STATE_TYPES.indexOf(type) : STATE_TYPES.length;
  };
  return rank(a) - rank(b) || a.name.localeCompare(b.name);
}
