/**
 * The only way the panel creates elements. Text goes in through `textContent` / text nodes, never
 * through HTML parsing, so model output and host data can never become markup or script.
 */

export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Attributes that would turn data into behaviour or a network request are refused outright. */
const FORBIDDEN_ATTR = /^(on|style$|src$|srcdoc$|href$|action$|formaction$)/i;

/**
 * Creates an element. `attrs` values: string/number set the attribute, `true` sets it empty,
 * `false`/null/undefined omit it. `class` accepts a space-separated list.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (FORBIDDEN_ATTR.test(name)) throw new Error(`el(): attribute "${name}" is not allowed`);
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Appends children; strings become text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A codicon glyph, hidden from screen readers (the owning control carries the label). */
export function icon(name: string): HTMLElement {
  return el('i', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** A toolbar-style button with a codicon and an accessible label. */
export function iconButton(
  iconName: string,
  label: string,
  onClick: () => void,
  options: { text?: string; disabled?: boolean; className?: string } = {},
): HTMLButtonElement {
  const button = el(
    'button',
    {
      type: 'button',
      class: options.className ?? 'icon-button',
      'aria-label': label,
      title: label,
      disabled: options.disabled ?? false,
    },
    [icon(iconName), options.text ? el('span', { class: 'button-text' }, [options.text]) : null],
  );
  button.addEventListener('click', onClick);
  return button;
}

/** A disabled button says why, to the eye (tooltip) and to a screen reader (aria-description). */
export function setDisabled(button: HTMLButtonElement, disabled: boolean, why: string): void {
  button.disabled = disabled;
  if (disabled) {
    button.title = why;
    button.setAttribute('aria-description', why);
  } else button.removeAttribute('aria-description');
}
