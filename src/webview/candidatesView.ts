/**
 * The list of candidate cards, keyed by candidate id so a card's DOM (and focus inside it)
 * lives as long as the candidate does; in arrival order while streaming, in rank order (the pick
 * first) once the verdict is in. Also hosts the diff toggle. The progress line is the verdict bar's.
 */
import { createCardView, type CardView } from './cardView';
import { diffBaseToggle } from './diffView';
import { el, icon, replaceChildren } from './dom';
import { rankedIds } from './scoreboardView';
import type { ViewModel } from './viewModel';
import type { ViewContext } from './viewContext';

export interface CandidatesView {
  readonly root: HTMLElement;
  update(vm: ViewModel): void;
}

export function createCandidatesView(ctx: ViewContext): CandidatesView {
  const toggleSlot = el('div', { class: 'toggle-slot' });
  const heading = el('h2', {}, [icon('comment-discussion'), ' Answers']);
  // "saved" rather than "history": the host also re-sends the latest run as a record after a reload.
  const historyTag = el('span', { class: 'tag', hidden: true, title: 'Shown from a saved run record' }, [
    'saved run',
  ]);
  const list = el('div', { class: 'cards' });
  const root = el('section', { class: 'candidates', 'aria-label': 'Answers', hidden: true }, [
    el('div', { class: 'section-head' }, [heading, historyTag]),
    toggleSlot,
    list,
  ]);
  const cards = new Map<string, CardView>();
  let lastBase = '';
  let lastOrder = '';
  return {
    root,
    update(vm) {
      root.hidden = !vm.ask;
      historyTag.hidden = !vm.ask?.fromHistory;
      if (vm.diffBase !== lastBase) {
        lastBase = vm.diffBase;
        replaceChildren(toggleSlot, [diffBaseToggle(vm.diffBase, ctx)]);
      }
      const order = rankedIds(vm);
      const orderKey = order.join('\n');
      if (orderKey !== lastOrder) {
        lastOrder = orderKey;
        for (const [id, card] of cards) {
          if (!order.includes(id)) {
            card.root.remove();
            cards.delete(id);
          }
        }
        order.forEach((id, index) => {
          let card = cards.get(id);
          if (!card) {
            card = createCardView(id, ctx);
            cards.set(id, card);
          }
          if (list.children[index] !== card.root) list.insertBefore(card.root, list.children[index] ?? null);
        });
      }
      for (const card of cards.values()) card.update(vm);
    },
  };
}
