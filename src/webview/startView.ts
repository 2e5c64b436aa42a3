/**
 * No dead end without keys. When no enabled model can answer (no key, no Ollama running) the panel
 * says so and offers the two ways on as buttons: Try the demo, Add a model. In demo mode it lists
 * the asks the demo has recordings for, each a button that runs it on the sample.
 */
import { el, icon, replaceChildren } from './dom';
import type { ViewModel } from './viewModel';
import type { ViewContext } from './viewContext';

export function createStartView(ctx: ViewContext): { root: HTMLElement; update(vm: ViewModel): void } {
  const root = el('section', {
    class: 'start',
    'data-testid': 'start',
    'aria-label': 'Get started',
    hidden: true,
  });
  let lastKey = '';
  return {
    root,
    update(vm) {
      const running = vm.ask?.running === true || vm.pending === true;
      const key = JSON.stringify([vm.demo, vm.readiness, vm.demoAsks, running, vm.trusted]);
      if (key === lastKey) return;
      lastKey = key;
      if (vm.demo && vm.demoAsks?.asks.length) {
        root.hidden = false;
        replaceChildren(root, [
          el('p', { class: 'start-text' }, [
            vm.demoAsks.reason ?? 'The demo has recorded answers for these asks:',
          ]),
          el(
            'div',
            { class: 'start-actions demo-asks', role: 'group', 'aria-label': 'Demo asks' },
            vm.demoAsks.asks.map((a, i) => {
              const b = el('button', { type: 'button', class: i === 0 ? 'primary' : 'secondary' }, [
                icon('play'),
                el('span', {}, [a.title]),
              ]);
              b.disabled = running;
              if (running) b.title = 'An ask is running.';
              b.addEventListener('click', () => {
                ctx.dispatch({ type: 'askRequested' });
                ctx.post({ type: 'demo/ask', askId: a.id });
              });
              return b;
            }),
          ),
        ]);
        return;
      }
      if (vm.demo || !vm.readiness || vm.readiness.ready) {
        root.hidden = true;
        root.replaceChildren();
        return;
      }
      root.hidden = false;
      const demo = el('button', { type: 'button', class: 'primary', 'data-testid': 'try-demo' }, [
        icon('beaker'),
        el('span', {}, ['Try the demo']),
      ]);
      demo.addEventListener('click', () => ctx.post({ type: 'demo/start' }));
      const add = el('button', { type: 'button', class: 'secondary' }, [
        icon('add'),
        el('span', {}, ['Add a model']),
      ]);
      add.addEventListener('click', () => ctx.post({ type: 'model/add' }));
      const down = vm.readiness.unreachable;
      replaceChildren(root, [
        el('p', { class: 'start-text' }, [
          el('strong', {}, ['No model can answer yet. ']),
          down.length
            ? `${down.join(', ')}: Ollama is not running at its URL; the other models need a key.`
            : 'The enabled models need an API key.',
          ' Try the demo (recorded answers, no key), or add a model.',
        ]),
        el('div', { class: 'start-actions', role: 'group', 'aria-label': 'Get started' }, [demo, add]),
      ]);
    },
  };
}
