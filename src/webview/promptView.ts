/**
 * The prompt box: instruction, intent, the editor selection as context, model toggles and
 * Run / Cancel. Inputs are created once and updated in place so typing and focus survive renders.
 */
import type { ModelView, SelectionContext } from '../protocol';
import { el, icon, replaceChildren, setDisabled } from './dom';
import { INTENT_INFO, INTENTS } from '../core/types';
import type { Intent } from './domainTypes';
import { runnableModelIds } from './state';
import type { ViewModel } from './viewModel';
import type { ViewContext } from './viewContext';

const CONTEXT_PREVIEW_LINES = 4;

export interface PromptView {
  readonly root: HTMLElement;
  update(vm: ViewModel): void;
}

export function createPromptView(ctx: ViewContext, getVm: () => ViewModel): PromptView {
  const textarea = el('textarea', {
    id: 'instruction',
    class: 'instruction',
    rows: 3,
    placeholder: 'Describe what you want (Ctrl+Enter to run)',
    'aria-label': 'Instruction',
  });
  const intent = el('select', { id: 'intent', 'aria-label': 'Intent' }, [
    ...INTENTS.map((i) => el('option', { value: i }, [INTENT_INFO[i].label])),
  ]);
  const contextBox = el('div', { class: 'context', 'data-testid': 'selection-context' });
  const modelList = el('fieldset', { class: 'models' });
  const runButton = el('button', { type: 'button', class: 'primary', 'aria-label': 'Run' }, [
    icon('play'),
    el('span', {}, ['Run']),
  ]);
  const cancelButton = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Cancel' }, [
    icon('debug-stop'),
    el('span', {}, ['Cancel']),
  ]);

  const run = (): void => {
    const vm = getVm();
    // A second Run (double click, Ctrl+Enter twice) before the host answered is not sent at all.
    if (vm.ask?.running || vm.pending) return;
    const modelIds = runnableModelIds(vm);
    ctx.dispatch({ type: 'askRequested' });
    ctx.post({ type: 'ask/start', instruction: textarea.value, intent: intent.value as Intent, modelIds });
  };
  textarea.addEventListener('input', () => ctx.dispatch({ type: 'draft', instruction: textarea.value }));
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run();
    }
  });
  intent.addEventListener('change', () => ctx.dispatch({ type: 'draft', intent: intent.value as Intent }));
  runButton.addEventListener('click', run);
  cancelButton.addEventListener('click', () => ctx.post({ type: 'ask/cancel' }));

  const root = el('section', { class: 'prompt', 'aria-label': 'Prompt' }, [
    el('div', { class: 'row' }, [el('label', { for: 'intent', class: 'label' }, ['Intent']), intent]),
    textarea,
    contextBox,
    modelList,
    el('div', { class: 'row actions' }, [runButton, cancelButton]),
  ]);

  let lastSelection: SelectionContext | undefined | null = null;
  let lastModels: readonly ModelView[] | null = null;
  let firstUpdate = true;
  let lastDraftRev = 0;
  let lastDown = '';
  return {
    root,
    update(vm) {
      if (firstUpdate) {
        // Restore the draft once; afterwards the textarea is the source of truth while typing.
        textarea.value = vm.draft.instruction;
        intent.value = vm.draft.intent;
        firstUpdate = false;
        lastDraftRev = vm.draftRev ?? 0;
      }
      if ((vm.draftRev ?? 0) !== lastDraftRev) {
        // An ask from outside the form (Quick Fix, keybinding, demo button): show what was asked.
        lastDraftRev = vm.draftRev ?? 0;
        textarea.value = vm.draft.instruction;
        intent.value = vm.draft.intent;
      }
      if (vm.selection !== lastSelection) {
        lastSelection = vm.selection;
        renderContext(contextBox, vm.selection);
      }
      const down = (vm.readiness?.unreachable ?? []).join('\n');
      if (vm.models !== lastModels || down !== lastDown) {
        lastModels = vm.models;
        lastDown = down;
        renderModels(modelList, vm.models, new Set(vm.readiness?.unreachable ?? []), ctx);
      }
      const running = vm.ask?.running === true || vm.pending === true;
      const runnable = runnableModelIds(vm).length > 0;
      setDisabled(
        runButton,
        running || !runnable,
        running
          ? 'An ask is running: Cancel it first.'
          : 'No model can answer: enable one with a key, start Ollama, or try the demo.',
      );
      if (!running && runnable) runButton.title = 'Run (Ctrl+Enter)';
      setDisabled(cancelButton, !running, 'Nothing is running.');
      if (running) cancelButton.title = 'Cancel the ask (answers so far are kept)';
    },
  };
}

function renderContext(box: HTMLElement, selection: SelectionContext | undefined): void {
  if (!selection || selection.text.length === 0) {
    replaceChildren(box, [el('span', { class: 'muted' }, ['No selection: the instruction is sent alone.'])]);
    return;
  }
  const lines = selection.text.split('\n');
  const preview = lines.slice(0, CONTEXT_PREVIEW_LINES).join('\n');
  const more = lines.length - CONTEXT_PREVIEW_LINES;
  replaceChildren(box, [
    el('div', { class: 'context-head' }, [
      icon(selection.wholeFile ? 'file' : 'selection'),
      el('span', { class: 'context-file', title: selection.file ?? 'untitled' }, [
        selection.file ?? 'untitled',
      ]),
      selection.language ? el('span', { class: 'tag' }, [selection.language]) : null,
      el('span', { class: 'muted' }, [
        selection.wholeFile ? 'whole file (nothing selected)' : `${lines.length} selected lines`,
      ]),
    ]),
    // All of what is sent, not a line of it: the first lines, the rest one click away.
    more > 0
      ? el('details', { class: 'context-all' }, [
          el('summary', {}, [
            el('pre', { class: 'context-preview', 'aria-label': 'Selected code preview' }, [preview]),
            el('span', { class: 'muted' }, [`Show all ${lines.length} lines`]),
          ]),
          el('pre', { class: 'context-full', 'aria-label': 'Selected code', tabindex: 0 }, [selection.text]),
        ])
      : el('pre', { class: 'context-preview', 'aria-label': 'Selected code preview' }, [preview]),
  ]);
}

function renderModels(
  list: HTMLElement,
  models: readonly ModelView[],
  unreachable: ReadonlySet<string>,
  ctx: ViewContext,
): void {
  const focusedId = document.activeElement?.getAttribute('data-model-id');
  const rows = models.map((m) => {
    const id = `model-${m.id}`;
    const box = el('input', {
      type: 'checkbox',
      id,
      'data-model-id': m.id,
      checked: m.enabled,
      disabled: !m.hasKey,
    });
    box.addEventListener('change', () => {
      ctx.dispatch({ type: 'modelEnabled', modelId: m.id, enabled: box.checked });
      ctx.post({ type: 'model/toggle', modelId: m.id, enabled: box.checked });
    });
    let keyLink: HTMLElement | null = null;
    if (!m.hasKey) {
      keyLink = el('button', { type: 'button', class: 'link', 'aria-label': `Set API key for ${m.id}` }, [
        icon('key'),
        'needs key',
      ]);
      keyLink.addEventListener('click', () => ctx.post({ type: 'apiKey/set', modelId: m.id }));
    } else if (unreachable.has(m.id)) {
      keyLink = el(
        'span',
        {
          class: 'model-state',
          title: 'Ollama does not answer at its URL: run "ollama serve", then reload.',
        },
        [icon('debug-disconnect'), 'not running'],
      );
    }
    return el('div', { class: 'model-row' }, [
      box,
      el('label', { for: id, title: `${m.id} · ${m.kind} · ${m.model}` }, [
        el('span', { class: 'model-id' }, [m.id]),
        el('span', { class: 'muted model-name' }, [` ${m.model}`]),
      ]),
      keyLink,
    ]);
  });
  replaceChildren(list, [
    el('legend', {}, ['Models']),
    ...(rows.length
      ? rows
      : [el('div', { class: 'muted' }, ['No models yet: use Add a model below, or try the demo.'])]),
  ]);
  if (focusedId) list.querySelector<HTMLElement>(`[data-model-id="${CSS.escape(focusedId)}"]`)?.focus();
}
