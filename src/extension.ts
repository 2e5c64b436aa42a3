/**
 * Quorum's entry point: a table of contents. It builds the host services, registers the panel and
 * the commands, pushes every disposable into `context.subscriptions`, and returns the test API in test runs only.
 * Activation is lazy (the panel view or a command) and does no I/O beyond creating objects.
 */
import * as vscode from 'vscode';
import { COMMANDS, registerCommands } from './host/commands';
import { CANDIDATE_SCHEME } from './host/diffDocuments';
import { createHostLog } from './host/log';
import { QuorumPanel, VIEW_ID } from './host/panel';
import { QuorumPanelRouter } from './host/panelRouter';
import { offerDemoIfNeeded, openWalkthroughOnce } from './host/firstRun';
import { createServices } from './host/services';
import { createTestApi } from './host/testApi';
import { testApiFor } from './host/testApiGate';
import { registerLmFeatures } from './host/lm';
import type { QuorumTestApi } from './host/testApi';
import { SelectionVerifier } from './host/verify';

/** Set by `activate`: what `deactivate` awaits (the running ask stored, every container removed). */
let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): QuorumTestApi | undefined {
  const started = performance.now();
  const log = createHostLog();
  const services = createServices(context, log, COMMANDS);
  const panel = new QuorumPanel(context.extensionUri, log.logger);
  const router = new QuorumPanelRouter(services, panel);
  panel.setRouter(router);
  const verifier = new SelectionVerifier(services);
  shutdown = () => services.shutdown();

  const lm = registerLmFeatures(services, router, panel, context.extensionUri);
  context.subscriptions.push(
    lm,
    log,
    services,
    panel,
    router,
    verifier,
    vscode.window.registerWebviewViewProvider(VIEW_ID, panel, {
      webviewOptions: { retainContextWhenHidden: false },
    }),
    ...registerCommands(services, panel, router, verifier),
  );

  const activationMs = performance.now() - started;
  log.logger.info(`activated in ${activationMs.toFixed(1)} ms (virtual documents: ${CANDIDATE_SCHEME}:)`);
  // Background work after activation: Docker's state for the status bar, and the first-run demo offer.
  void services.refreshDocker();
  if (context.extensionMode !== vscode.ExtensionMode.Test) void openWalkthroughOnce(context.globalState);
  void offerDemoIfNeeded(services, context.globalState, () => panel.visible);
  // The test API reads secrets and forces trust: only a test run gets it (M1, host/testApiGate.ts).
  return testApiFor(context.extensionMode, () =>
    Object.assign(createTestApi(services, router, panel, activationMs), { lm: lm.testHooks }),
  );
}

export async function deactivate(): Promise<void> {
  // VS Code awaits this (within its own deadline) before it disposes context.subscriptions.
  await shutdown?.();
  shutdown = undefined;
}
