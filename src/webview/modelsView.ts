/**
 * Managing models from the panel: Add Model (the same flow as the command), and per model Edit (the
 * user settings at quorum.models) and Remove. Enabling and disabling stay the prompt's checkboxes.
 * The list follows `models/update`, so the panel and the settings stay in step both ways.
 */
import type { ModelView } from '../protocol';
import { el, iconButton, replaceChildren } from './dom';
import type { ViewContext } from './viewContext';
import type { ViewModel } from './viewModel';

export function createModelsView(ctx: ViewContext): { root: HTMLElement; update(vm: ViewModel): void } {
  const add = iconButton('add', 'Add Model', () => ctx.post({ type: 'model/add' }), {
    text: 'Add Model',
    className: 'secondary',
  });
  const list = el('ul', { class: 'manage-models', 'aria-label': 'Configured models' });
  const details = el('details', { class: 'section models-view' }, [
    el('summary', {}, ['Manage models']),
    list,
  ]);
  const root = el('section', { class: 'models-manage', 'data-testid': 'models-view' }, [add, details]);
  let last: readonly ModelView[] | null = null;
  let demo: boolean | null = null;
  return {
    root,
    update(vm) {
      add.disabled = vm.demo;
      if (vm.models === last && vm.demo === demo) return;
      last = vm.models;
      demo = vm.demo;
      replaceChildren(
        list,
        vm.models.map((m) =>
          el('li', { class: 'model-row', 'data-model-id': m.id }, [
            el('span', { class: 'model-id' }, [m.id]),
            el('span', { class: 'muted' }, [` ${m.kind} · ${m.model}${m.enabled ? '' : ' (disabled)'}`]),
            vm.demo
              ? null
              : iconButton('edit', `Edit ${m.id}`, () => ctx.post({ type: 'model/edit', modelId: m.id })),
            vm.demo
              ? null
              : iconButton('trash', `Remove ${m.id}`, () =>
                  ctx.post({ type: 'model/remove', modelId: m.id }),
                ),
          ]),
        ),
      );
    },
  };
}
