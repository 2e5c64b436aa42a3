// Runs inside the real extension host. The panel's message discipline (queue until ready, validate
// everything, relay errors as notices) is checked against a recording stand-in for the webview
// object; the real webview's handshake is covered in activation.test.ts.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { Logger } from '../../../src/core/types';
import { QuorumPanel } from '../../../src/host/panel';
import type { PanelRouter } from '../../../src/host/panel';
import { QuorumPanelRouter } from '../../../src/host/panelRouter';
import type { HostServices } from '../../../src/host/services';
import type { HostMessage, WebviewMessage } from '../../../src/protocol';

type Listener = (raw: unknown) => Promise<void>;

function recordingView() {
  const view = {
    posted: [] as unknown[],
    receive: undefined as Listener | undefined,
    disposed: undefined as (() => void) | undefined,
    visible: true,
    webview: {
      options: {} as vscode.WebviewOptions,
      html: '',
      cspSource: 'https://csp.example',
      asWebviewUri: (uri: vscode.Uri) => uri,
      onDidReceiveMessage: (listener: Listener) => {
        view.receive = listener;
        return { dispose() {} };
      },
      postMessage: (message: unknown) => {
        view.posted.push(message);
        return Promise.resolve(true);
      },
    },
    onDidChangeVisibility: () => ({ dispose() {} }),
    onDidDispose: (listener: () => void) => {
      view.disposed = listener;
      return { dispose() {} };
    },
  };
  return view;
}

function recordingRouter(fail = false) {
  const router = {
    handled: [] as WebviewMessage[],
    viewDisposed: 0,
    handle: (m: WebviewMessage) => {
      router.handled.push(m);
      return fail ? Promise.reject(new Error('engine on fire')) : Promise.resolve();
    },
    initialMessages: (): Promise<HostMessage[]> =>
      Promise.resolve([{ type: 'state/init', models: [], trusted: true, demo: false, history: [] }]),
    onViewDisposed: () => {
      router.viewDisposed++;
    },
  } satisfies PanelRouter & Record<string, unknown>;
  return router;
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, debug() {}, error() {}, warn: (m) => void warnings.push(m) };
}

function setUp(fail = false) {
  const logger = recordingLogger();
  const panel = new QuorumPanel(vscode.Uri.file('/ext'), logger);
  const router = recordingRouter(fail);
  panel.setRouter(router);
  const view = recordingView();
  panel.resolveWebviewView(view as unknown as vscode.WebviewView);
  return { panel, router, view, logger };
}

describe('panel message handling', () => {
  it('serves HTML with a nonce CSP and only dist/ and media/ as local resources', () => {
    const { view } = setUp();
    assert.equal(view.webview.options.enableScripts, true);
    assert.deepEqual(
      view.webview.options.localResourceRoots?.map((u) => u.path),
      ['/ext/dist', '/ext/media'],
    );
    assert.match(view.webview.html, /default-src 'none'; script-src 'nonce-[A-Za-z0-9_-]+'/);
    assert.match(view.webview.html, /src="[^"]*\/ext\/dist\/webview\.js"/);
  });

  it('queues host messages until webview/ready, then sends the fresh state first', async () => {
    const { panel, view } = setUp();
    panel.post({ type: 'trust/update', trusted: false });
    panel.post({ type: 'notice/show', level: 'info', message: 'queued notice' });
    assert.deepEqual(view.posted, []);
    await view.receive?.({ type: 'webview/ready' });
    assert.deepEqual(
      view.posted.map((m) => (m as HostMessage).type),
      ['state/init', 'notice/show'],
      'stale state is replaced by the init state; notices survive',
    );
    panel.post({ type: 'trust/update', trusted: true });
    assert.equal(view.posted.length, 3, 'after ready, messages go straight out');
  });

  it('drops and logs every message that does not match the protocol', async () => {
    const { router, view, logger } = setUp();
    const invalid: unknown[] = [
      'ask/start',
      null,
      { type: 'eval', code: 'alert(1)' },
      { type: 'candidate/insert', candidateId: 'a', mode: 'everywhere' },
      { type: 'ask/start', instruction: 'x', intent: 'destroy', modelIds: [] },
      { type: 'apiKey/set', modelId: '' },
    ];
    for (const m of invalid) await view.receive?.(m);
    assert.deepEqual(router.handled, []);
    assert.equal(logger.warnings.length, invalid.length);
    assert.ok(logger.warnings.every((w) => w.startsWith('dropped an invalid message')));

    await view.receive?.({ type: 'candidate/insert', candidateId: 'a', mode: 'replace' });
    assert.deepEqual(router.handled, [{ type: 'candidate/insert', candidateId: 'a', mode: 'replace' }]);
  });

  it('turns a failing action into an error notice in the panel', async () => {
    const { view } = setUp(true);
    await view.receive?.({ type: 'webview/ready' });
    await view.receive?.({ type: 'ask/cancel' });
    assert.deepEqual(view.posted.at(-1), { type: 'notice/show', level: 'error', message: 'engine on fire' });
  });

  it('tells the router when the view is disposed, so a running ask is aborted', () => {
    const { router, view } = setUp();
    view.disposed?.();
    assert.equal(router.viewDisposed, 1);
  });
});

describe('panel router: the state a loading panel is given', () => {
  it('is read again when the models change while it is read (the demo starting as the panel loads)', async () => {
    // What the first panel load of the e2e suite hit: the demo started while the initial state
    // waited for the model list, its update was queued before `ready` and dropped, and the panel
    // kept the configured models without the demo banner.
    const demoChanged = new vscode.EventEmitter<boolean>();
    let demoActive = false;
    let calls = 0;
    let release: () => void = () => undefined;
    const none = (): vscode.Disposable => ({ dispose() {} });
    const modelViews = (): Promise<{ id: string }[]> => {
      const snapshot = [{ id: demoActive ? 'demo-model' : 'configured-model' }];
      // The first read waits (a provider registry still loading); later ones answer at once.
      if (calls++ > 0) return Promise.resolve(snapshot);
      return new Promise((resolve) => (release = () => resolve(snapshot)));
    };
    const services = {
      runner: { onEvent: none, onHistoryChange: none, modelViews, state: {}, running: false },
      settings: { onDidChange: none },
      keys: { onDidChange: none },
      demo: {
        onDidChange: demoChanged.event,
        get active() {
          return demoActive;
        },
      },
      trust: { onDidChange: none, trusted: true },
      tracker: { onDidChange: none, selection: undefined },
      history: { list: () => Promise.resolve([]) },
      statusBar: { docker: undefined },
      // No records store here: the panel loads without its records section.
      log: { logger: { warn() {} } },
    } as unknown as HostServices;
    const posted: HostMessage[] = [];
    const panel = { post: (m: HostMessage) => posted.push(m) } as unknown as QuorumPanel;
    const router = new QuorumPanelRouter(services, panel);
    try {
      const reading = router.initialMessages();
      demoActive = true;
      demoChanged.fire(true);
      release();
      const init = (await reading)[0];
      assert.equal(init?.type, 'state/init');
      assert.ok(init.type === 'state/init');
      assert.equal(init.demo, true);
      assert.deepEqual(
        init.models.map((m) => m.id),
        ['demo-model'],
      );
    } finally {
      router.dispose();
      demoChanged.dispose();
    }
  });
});
