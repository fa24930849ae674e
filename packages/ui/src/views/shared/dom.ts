export type Child = Node | string | number | null | undefined | false;
type Attribute = string | number | boolean | null | undefined;
type Props = Record<string, Attribute | ((event: Event) => void)>;

/**
 * Creates an element. Props become attributes (`true` → present, `false`/null/undefined → absent),
 * except `on<event>` functions, which become listeners. Text is always set as text, never as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (value === true) {
      element.setAttribute(key, "");
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(key, String(value));
    }
  }
  element.append(...nodes(children));
  return element;
}

function nodes(children: Child[]): (Node | string)[] {
  return children.flatMap((child) =>
    child === null || child === undefined || child === false
      ? []
      : [typeof child === "number" ? String(child) : child],
  );
}

/** Replaces an element's content. */
export function fill(element: Element, ...children: Child[]): void {
  element.replaceChildren(...nodes(children));
}

/** A section with a heading; `id` names it for aria-labelledby. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, title),
    ...children,
  );
}

export function loadingMessage(text: string): HTMLElement {
  return h("p", { class: "muted", role: "status" }, text);
}

export function errorMessage(text: string): HTMLElement {
  return h("p", { class: "error", role: "alert" }, text);
}

/** Sets the status the tests (and screen readers, via aria-busy) wait on. */
export function setStatus(status: "loading" | "ready" | "error"): void {
  document.body.dataset.status = status;
  document.body.setAttribute("aria-busy", String(status === "loading"));
}
