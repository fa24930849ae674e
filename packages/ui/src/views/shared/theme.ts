import {
  type App,
  applyDocumentTheme,
  applyHostStyleVariables,
} from "@modelcontextprotocol/ext-apps";
import { stateColors, type Theme } from "./states.js";

// ext-apps' d.ts re-export their types from extensionless paths NodeNext cannot follow.
type HostContext = ReturnType<App["getHostContext"]>;

const listeners = new Set<() => void>();
let hostChoseTheme = false;

/** The theme in effect: the host's when it said one, else the system's. */
export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

/** Applies what the host says of theme and style variables; redraws whatever depends on them. */
export function applyHostContext(context: HostContext): void {
  if (!context) return;
  if (context.theme) {
    hostChoseTheme = true;
    applyDocumentTheme(context.theme);
  }
  if (context.styles?.variables) applyHostStyleVariables(context.styles.variables);
  if (context.theme || context.styles?.variables) themeChanged();
}

/** Before the host speaks (and when it never names a theme), follow the system's preference. */
export function followSystemTheme(): void {
  const query = window.matchMedia("(prefers-color-scheme: dark)");
  const follow = () => {
    if (hostChoseTheme) return;
    applyDocumentTheme(query.matches ? "dark" : "light");
    themeChanged();
  };
  follow();
  query.addEventListener("change", follow);
}

/** Calls `listener` after every theme or style change; returns the unsubscribe function. */
export function onThemeChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function themeChanged(): void {
  const root = document.documentElement;
  for (const [key, color] of Object.entries(stateColors(currentTheme()))) {
    root.style.setProperty(`--state-${key}`, color);
  }
  for (const listener of listeners) listener();
}

/**
 * Colours for canvas drawing in the current theme. Read through a probe's computed `color`, so
 * host values such as `light-dark(…)` or `var(…)` arrive as plain rgb() a canvas understands.
 */
export function ink(): { text: string; muted: string; grid: string; font: string } {
  const probe = document.createElement("span");
  probe.hidden = true;
  document.body.append(probe);
  const read = (variable: string) => {
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  };
  const colors = { text: read("--ui-text"), muted: read("--ui-muted"), grid: read("--ui-grid") };
  const font = getComputedStyle(probe).fontFamily || "system-ui, sans-serif";
  probe.remove();
  return { ...colors, font };
}
