/**
 * Everything the user must know before trusting the cards: demo mode, Restricted Mode, Docker
 * availability and host notices.
 */
import { el, icon, iconButton, replaceChildren } from './dom';
import type { ViewModel } from './viewModel';
import type { ViewContext } from './viewContext';

export interface BannersView {
  readonly root: HTMLElement;
  update(vm: ViewModel): void;
}

export function createBannersView(ctx: ViewContext): BannersView {
  const root = el('div', { class: 'banners' });
  let lastKey = '';
  return {
    root,
    update(vm) {
      const key = JSON.stringify([vm.demo, vm.trusted, vm.docker, vm.notices]);
      if (key === lastKey) return;
      lastKey = key;
      replaceChildren(root, [
        vm.demo ? demoBanner(ctx) : null,
        vm.trusted ? null : trustBanner(ctx),
        // Untrusted, nothing runs whatever Docker's state: the trust banner is the one that matters.
        vm.docker && vm.trusted ? dockerLine(vm.docker, ctx) : null,
        ...vm.notices.map((n) =>
          el(
            'div',
            { class: `banner notice notice-${n.level}`, role: n.level === 'error' ? 'alert' : 'status' },
            [
              icon(n.level === 'info' ? 'info' : n.level),
              el('span', { class: 'banner-text' }, [n.message]),
              iconButton('close', 'Dismiss notice', () => ctx.dispatch({ type: 'dismissNotice', id: n.id })),
            ],
          ),
        ),
      ]);
    },
  };
}

function demoBanner(ctx: ViewContext): HTMLElement {
  return el('div', { class: 'banner demo', 'data-testid': 'demo-banner', role: 'note' }, [
    icon('beaker'),
    el('div', { class: 'banner-text' }, [
      el('strong', {}, ['Recorded demo answers — not live models.']),
      ' To use real models, add one (Quorum: Set API Key stores its key), or start Ollama (ollama serve) and reload.',
    ]),
    iconButton('add', 'Add a model', () => ctx.post({ type: 'model/add' }), {
      text: 'Add a model',
      className: 'secondary small',
    }),
  ]);
}

/** The one Restricted Mode banner: what it means, and the button that changes it. */
function trustBanner(ctx: ViewContext): HTMLElement {
  return el('div', { class: 'banner trust', 'data-testid': 'trust-banner', role: 'note' }, [
    icon('shield'),
    el('div', { class: 'banner-text' }, [
      el('strong', {}, ['Restricted Mode: models can be asked, but code is not executed.']),
      ' Trust this workspace to run candidates in the sandbox.',
    ]),
    iconButton('workspace-trusted', 'Manage Workspace Trust', () => ctx.post({ type: 'trust/manage' }), {
      text: 'Manage Workspace Trust',
      className: 'secondary small',
    }),
  ]);
}

function dockerLine(docker: { available: boolean; message?: string }, ctx: ViewContext): HTMLElement {
  const text = docker.available
    ? 'Docker sandbox ready'
    : `Docker unavailable${docker.message ? `: ${docker.message}` : ''} — code will not run.`;
  const logButton = docker.available
    ? null
    : iconButton('output', 'Show Log', () => ctx.post({ type: 'log/show' }));
  return el(
    'div',
    { class: `docker-line ${docker.available ? 'ok' : 'down'}`, 'data-testid': 'docker-status' },
    [icon(docker.available ? 'vm-active' : 'vm-outline'), el('span', {}, [text]), logButton],
  );
}
