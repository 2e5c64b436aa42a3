/**
 * What each panel message does. The router turns validated webview messages into calls on the host
 * services and keeps the panel in step with them: session events, diffs, models, trust, history.
 */
import * as vscode from 'vscode';
import type { Intent, Language, RunRecord, SessionEvent } from '../core/types';
import { DEMO_ASKS, matchDemoAsk, promptTextOf } from '../demo/demoAsks';
import type { DiffBase, HostMessage, WebviewMessage } from '../protocol';
import { AskNotStartedError, NoModelsError } from './askRunner';
import { candidateDiffs } from './candidateDiffs';
import { sendableSelection } from './contextPreview';
import { confirmSpend, estimateAsk } from './spendCheck';
import { DeltaBatcher } from './deltaBatcher';
import { demoAsk, selectDemoTarget } from './demo';
import { readinessOf, type Readiness } from './firstRun';
import { openMatrixEditor } from './matrixEditor';
import { copyCode, insertCode, openUntitled, rewritesWholeFile } from './editorActions';
import { editTargetOf } from './editTarget';
import type { InsertMode } from './editorActions';
import type { PanelRouter, QuorumPanel } from './panel';
import type { HostServices } from './services';

/** Where the ask's code came from, so Apply finds it by URI whatever editor has focus. */
interface AskTarget {
  readonly uri: vscode.Uri;
  readonly version: number;
  readonly range: vscode.Range;
  /** Nothing was selected: the whole file was sent, and the pick replaces the whole file. */
  readonly wholeFile: boolean;
}

/** The demo's asks as the panel's buttons. */
const DEMO_ASK_VIEWS = DEMO_ASKS.map((a) => ({ id: a.id, title: a.title }));

/** Deltas of one ask are replayed to a reloaded webview; past this many the replay stops growing. */
const MAX_REPLAY_EVENTS = 20_000;

export class QuorumPanelRouter implements PanelRouter, vscode.Disposable {
  private diffBase: DiffBase = 'pick';
  /** Counts Run presses; only the newest one may start an ask. */
  private askSeq = 0;
  private live: SessionEvent[] = [];
  private modelsSeq = 0;
  private target: AskTarget | undefined;
  /** The readiness last sent to the panel (undefined until computed once). */
  private readiness: Readiness | undefined;
  private readonly batcher: DeltaBatcher;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly s: HostServices,
    private readonly panel: QuorumPanel,
  ) {
    const refreshModels = (): void => void this.postModels();
    this.batcher = new DeltaBatcher((event) => this.relay(event));
    this.subscriptions = [
      s.runner.onEvent((event) => this.onSessionEvent(event)),
      s.runner.onHistoryChange(() => void this.postHistory()),
      s.runner.onHistoryChange(() => void this.postRecords()),
      s.settings.onDidChange(refreshModels),
      // Enabling or disabling a model changes which ones the records suggest disabling.
      s.settings.onDidChange(() => void this.postRecords()),
      s.keys.onDidChange(refreshModels),
      s.demo.onDidChange(refreshModels),
      s.trust.onDidChange((trusted) => panel.post({ type: 'trust/update', trusted })),
      s.tracker.onDidChange((selection) => panel.post({ type: 'selection/update', selection })),
    ];
  }

  async initialMessages(): Promise<HostMessage[]> {
    const s = this.s;
    // The panel queues nothing but notices while it waits for these (panel.ts), so a models update
    // made meanwhile (the demo starting, a key stored) would be lost to a stale init: take the models
    // slot, and read again until no newer update began during the read.
    let seq: number;
    let demo: boolean;
    let models: Awaited<ReturnType<typeof s.runner.modelViews>>;
    do {
      seq = ++this.modelsSeq;
      demo = s.demo.active;
      models = await s.runner.modelViews();
    } while (seq !== this.modelsSeq);
    const messages: HostMessage[] = [
      {
        type: 'state/init',
        models,
        trusted: s.trust.trusted,
        demo,
        selection: s.tracker.selection,
        history: await s.history.list(),
      },
    ];
    this.readiness = await readinessOf(s);
    messages.push({ type: 'readiness/update', ...this.readiness });
    // The records are an extra: a store that cannot be read never keeps the panel from loading.
    const records = await this.recordsMessage().catch((error: unknown) => {
      this.s.log.logger.warn(`could not read the model records: ${String(error)}`);
      return undefined;
    });
    if (records) messages.push(records);
    if (demo) messages.push({ type: 'demo/asks', asks: DEMO_ASK_VIEWS });
    const record = s.runner.state.record;
    if (s.runner.running)
      messages.push(...this.live.map((event): HostMessage => ({ type: 'session/event', event })));
    else if (record) messages.push({ type: 'record/show', record }, this.diffMessage());
    const docker = s.statusBar.docker;
    if (docker)
      messages.push({ type: 'docker/status', available: docker.available, message: docker.message });
    return messages;
  }

  onViewDisposed(): void {
    // Nobody is watching any more: do not keep spending tokens and CPU on an ask no one sees.
    this.s.runner.cancel();
  }

  async handle(m: WebviewMessage): Promise<void> {
    const s = this.s;
    switch (m.type) {
      case 'webview/ready':
        return;
      case 'ask/start':
        await this.ask(m.instruction, m.intent, m.modelIds);
        return;
      case 'ask/cancel':
        s.runner.cancel();
        return;
      case 'candidate/insert':
        await this.insert(m.candidateId, m.mode);
        return;
      case 'candidate/copy':
        await copyCode(this.code(m.candidateId).code);
        return;
      case 'candidate/rerun':
        await s.runner.rerun(m.candidateId);
        return;
      case 'candidate/openUntitled': {
        const c = this.code(m.candidateId);
        await openUntitled(c.code, c.language);
        return;
      }
      case 'candidate/openDiff':
        await this.openDiff(m.candidateId, m.base);
        return;
      case 'diff/setBase':
        this.diffBase = m.base;
        this.panel.post(this.diffMessage());
        return;
      case 'history/open':
        await this.openHistory(m.askId);
        return;
      case 'run/export':
        await vscode.commands.executeCommand('quorum.exportRun');
        return;
      case 'model/toggle':
        await this.toggleModel(m.modelId, m.enabled);
        return;
      case 'apiKey/set': {
        const model = s.runner.models().find((x) => x.id === m.modelId);
        if (model) await s.keys.prompt(model);
        return;
      }
      case 'log/show':
        s.log.channel.show(true);
        return;
      case 'candidate/apply':
        await vscode.commands.executeCommand('quorum.applyCandidate', m.candidateId);
        return;
      case 'model/add':
        await vscode.commands.executeCommand('quorum.addModel');
        return;
      case 'model/edit':
        await vscode.commands.executeCommand('quorum.editModel', m.modelId);
        return;
      case 'model/remove':
        await vscode.commands.executeCommand('quorum.removeModel', m.modelId);
        return;
      case 'demo/start':
        await s.demo.start();
        this.panel.post({ type: 'demo/asks', asks: DEMO_ASK_VIEWS });
        return;
      case 'demo/ask':
        await this.askDemo(m.askId);
        return;
      case 'trust/manage':
        await vscode.commands.executeCommand('workbench.trust.manage');
        return;
      case 'records/export':
        await vscode.commands.executeCommand('quorum.exportModelRecords');
        return;
      case 'matrix/open': {
        const verdict = s.runner.state.record?.verdict;
        if (!verdict?.matrix) throw new Error('There is no test matrix yet: it comes with the verdict.');
        openMatrixEditor(s.runner.state.record!, verdict);
        return;
      }
      case 'spend/estimate':
        this.panel.post({
          type: 'spend/update',
          estimate: await estimateAsk(s, m.instruction, m.intent, m.modelIds),
        });
        return;
    }
  }

  /** The ask flow shared by the panel's Run button and the Ask Models command. */
  async ask(
    instruction: string,
    intent: Intent,
    modelIds?: readonly string[],
  ): Promise<RunRecord | undefined> {
    const s = this.s;
    // Taken before the first await: a newer Run made while this one confirms spend or reads test
    // files replaces it, whichever await finishes first.
    const mine = ++this.askSeq;
    // The text of a file matching quorum.contextExclude is never sent (contextPreview.ts).
    const selection = sendableSelection(s);
    // Whoever started it (Run, Quick Fix, keybinding, a demo button), the form now shows this ask.
    this.panel.post({ type: 'draft/set', instruction, intent });
    this.target = targetOf(s.tracker.editor);
    if (s.demo.active && !matchDemoAsk(promptTextOf(instruction, intent, selection?.text))) {
      // The demo replays; it cannot answer this. Say which asks it can, rather than show unrelated answers.
      const reason =
        'The demo has recorded answers only for the asks below; pick one, or add a model for your own prompt.';
      this.panel.post({ type: 'ask/refused', reason });
      this.panel.post({ type: 'demo/asks', asks: DEMO_ASK_VIEWS, reason });
      return undefined;
    }
    // No model can answer (no key, Ollama down): say so rather than start an ask that ends in provider
    // errors. The readiness is the one last sent to the panel, read synchronously: an await here would
    // let a newer Run (or a cancel) slip in before the runner takes the ask. A gateway answers for its
    // own models, so nothing local decides there.
    if (!s.demo.active && !s.settings.gatewayUrl && this.readiness && !this.readiness.ready) {
      this.panel.post({
        type: 'ask/refused',
        reason:
          'No model can answer yet: the models need a key, or Ollama is not running. Try the demo, or add a model.',
      });
      return undefined;
    }
    try {
      if (!(await confirmSpend(s, instruction, intent, modelIds))) {
        if (mine === this.askSeq)
          this.panel.post({ type: 'ask/refused', reason: 'Not sent: above quorum.confirmAboveUsd.' });
        return undefined;
      }
      const trustedTests = await s.testFiles.read();
      if (mine !== this.askSeq) return undefined;
      return await s.runner.ask(
        {
          instruction,
          intent,
          context: selection?.text || undefined,
          contextFile: selection?.file,
          language: selection?.language ?? s.settings.config.language,
          trustedTests: trustedTests.length ? trustedTests : undefined,
        },
        { modelIds, edit: editTargetOf(s.tracker.editor, s.settings.projectEnabled) },
      );
    } catch (error) {
      if (error instanceof AskNotStartedError) {
        // Superseded: the newer ask's own events take over the panel. Cancelled: Run is free again.
        if (error.why === 'cancelled') this.panel.post({ type: 'ask/refused', reason: error.message });
        return undefined;
      }
      const reason = error instanceof NoModelsError ? `${error.message} ${error.advice}` : String(error);
      this.panel.post({ type: 'ask/refused', reason });
      if (!(error instanceof NoModelsError)) throw error;
      return undefined;
    }
  }

  /** Runs a demo ask from its button: its sample file with the function selected, then the ask. */
  private async askDemo(id: string): Promise<void> {
    const ask = demoAsk(id);
    if (!ask) throw new Error(`The demo has no ask ${id}.`);
    if (!this.s.demo.active) await this.s.demo.start();
    await selectDemoTarget(ask);
    await this.ask(ask.instruction, ask.intent);
  }

  /**
   * The editor and range Apply should use: the ask's own file, found by URI (opened again if it was
   * closed), and its selection as it was when asked. With nothing selected the whole file was sent:
   * a candidate that rewrites it (it defines every top-level name the file has) replaces the whole
   * file; a snippet goes in at the cursor. Undefined when the ask had no file (the focused editor).
   */
  async applyTarget(
    candidateId: string,
  ): Promise<{ editor: vscode.TextEditor; range?: vscode.Range } | undefined> {
    const t = this.target;
    if (!t) return undefined;
    const document = await vscode.workspace.openTextDocument(t.uri);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: shown?.viewColumn,
      preview: false,
    });
    const whole = document.validateRange(new vscode.Range(0, 0, document.lineCount, 0));
    // An edit ask's candidates are the whole new file, whatever was selected.
    if (this.s.runner.state.editAsk) return { editor, range: whole };
    if (t.wholeFile) {
      const code = this.s.runner.state.candidate(candidateId)?.code ?? '';
      return rewritesWholeFile(document.getText(), code) ? { editor, range: whole } : { editor };
    }
    // Edited since the ask: the old range may no longer hold the asked code; use the live selection.
    return { editor, range: document.version === t.version ? t.range : undefined };
  }

  async insert(candidateId: string, mode: InsertMode): Promise<boolean> {
    const editor = this.s.tracker.editor;
    if (!editor) {
      this.panel.post({
        type: 'notice/show',
        level: 'warning',
        message: 'Open an editor and place the cursor first.',
      });
      return false;
    }
    return insertCode(editor, this.code(candidateId).code, mode);
  }

  private code(candidateId: string): { code: string; language: Language | null } {
    const c = this.s.runner.state.candidate(candidateId);
    if (!c) throw new Error(`Candidate ${candidateId} has no code to use.`);
    return c;
  }

  private async openDiff(candidateId: string, base: DiffBase): Promise<void> {
    const state = this.s.runner.state;
    const c = this.code(candidateId);
    const askId = state.askId ?? 'ask';
    const baseId = base === 'pick' ? state.pick : 'selection';
    const baseCode =
      base === 'pick' ? (state.pick ? state.candidate(state.pick)?.code : undefined) : state.context;
    if (baseCode === undefined || !baseId)
      throw new Error(
        base === 'pick' ? 'There is no pick to compare with yet.' : 'This ask had no selection.',
      );
    await this.s.documents.openDiff(
      { key: baseId, askId, code: baseCode, language: c.language },
      { key: candidateId, askId, code: c.code, language: c.language },
      `${baseId} ↔ ${candidateId} (Quorum)`,
    );
  }

  private async openHistory(askId: string): Promise<void> {
    const record = await this.s.history.load(askId);
    if (!record) throw new Error(`Run ${askId} is no longer in the history.`);
    this.s.runner.show(record);
    this.panel.post({ type: 'record/show', record });
    this.panel.post(this.diffMessage());
  }

  private async toggleModel(modelId: string, enabled: boolean): Promise<void> {
    if (this.s.demo.active) return; // demo models are fixed; the panel sends its own choice with each ask
    const ids = new Set(this.s.settings.config.models.filter((m) => m.enabled).map((m) => m.id));
    if (enabled) ids.add(modelId);
    else ids.delete(modelId);
    await this.s.settings.setEnabledModels(ids);
  }

  private onSessionEvent(event: SessionEvent): void {
    this.batcher.push(event);
  }

  /**
   * After batching: keep the event for a reloaded webview's replay, and send it. A batch flushed
   * after a newer ask began belongs to an ask that is no longer shown: dropped.
   */
  private relay(event: SessionEvent): void {
    if (event.askId !== this.s.runner.currentAskId) return;
    if (event.type === 'session-started') this.live = [];
    if (this.live.length < MAX_REPLAY_EVENTS) this.live.push(event);
    this.panel.post({ type: 'session/event', event });
    if (event.type === 'verdict' || event.type === 'session-done') this.panel.post(this.diffMessage());
  }

  private diffMessage(): HostMessage {
    return {
      type: 'diff/update',
      base: this.diffBase,
      diffs: candidateDiffs(this.s.runner.state, this.diffBase),
    };
  }

  private async postModels(): Promise<void> {
    // Updates overlap (settings, keys and the demo can change together) and the first one may wait
    // for the provider registry to load: only the newest may reach the panel, with its own demo flag.
    const seq = ++this.modelsSeq;
    const demo = this.s.demo.active;
    const models = await this.s.runner.modelViews();
    if (seq !== this.modelsSeq) return;
    this.panel.post({ type: 'models/update', models, demo });
    const readiness = await readinessOf(this.s);
    if (seq !== this.modelsSeq) return;
    this.readiness = readiness;
    this.panel.post({ type: 'readiness/update', ...readiness });
  }

  private async recordsMessage(): Promise<HostMessage> {
    const enabled = new Set(this.s.settings.config.models.filter((m) => m.enabled).map((m) => m.id));
    return { type: 'records/update', records: await this.s.records.view(enabled) };
  }

  private async postRecords(): Promise<void> {
    try {
      this.panel.post(await this.recordsMessage());
    } catch (error) {
      this.s.log.logger.warn(`could not read the model records: ${String(error)}`);
    }
  }

  private async postHistory(): Promise<void> {
    this.panel.post({ type: 'history/update', history: await this.s.history.list() });
  }

  dispose(): void {
    this.batcher.dispose();
    for (const d of this.subscriptions) d.dispose();
  }
}

function targetOf(editor: vscode.TextEditor | undefined): AskTarget | undefined {
  if (!editor || editor.document.uri.scheme !== 'file') return undefined;
  return {
    uri: editor.document.uri,
    version: editor.document.version,
    range: editor.selection,
    wholeFile: editor.selection.isEmpty,
  };
}
