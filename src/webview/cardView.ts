/**
 * One card per model. The header and body are rebuilt only when the candidate's `rev`, the
 * verdict or the diffs change; streamed deltas just update one text node, and the action
 * toolbar is never rebuilt, so keyboard focus stays put while answers arrive.
 */
import type { DiffLine } from '../protocol';
import { badgesFor, projectLine, tallyOf } from './badges';
import { codeBlock, textBlock, TEXT_CHARS_SHOWN } from './codeView';
import { diffBlock } from './diffView';
import { append, el, icon, replaceChildren, setDisabled } from './dom';
import { runDetails, metricsList, matrixRow } from './runView';
import type { CandidateView, ViewModel } from './viewModel';
import type { ViewContext } from './viewContext';

export interface CardView {
  readonly root: HTMLElement;
  update(vm: ViewModel): void;
}

export function createCardView(id: string, ctx: ViewContext): CardView {
  const header = el('header', { class: 'card-head' });
  const body = el('div', { class: 'card-body' });
  const liveText = document.createTextNode('');
  const livePre = el('pre', { class: 'stream', 'aria-label': 'Streaming answer', tabindex: 0 }, [liveText]);
  const actions = createActions(id, ctx);
  const root = el('article', { class: 'card', 'data-candidate-id': id }, [header, body, actions.root]);

  /** "show more" and <details> choices survive rebuilds of the body. */
  const expanded = new Set<string>();
  const open = new Map<string, boolean>();
  let lastKey = '';
  let vmRef: ViewModel | undefined;
  const rerender = (): void => {
    lastKey = '';
    if (vmRef) update(vmRef);
  };
  const expand = (what: string) => () => {
    expanded.add(what);
    rerender();
  };
  const details = (
    name: string,
    summary: string,
    defaultOpen: boolean,
    content: HTMLElement[],
  ): HTMLElement => {
    const d = el('details', { class: `section section-${name}`, open: open.get(name) ?? defaultOpen }, [
      el('summary', {}, [summary]),
      ...content,
    ]);
    d.addEventListener('toggle', () => open.set(name, d.open));
    return d;
  };

  function update(vm: ViewModel): void {
    vmRef = vm;
    const c = vm.candidates[id];
    if (!c) return;
    const pick = vm.verdict?.pick ?? null;
    const diff = vm.diffs[id];
    const key = `${c.rev}|${pick}|${vm.trusted}|${String(vm.verdict !== undefined)}|${vm.diffBase}|${diff?.length ?? -1}`;
    if (c.phase === 'streaming') {
      // Show the tail while streaming: the newest text is what the user is watching.
      const tail = c.text.length > TEXT_CHARS_SHOWN ? `…${c.text.slice(-TEXT_CHARS_SHOWN)}` : c.text;
      if (liveText.data !== tail) liveText.data = tail;
    }
    actions.update(c, vm);
    if (key === lastKey) return;
    lastKey = key;
    root.setAttribute('aria-label', `Candidate ${c.modelId}`);
    root.classList.toggle('is-pick', pick === id);
    root.classList.toggle('is-failed', c.phase === 'failed');
    renderHeader(header, c, vm);
    replaceChildren(body, bodyParts(c, vm, diff));
  }

  function bodyParts(
    c: CandidateView,
    vm: ViewModel,
    diff: readonly DiffLine[] | undefined,
  ): (HTMLElement | null)[] {
    const parts: (HTMLElement | null)[] = [];
    // A cancel is the user's own choice, not a provider error: the neutral badge says it.
    if (c.error && c.phase !== 'cancelled') {
      parts.push(
        el('div', { class: 'advice', role: 'note' }, [
          icon('lightbulb'),
          el('span', {}, [`${c.error.message} `, el('strong', {}, [c.error.advice])]),
        ]),
      );
    }
    if (c.runError && c.runError.reason !== 'untrusted') {
      parts.push(
        el('div', { class: 'advice', role: 'note' }, [
          icon('debug-disconnect'),
          el('span', {}, [`${c.runError.message} `, el('strong', {}, [c.runError.advice])]),
        ]),
      );
    }
    if (c.phase === 'streaming') {
      parts.push(livePre);
    } else if (c.code !== undefined) {
      parts.push(codeBlock(c.code, c.language, expanded.has('code'), expand('code')));
      if (c.prose && c.prose.trim()) {
        parts.push(
          details('prose', 'Explanation', false, [
            textBlock(c.prose, 'Explanation', expanded.has('prose'), expand('prose'), 'prose'),
          ]),
        );
      }
    } else if (c.text) {
      parts.push(textBlock(c.text, 'Answer', expanded.has('text'), expand('text'), 'answer'));
    }
    if (c.phase !== 'streaming' && c.reasoning?.trim()) {
      const block = textBlock(
        c.reasoning,
        'Reasoning',
        expanded.has('reasoning'),
        expand('reasoning'),
        'prose',
      );
      parts.push(details('reasoning', 'Reasoning', false, [block]));
    }
    if (c.run) parts.push(details('run', 'Run', c.run.exitCode !== 0, runDetails(c.run, expanded, expand)));
    if (c.project) parts.push(projectSection(c, details));
    parts.push(matrixRow(c.id, vm.verdict));
    parts.push(metricsList(c, vm.verdict));
    // Collapsed: a long diff must not push the next card (and its verdict) off screen.
    if (diff && diff.length > 0) parts.push(details('diff', 'Diff', false, [diffBlock(diff, vm.diffBase)]));
    return parts;
  }

  return { root, update };
}

/** An edit ask's evidence: "fixes N · breaks M of K project tests", with the tests by class. */
function projectSection(
  c: CandidateView,
  details: (name: string, summary: string, open: boolean, content: HTMLElement[]) => HTMLElement,
): HTMLElement {
  const p = c.project!;
  const group = (title: string, ids: readonly string[]): HTMLElement | null =>
    ids.length
      ? el('div', { class: 'project-group' }, [
          el('strong', {}, [title]),
          el(
            'ul',
            { class: 'project-tests' },
            ids.map((t) => el('li', {}, [el('code', {}, [t])])),
          ),
        ])
      : null;
  const of = (cls: string): string[] => p.outcomes.filter((o) => o.class === cls).map((o) => o.id);
  return details(
    'project',
    projectLine(p),
    p.counts.regressed > 0,
    [
      group('Breaks', p.regressedIds),
      group('Fixes', p.fixedIds),
      group('Still failing', of('stillFailing')),
      group('Passing', of('passing')),
    ].filter((x): x is HTMLElement => x !== null),
  );
}

function renderHeader(header: HTMLElement, c: CandidateView, vm: ViewModel): void {
  const badges = badgesFor(c, {
    trusted: vm.trusted,
    pick: vm.verdict?.pick ?? null,
    // Untrusted, nothing ran: a matrix row would be the judge's guess, not a test result.
    tests: vm.trusted ? tallyOf(c.id, vm.verdict?.matrix) : undefined,
  });
  replaceChildren(header, [
    el('div', { class: 'card-title' }, [
      el('h3', {}, [c.modelId]),
      el('span', { class: 'muted' }, [`${c.kind} · ${c.model}`]),
    ]),
    el(
      'ul',
      { class: 'badges', 'aria-label': 'Status' },
      badges.map((b) => {
        const glyph = icon(b.icon);
        if (b.icon === 'loading') glyph.classList.add('codicon-modifier-spin');
        return el('li', { class: `badge badge-${b.tone}`, title: b.detail ?? b.label }, [
          glyph,
          el('span', {}, [b.label]),
        ]);
      }),
    ),
  ]);
}

interface Actions {
  readonly root: HTMLElement;
  update(c: CandidateView, vm: ViewModel): void;
}

interface MenuItem {
  readonly label: string;
  readonly icon: string;
  readonly run: () => void;
}

/**
 * One labelled primary action (Apply…, through the host's preview) and a labelled "More" menu with
 * the rest. Two tab stops per card; the menu is a native <details>, so Enter and Space open it and
 * every item is a labelled button.
 */
function createActions(id: string, ctx: ViewContext): Actions {
  let base: 'pick' | 'selection' = 'pick';
  const post: ViewContext['post'] = (message) => ctx.post(message);
  const apply = el('button', { type: 'button', class: 'secondary apply', 'aria-label': 'Apply…' }, [
    icon('git-pull-request-go-to-changes'),
    el('span', {}, ['Apply…']),
  ]);
  apply.addEventListener('click', () => post({ type: 'candidate/apply', candidateId: id }));
  const items: MenuItem[] = [
    {
      label: 'Insert at Cursor',
      icon: 'insert',
      run: () => post({ type: 'candidate/insert', candidateId: id, mode: 'cursor' }),
    },
    {
      label: 'Replace Selection',
      icon: 'replace',
      run: () => post({ type: 'candidate/insert', candidateId: id, mode: 'replace' }),
    },
    { label: 'Copy', icon: 'copy', run: () => post({ type: 'candidate/copy', candidateId: id }) },
    {
      label: 'Open in Diff Editor',
      icon: 'diff',
      run: () => post({ type: 'candidate/openDiff', candidateId: id, base }),
    },
    {
      label: 'Open as Untitled File',
      icon: 'new-file',
      run: () => post({ type: 'candidate/openUntitled', candidateId: id }),
    },
    { label: 'Re-run', icon: 'debug-rerun', run: () => post({ type: 'candidate/rerun', candidateId: id }) },
  ];
  const menu = el('details', { class: 'more' });
  const buttons = items.map((item) => {
    const b = el('button', { type: 'button', class: 'menu-item', role: 'menuitem' }, [
      icon(item.icon),
      el('span', {}, [item.label]),
    ]);
    b.addEventListener('click', () => {
      menu.open = false;
      item.run();
    });
    return b;
  });
  const summary = el(
    'summary',
    { class: 'more-button', 'aria-label': 'More actions', title: 'More actions' },
    [icon('ellipsis'), el('span', {}, ['More'])],
  );
  append(menu, [summary, el('div', { class: 'menu', role: 'menu', 'aria-label': 'More actions' }, buttons)]);
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && menu.open) {
      menu.open = false;
      summary.focus();
    }
  });
  const root = el('div', { class: 'card-actions', role: 'group', 'aria-label': `Actions for ${id}` }, [
    apply,
    menu,
  ]);
  const [insert, replace, copy, diff, untitled, rerun] = buttons as [
    HTMLButtonElement,
    HTMLButtonElement,
    HTMLButtonElement,
    HTMLButtonElement,
    HTMLButtonElement,
    HTMLButtonElement,
  ];
  return {
    root,
    update(c, vm) {
      base = vm.diffBase;
      const hasCode = c.code !== undefined && c.code.length > 0;
      const noCode = c.phase === 'streaming' ? 'Still answering.' : 'This answer has no code.';
      for (const b of [apply, insert, replace, copy, untitled, diff]) setDisabled(b, !hasCode, noCode);
      if (hasCode) apply.title = 'Preview this code in your file, then Accept or Reject';
      const why = !hasCode
        ? noCode
        : !vm.trusted
          ? 'Restricted Mode: code is not executed. Trust the workspace to run it.'
          : c.running || vm.ask?.running
            ? 'Wait until the ask has finished.'
            : '';
      setDisabled(rerun, why !== '', why);
      if (!why) rerun.title = 'Run this code in the sandbox again';
    },
  };
}
