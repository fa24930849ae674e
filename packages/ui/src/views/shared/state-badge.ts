import { h } from "./dom.js";
import { stateColorKey } from "./states.js";

/** A state name with a dot in its state's colour; the name itself is the text, never the colour. */
export function stateBadge(
  state: { name?: string; type?: string },
  props: Record<string, string> = {},
): HTMLElement {
  const name = state.name ?? state.type ?? "Unknown";
  return h(
    "span",
    {
      class: "badge",
      style: `--swatch: var(--state-${stateColorKey(state)})`,
      title: state.type ? `${name} (${state.type})` : name,
      ...props,
    },
    name,
  );
}
