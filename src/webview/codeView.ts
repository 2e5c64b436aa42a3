/**
 * Renders code and long output. Highlighted tokens become text nodes in spans; anything longer
 * than a screenful is cut with a "show more" button so one runaway answer cannot stall the panel.
 */
import { el } from './dom';
import { tokenize } from './highlight';

export const CODE_LINES_SHOWN = 60;
export const TEXT_CHARS_SHOWN = 4_000;

export function codeBlock(
  code: string,
  language: string | null | undefined,
  expanded: boolean,
  onExpand: () => void,
): HTMLElement {
  const lines = code.split('\n');
  const cut = !expanded && lines.length > CODE_LINES_SHOWN;
  const shown = cut ? lines.slice(0, CODE_LINES_SHOWN).join('\n') : code;
  const codeEl = el('code', { class: `lang-${language ?? 'text'}` });
  for (const token of tokenize(shown, language)) {
    codeEl.appendChild(
      token.kind === 'text'
        ? document.createTextNode(token.text)
        : el('span', { class: `tok-${token.kind}` }, [token.text]),
    );
  }
  return el('div', { class: 'code' }, [
    el('pre', { tabindex: 0, 'aria-label': `Code${language ? ` (${language})` : ''}` }, [codeEl]),
    cut ? moreButton(`Show all ${lines.length} lines`, onExpand) : null,
  ]);
}

/** Plain preformatted text (stdout, stderr, answer), cut at TEXT_CHARS_SHOWN unless expanded. */
export function textBlock(
  text: string,
  label: string,
  expanded: boolean,
  onExpand: () => void,
  className = 'output',
): HTMLElement {
  const cut = !expanded && text.length > TEXT_CHARS_SHOWN;
  return el('div', { class: className }, [
    el('pre', { tabindex: 0, 'aria-label': label }, [cut ? text.slice(0, TEXT_CHARS_SHOWN) : text]),
    cut ? moreButton(`Show more (${text.length.toLocaleString()} characters)`, onExpand) : null,
  ]);
}

function moreButton(text: string, onClick: () => void): HTMLElement {
  const button = el('button', { type: 'button', class: 'link show-more' }, [text]);
  button.addEventListener('click', onClick);
  return button;
}
