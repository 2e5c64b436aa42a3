/**
 * Model text on its way to a terminal or a pull-request comment. An answer may carry escape
 * sequences (ANSI colours and cursor moves, OSC titles and hyperlinks) or a carriage return that
 * hides the line before it; and a markdown fence or a closing tag inside it would end the report's
 * code block early. These helpers show such bytes instead of obeying them.
 */

/** Control characters but newline and tab (C0, DEL, C1), each shown as `\xNN`. */
export function visibleControls(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** A backtick fence longer than any run of backticks in `text` (three at least). */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** Markdown prose kept inside the report's `<details>`: its own closing tag cannot end it. */
export function withinDetails(text: string): string {
  return text.replace(/<\/(details|summary)/gi, '&lt;/$1');
}
