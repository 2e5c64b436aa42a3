/**
 * Panel entry point: restores the stored view model, folds host messages into it, and renders at
 * most once per animation frame, so a burst of streamed deltas from five models costs one paint.
 */
import type { HostMessage } from '../protocol';
import { createBannersView } from './bannersView';
import { createCandidatesView } from './candidatesView';
import { el } from './dom';
import { createHistoryView } from './historyView';
import { createModelsView } from './modelsView';
import { createRecordsView } from './recordsView';
import { createSpendView } from './spendView';
import { boundForStorage, restoreViewModel } from './persist';
import { createPromptView } from './promptView';
import { reduce, reduceLocal, type LocalAction } from './state';
import { initialViewModel, type ViewModel } from './viewModel';
import { createStartView } from './startView';
import { createVerdictBar } from './verdictBar';
import { createVerdictView } from './verdictView';
import type { ViewContext } from './viewContext';
import { acquirePanelApi } from './vscodeApi';

const HOST_TYPES: ReadonlySet<string> = new Set<HostMessage['type']>([
  'state/init',
  'models/update',
  'selection/update',
  'trust/update',
  'docker/status',
  'session/event',
  'diff/update',
  'history/update',
  'record/show',
  'notice/show',
  'ask/refused',
  'draft/set',
  'readiness/update',
  'demo/asks',
  'records/update',
]);
/** Saving serialises the whole model; during streaming once every half second is plenty. */
const SAVE_DELAY_MS = 500;

function isHostMessage(data: unknown): data is HostMessage {
  return (
    typeof data === 'object' && data !== null && HOST_TYPES.has((data as { type?: unknown }).type as string)
  );
}

/** Mounts into the host's `#app` when present (the panel HTML), else a fresh <main> (harnesses). */
function mount(roots: readonly HTMLElement[]): void {
  const app = document.getElementById('app') ?? document.body.appendChild(el('main'));
  app.classList.add('quorum');
  // Only the progress line is a live region: a live app root would read every streamed token aloud.
  app.removeAttribute('aria-live');
  app.replaceChildren(...roots);
}

function start(): void {
  const api = acquirePanelApi();
  let vm: ViewModel = restoreViewModel(api.getState()) ?? initialViewModel();
  let frame = 0;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;

  const save = (): void => {
    saveTimer = undefined;
    api.setState(boundForStorage(vm));
  };
  const schedule = (): void => {
    if (frame === 0) frame = requestAnimationFrame(render);
    saveTimer ??= setTimeout(save, SAVE_DELAY_MS);
  };
  const ctx: ViewContext = {
    post: (message) => api.post(message),
    dispatch: (action: LocalAction) => {
      vm = reduceLocal(vm, action);
      schedule();
    },
  };

  const banners = createBannersView(ctx);
  const prompt = createPromptView(ctx, () => vm);
  const candidates = createCandidatesView(ctx);
  const start = createStartView(ctx);
  const bar = createVerdictBar(ctx);
  const verdict = createVerdictView(ctx);
  const history = createHistoryView(ctx);
  const spend = createSpendView(ctx);
  const models = createModelsView(ctx);
  const records = createRecordsView(ctx);
  // The verdict bar sits right under the form, pinned while the cards scroll under it.
  const views = [banners, start, prompt, spend, bar, verdict, candidates, models, records, history];
  mount(views.map((v) => v.root));

  function render(): void {
    frame = 0;
    for (const view of views) view.update(vm);
  }

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!isHostMessage(event.data)) return;
    try {
      vm = reduce(vm, event.data);
    } catch (error) {
      // A malformed message must not take the panel down; drop it and keep the last good state.
      console.error('Quorum panel: ignored a malformed host message', error);
      return;
    }
    schedule();
  });
  // Flush state when the panel is hidden, so nothing from the last half second is lost.
  window.addEventListener('pagehide', save);
  render();
  api.post({ type: 'webview/ready' });
}

start();
