/**
 * Builds the host's services once per activation. Construction is cheap on purpose: no Docker call,
 * no network, no file read happens here; the sandbox is built on first use and Docker is checked in
 * the background. Everything returned is disposed through `context.subscriptions`.
 */
import * as vscode from 'vscode';
import { AskRunner } from './askRunner';
import { SettingsSnapshot } from './config';
import { DemoMode } from './demo';
import { CandidateDocuments } from './diffDocuments';
import { RunHistory } from './history';
import { ModelRecordBook } from './modelRecords';
import type { HostLog } from './log';
import { SandboxSlot } from './sandboxSlot';
import { ApiKeyStore } from './secrets';
import { EditorTracker } from './selection';
import { QuorumStatusBar } from './statusBar';
import { GatewayAccess } from './gatewayAccess';
import { TrustedTestFiles } from './testFiles';
import { TrustState } from './trust';

export interface HostServices {
  readonly log: HostLog;
  readonly settings: SettingsSnapshot;
  readonly keys: ApiKeyStore;
  readonly trust: TrustState;
  readonly tracker: EditorTracker;
  readonly sandbox: SandboxSlot;
  readonly demo: DemoMode;
  readonly history: RunHistory;
  /** Each model's record, fed by every stored run. */
  readonly records: ModelRecordBook;
  readonly runner: AskRunner;
  readonly documents: CandidateDocuments;
  readonly statusBar: QuorumStatusBar;
  /** Test files whose asserts every ask's judge trusts. */
  readonly testFiles: TrustedTestFiles;
  /** `quorum.server.url` and its token. */
  readonly gateway: GatewayAccess;
  /** Re-checks Docker and shows the result in the status bar (and returns it). */
  refreshDocker(): Promise<void>;
  /** Cancels what runs, stores it, and removes every container; awaited by `deactivate`. */
  shutdown(): Promise<void>;
}

export function createServices(
  context: vscode.ExtensionContext,
  log: HostLog,
  commandIds: { readonly cancel: string; readonly openPanel: string },
): HostServices & vscode.Disposable {
  const logger = log.logger;
  const settings = new SettingsSnapshot(logger);
  const keys = new ApiKeyStore(context.secrets);
  // Keys used to be stored per model id; move them to their endpoint before anything reads one.
  void keys.migrate(settings.config.models.map((m) => m.id));
  const trust = new TrustState();
  const tracker = new EditorTracker();
  const config = (): typeof settings.config => settings.config;
  const sandbox = new SandboxSlot(config, trust, logger);
  const demo = new DemoMode(logger);
  const records = new ModelRecordBook(
    vscode.Uri.joinPath(context.globalStorageUri, 'records').fsPath,
    () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    logger,
  );
  const history = new RunHistory(
    vscode.Uri.joinPath(context.globalStorageUri, 'runs').fsPath,
    undefined,
    (record) => records.add(record),
  );
  const gateway = new GatewayAccess(context.secrets, settings);
  const runner = new AskRunner({
    config,
    gateway,
    trust,
    keys,
    sandbox,
    demo,
    history,
    records,
    logger,
    contextExclude: () => settings.contextExclude,
  });
  const documents = new CandidateDocuments();
  const testFiles = new TrustedTestFiles(context.workspaceState, logger);
  const statusBar = new QuorumStatusBar(commandIds, () => demo.active);

  const refreshDocker = async (): Promise<void> => {
    const status = await sandbox.checkDocker();
    if (!status.available) logger.warn(`Docker: ${status.message ?? 'not available'}`);
  };
  const subscriptions: vscode.Disposable[] = [
    runner.onEvent((e) => statusBar.onSessionEvent(e)),
    sandbox.onDidCheck((status) => statusBar.setDocker(status)),
    trust.onDidChange(() => void refreshDocker()),
    settings.onDidChange(() => void refreshDocker()),
    demo.onDidChange(() => statusBar.refresh()),
  ];
  // Order matters on dispose: stop the ask before its sandbox and demo server go away.
  const owned: vscode.Disposable[] = [
    runner,
    sandbox,
    demo,
    documents,
    statusBar,
    tracker,
    trust,
    keys,
    settings,
  ];

  return {
    log,
    settings,
    keys,
    trust,
    tracker,
    sandbox,
    demo,
    history,
    records,
    runner,
    documents,
    statusBar,
    testFiles,
    gateway,
    refreshDocker,
    shutdown: async () => {
      await runner.shutdown();
      await sandbox.disposeAsync();
    },
    dispose: () => {
      for (const d of [...subscriptions, ...owned]) d.dispose();
    },
  };
}
