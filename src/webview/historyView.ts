/** Past asks, newest first; clicking one asks the host to show its full run record. */
import type { HistoryEntry } from '../protocol';
import { el, icon, iconButton, replaceChildren } from './dom';
import type { ViewModel } from './viewModel';
import type { ViewContext } from './viewContext';

export interface HistoryView {
  readonly root: HTMLElement;
  update(vm: ViewModel): void;
}

export function createHistoryView(ctx: ViewContext): HistoryView {
  const list = el('ol', { class: 'history-list', 'aria-label': 'Past runs' });
  const exportButton = iconButton('export', 'Export Run', () => ctx.post({ type: 'run/export' }), {
    text: 'Export JSON',
    className: 'secondary small',
  });
  const root = el('section', { class: 'history', 'aria-label': 'History' }, [
    el('div', { class: 'section-head' }, [el('h2', {}, [icon('history'), ' History']), exportButton]),
    list,
  ]);
  let last: readonly HistoryEntry[] | null = null;
  let lastAsk: string | undefined;
  return {
    root,
    update(vm) {
      exportButton.disabled = !vm.ask || vm.ask.running;
      if (vm.history === last && vm.ask?.askId === lastAsk) return;
      last = vm.history;
      lastAsk = vm.ask?.askId;
      const entries = [...vm.history].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
      replaceChildren(
        list,
        entries.length
          ? entries.map((h) => entryRow(h, h.askId === vm.ask?.askId, ctx))
          : [el('li', { class: 'muted' }, ['No runs yet.'])],
      );
    },
  };
}

function entryRow(h: HistoryEntry, current: boolean, ctx: ViewContext): HTMLElement {
  const when = new Date(h.startedAt);
  const time = Number.isNaN(when.getTime()) ? h.startedAt : when.toLocaleString();
  const button = el(
    'button',
    { type: 'button', class: 'history-entry', 'aria-current': current ? 'true' : false },
    [
      el('span', { class: 'history-instruction' }, [h.instruction || '(no instruction)']),
      el('span', { class: 'muted' }, [time, h.pick ? ` · pick ${h.pick}` : '', h.demo ? ' · demo' : '']),
    ],
  );
  button.addEventListener('click', () => ctx.post({ type: 'history/open', askId: h.askId }));
  return el('li', {}, [button]);
}
