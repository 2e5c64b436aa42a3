/**
 * The spend line under the prompt: what the ask will send (file, size, or the exclusion that kept it
 * out) and its estimated input cost before Run; the actual cost of the shown run after. The host
 * computes the estimate (`spend/estimate` -> `spend/update`); this view asks again, debounced, when
 * the draft, the enabled models or the selection change.
 */
import type { HostMessage, SpendEstimate } from '../protocol';
import { el, icon, replaceChildren } from './dom';
import type { Intent } from './domainTypes';
import type { ViewContext } from './viewContext';
import type { ViewModel } from './viewModel';

const ASK_DELAY_MS = 400;

function usd(value: number): string {
  if (value === 0) return '$0';
  return value < 0.01 ? `$${value.toPrecision(2)}` : `$${value.toFixed(value < 1 ? 3 : 2)}`;
}

function size(chars: number): string {
  return chars < 1024 ? `${chars} chars` : `${(chars / 1024).toFixed(1)} KB`;
}

export function spendText(estimate: SpendEstimate): { sent: string; cost: string } {
  const c = estimate.context;
  const sent = !c
    ? 'Sends the instruction only'
    : c.excludedBy
      ? `Sends the instruction only: ${c.file ?? 'this file'} matches quorum.contextExclude (${c.excludedBy})`
      : `Sends ${c.file ?? 'untitled'} (${c.wholeFile ? 'whole file, ' : ''}${c.lines} lines, ${size(c.chars)}) + instruction`;
  const n = estimate.models.length;
  const tokens = estimate.models.reduce((sum, m) => sum + m.inputTokens, 0);
  const label = estimate.estimated ? ' (estimated: characters / 4)' : ' (o200k_base tokenizer)';
  const cost =
    n === 0
      ? 'No model enabled'
      : `to ${n} model${n === 1 ? '' : 's'}: ${tokens.toLocaleString('en-US')} input tokens${label}` +
        (estimate.inputUsd === undefined ? ', no model priced' : `, about ${usd(estimate.inputUsd)} input`);
  return { sent, cost };
}

export function createSpendView(ctx: ViewContext): { root: HTMLElement; update(vm: ViewModel): void } {
  const estimateLine = el('div', {
    class: 'spend muted',
    'data-testid': 'spend-line',
    'aria-live': 'polite',
  });
  const actualLine = el('div', { class: 'spend muted', 'data-testid': 'actual-cost' });
  const root = el('section', { class: 'spend-view', 'aria-label': 'What this ask sends and costs' }, [
    estimateLine,
    actualLine,
  ]);
  let lastKey = '';
  let timer: ReturnType<typeof setTimeout> | undefined;

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const m = event.data as HostMessage | null;
    if (m?.type !== 'spend/update' || !Array.isArray(m.estimate?.models)) return;
    const { sent, cost } = spendText(m.estimate);
    replaceChildren(estimateLine, [icon('credit-card'), ` ${sent} ${cost}.`]);
  });

  return {
    root,
    update(vm) {
      const modelIds = vm.models.filter((m) => m.enabled && m.hasKey).map((m) => m.id);
      const sel = vm.selection;
      const key = JSON.stringify([
        vm.draft.instruction,
        vm.draft.intent,
        modelIds,
        sel?.file,
        sel?.text.length,
      ]);
      if (key !== lastKey) {
        lastKey = key;
        clearTimeout(timer);
        const intent: Intent = vm.draft.intent;
        const instruction = vm.draft.instruction;
        timer = setTimeout(
          () => ctx.post({ type: 'spend/estimate', instruction, intent, modelIds }),
          ASK_DELAY_MS,
        );
      }
      const costs = vm.order.map((id) => vm.candidates[id]?.costUsd).filter((c) => c !== undefined);
      const finished = vm.ask !== undefined && !vm.ask.running;
      replaceChildren(
        actualLine,
        finished && costs.length
          ? [
              icon('pass'),
              ` Actual cost of this run: ${usd(costs.reduce((a, b) => a + b, 0))} (${costs.length} priced answers)`,
            ]
          : [],
      );
    },
  };
}
