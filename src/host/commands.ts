/**
 * Every command Quorum contributes, in one const object, and what each does. Commands accept optional
 * arguments so tests and the walkthrough can run them without prompts; without arguments they ask.
 */
import * as vscode from 'vscode';
import { INTENT_INFO, INTENTS } from '../core/types';
import type { Intent, ModelConfig, RunRecord } from '../core/types';
import { addModel, defaultTier, editModel, vscodeAddModelUi, vscodeEditModelUi } from './addModel';
import type { AddModelUi, EditModelUi } from './addModel';
import { ApplyPreview } from './applyPreview';
import { trackContextKeys } from './contextKeys';
import { loadProviders } from './coreLoader';
import { CANDIDATE_SCHEME } from './diffDocuments';
import { FIX_COMMAND, FixWithModelsProvider, fixInstruction, selectFixRange } from './fixCodeAction';
import type { FixArgs } from './fixCodeAction';
import type { QuorumPanel } from './panel';
import type { QuorumPanelRouter } from './panelRouter';
import type { HostServices } from './services';
import { endpointOf } from './keyEndpoint';
import type { SelectionVerifier } from './verify';

export const COMMANDS = {
  ask: 'quorum.ask',
  verifySelection: 'quorum.verifySelection',
  setApiKey: 'quorum.setApiKey',
  clearApiKey: 'quorum.clearApiKey',
  selectModels: 'quorum.selectModels',
  showLog: 'quorum.showLog',
  cancel: 'quorum.cancel',
  exportRun: 'quorum.exportRun',
  exportModelRecords: 'quorum.exportModelRecords',
  openPanel: 'quorum.openPanel',
  startDemo: 'quorum.startDemo',
  checkDocker: 'quorum.checkDocker',
  addModel: 'quorum.addModel',
  editModel: 'quorum.editModel',
  removeModel: 'quorum.removeModel',
  applyCandidate: 'quorum.applyCandidate',
  acceptApply: 'quorum.acceptApply',
  rejectApply: 'quorum.rejectApply',
  fixWithModels: FIX_COMMAND,
  useTestsFromFile: 'quorum.useTestsFromFile',
  setGatewayToken: 'quorum.setGatewayToken',
} as const;

/** What Apply… previews: a candidate of the shown run, or (tests, other callers) code given directly. */
export type ApplyArgs = string | { readonly code: string; readonly label?: string };

export interface AskArgs {
  readonly instruction?: string;
  readonly intent?: Intent;
  readonly modelIds?: readonly string[];
}

const INTENT_ICONS: Readonly<Record<Intent, string>> = {
  generate: 'sparkle',
  fix: 'wrench',
  review: 'eye',
  tests: 'beaker',
};
const INTENT_ITEMS: readonly (vscode.QuickPickItem & { intent: Intent })[] = INTENTS.map((intent) => ({
  label: `$(${INTENT_ICONS[intent]}) ${INTENT_INFO[intent].label}`,
  description: INTENT_INFO[intent].description,
  intent,
}));

async function promptAsk(): Promise<{ instruction: string; intent: Intent } | undefined> {
  const pick = await vscode.window.showQuickPick(INTENT_ITEMS, {
    title: 'Quorum: what should the models do?',
  });
  if (!pick) return undefined;
  const instruction = await vscode.window.showInputBox({
    title: `Quorum: ${pick.label.replace(/\$\([^)]*\)\s*/, '')}`,
    prompt: 'Instruction for every model; the selection (or the whole file) is sent as context.',
    ignoreFocusOut: true,
  });
  return instruction?.trim() ? { instruction: instruction.trim(), intent: pick.intent } : undefined;
}

async function pickModel(s: HostServices, title: string, onlyWithKey: boolean): Promise<string | undefined> {
  const views = await s.runner.modelViews();
  const items = views
    .filter((m) => !onlyWithKey || m.hasKey)
    .map((m) => ({
      label: m.id,
      description: `${m.kind} · ${m.model}`,
      detail: m.hasKey ? 'key stored or not needed' : 'no key',
    }));
  if (!items.length) {
    void vscode.window.showInformationMessage('Quorum: no model to choose. Run "Quorum: Add Model" first.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title }))?.label;
}

/** Add Model with the provider registry's key rule; `ui` lets tests drive the same flow. */
export async function runAddModel(s: HostServices, ui: AddModelUi): Promise<ModelConfig | undefined> {
  const { PROVIDER_REGISTRY } = await loadProviders();
  const added = await addModel(ui, {
    settings: s.settings,
    keys: s.keys,
    needsKey: (kind) => PROVIDER_REGISTRY[kind].needsKey,
  });
  if (added) vscode.window.setStatusBarMessage(`Quorum: added ${added.id} to your user settings`, 4000);
  return added;
}

export function registerCommands(
  s: HostServices,
  panel: QuorumPanel,
  router: QuorumPanelRouter,
  verifier: SelectionVerifier,
): vscode.Disposable[] {
  const apply = new ApplyPreview(s.documents);
  const handlers: Record<(typeof COMMANDS)[keyof typeof COMMANDS], (...args: never[]) => unknown> = {
    [COMMANDS.ask]: async (args?: AskArgs): Promise<RunRecord | undefined> => {
      const asked = args?.instruction
        ? { instruction: args.instruction, intent: args.intent ?? 'generate' }
        : await promptAsk();
      if (!asked) return undefined;
      void panel.reveal();
      return router.ask(asked.instruction, asked.intent, args?.modelIds);
    },
    [COMMANDS.verifySelection]: () => verifier.verify(),
    [COMMANDS.setApiKey]: async (modelId?: string): Promise<boolean> => {
      const id = modelId ?? (await pickModel(s, 'Quorum: set the API key of', false));
      const model = id ? s.runner.models().find((m) => m.id === id) : undefined;
      return model ? s.keys.prompt(model) : false;
    },
    [COMMANDS.clearApiKey]: async (modelId?: string): Promise<void> => {
      const id = modelId ?? (await pickModel(s, 'Quorum: clear the API key of', true));
      const model = id ? s.runner.models().find((m) => m.id === id) : undefined;
      if (!model) return;
      // Keys are per endpoint: clearing one clears it for every model on that server.
      await s.keys.clear(model);
      const sharing = s.runner
        .models()
        .filter((m) => endpointOf(m) === endpointOf(model))
        .map((m) => m.id);
      vscode.window.setStatusBarMessage(`Quorum: API key cleared for ${sharing.join(', ')}`, 3000);
    },
    [COMMANDS.selectModels]: async (): Promise<void> => {
      const models = s.settings.config.models;
      const picked = await vscode.window.showQuickPick(
        models.map((m) => ({ label: m.id, description: `${m.kind} · ${m.model}`, picked: m.enabled })),
        { title: 'Quorum: models to ask', canPickMany: true },
      );
      if (picked) await s.settings.setEnabledModels(new Set(picked.map((p) => p.label)));
    },
    [COMMANDS.showLog]: () => s.log.channel.show(),
    [COMMANDS.setGatewayToken]: () => s.gateway.promptToken(),
    [COMMANDS.useTestsFromFile]: async (target?: vscode.Uri): Promise<boolean | undefined> => {
      const uri = target ?? vscode.window.activeTextEditor?.document.uri;
      if (!uri || uri.scheme === 'untitled') {
        void vscode.window.showWarningMessage('Quorum: open (and save) the test file to use first.');
        return undefined;
      }
      const used = await s.testFiles.toggle(uri);
      const name = vscode.workspace.asRelativePath(uri);
      void vscode.window.showInformationMessage(
        used
          ? `Quorum: the asserts in ${name} are now trusted cases of every ask's judge.`
          : `Quorum: ${name} is no longer used as trusted tests.`,
      );
      return used;
    },
    [COMMANDS.cancel]: () => s.runner.cancel(),
    [COMMANDS.exportRun]: async (target?: vscode.Uri): Promise<vscode.Uri | undefined> => {
      const record = s.runner.state.record;
      if (!record) {
        void vscode.window.showInformationMessage('Quorum: no finished run to export yet.');
        return undefined;
      }
      const uri =
        target ??
        (await vscode.window.showSaveDialog({
          title: 'Quorum: export run record',
          defaultUri: vscode.Uri.joinPath(
            vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()),
            `quorum-run-${record.askId}.json`,
          ),
          filters: { JSON: ['json'] },
        }));
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(record, null, 2) + '\n', 'utf8'));
      return uri;
    },
    [COMMANDS.exportModelRecords]: async (target?: vscode.Uri): Promise<vscode.Uri | undefined> => {
      const { csv, asks } = await s.records.csv();
      if (asks === 0) {
        void vscode.window.showInformationMessage(
          'Quorum: no ask is recorded yet; each finished ask adds to it.',
        );
        return undefined;
      }
      const uri =
        target ??
        (await vscode.window.showSaveDialog({
          title: 'Quorum: export model records (CSV)',
          defaultUri: vscode.Uri.joinPath(
            vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()),
            'quorum-model-records.csv',
          ),
          filters: { CSV: ['csv'] },
        }));
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(csv, 'utf8'));
      return uri;
    },
    [COMMANDS.openPanel]: () => panel.reveal(),
    [COMMANDS.checkDocker]: async (): Promise<boolean> => {
      await s.refreshDocker();
      const status = s.statusBar.docker;
      // Each engine of quorum.sandbox.engines (or the one engine) with its version, state and load.
      const engines = status?.available ? await (await s.sandbox.get())?.engines().catch(() => []) : [];
      const each = (engines ?? []).map(
        (e) =>
          `${e.engine}${e.version ? ` (${e.version})` : ''}: ${e.state}${e.reason ? ` (${e.reason})` : ''}, ` +
          `${e.pool} waiting, ${e.running} running of ${e.maxConcurrent}`,
      );
      for (const line of each) s.log.logger.info(`engine ${line}`);
      if (status?.available)
        void vscode.window.showInformationMessage(
          `Quorum: Docker is reachable; answers will run in the sandbox. ${each.join('; ')}`,
        );
      else void vscode.window.showWarningMessage(`Quorum: Docker is not available. ${status?.message ?? ''}`);
      return status?.available ?? false;
    },
    [COMMANDS.addModel]: (ui?: AddModelUi) => runAddModel(s, ui ?? vscodeAddModelUi),
    [COMMANDS.editModel]: async (modelId?: string, ui?: EditModelUi): Promise<ModelConfig | undefined> => {
      const id = modelId ?? (await pickModel(s, 'Quorum: edit the model', false));
      const model = id ? s.settings.config.models.find((m) => m.id === id) : undefined;
      if (!model) {
        if (id) void vscode.window.showWarningMessage(`Quorum: no model ${id} in quorum.models.`);
        return undefined;
      }
      const edited = await editModel(ui ?? vscodeEditModelUi, model, {
        setTier: (modelId, tier) => s.settings.setModelTier(modelId, tier),
        // The other optional fields (price, temperature, timeouts) are best edited with the JSON
        // schema's completions: the user settings at quorum.models.
        openSettingsJson: async () => {
          await vscode.commands.executeCommand('workbench.action.openSettingsJson', {
            revealSetting: { key: 'quorum.models' },
          });
        },
      });
      if (edited)
        vscode.window.setStatusBarMessage(
          `Quorum: ${edited.id} is in tier ${edited.tier ?? defaultTier(edited).tier}`,
          4000,
        );
      return edited;
    },
    [COMMANDS.removeModel]: async (modelId?: string, confirmed?: boolean): Promise<boolean> => {
      const id = modelId ?? (await pickModel(s, 'Quorum: remove the model', false));
      if (!id) return false;
      const ok =
        confirmed === true ||
        (await vscode.window.showWarningMessage(
          `Remove ${id} from quorum.models? Its endpoint's key stays for the other models there.`,
          { modal: true },
          'Remove',
        )) === 'Remove';
      return ok ? s.settings.removeModel(id) : false;
    },
    [COMMANDS.applyCandidate]: async (what: ApplyArgs): Promise<vscode.Uri | undefined> => {
      // The ask's own file, by URI: whatever editor has focus (a diff, the output) is not the target.
      const target = typeof what === 'string' ? await router.applyTarget(what) : undefined;
      const editor = target?.editor ?? s.tracker.editor;
      if (!editor || editor.document.uri.scheme === CANDIDATE_SCHEME) {
        void vscode.window.showWarningMessage(
          'Quorum: open the file to apply to, and place the cursor first.',
        );
        return undefined;
      }
      const code = typeof what === 'string' ? s.runner.state.candidate(what)?.code : what.code;
      if (code === undefined) throw new Error('That candidate has no code to apply.');
      const label = typeof what === 'string' ? what : (what.label ?? 'candidate');
      return apply.open(editor, code, label, target?.range, !!target && s.runner.state.editAsk);
    },
    [COMMANDS.acceptApply]: () => apply.accept(),
    [COMMANDS.rejectApply]: () => apply.reject(),
    [COMMANDS.fixWithModels]: async (args: FixArgs): Promise<RunRecord | undefined> => {
      await selectFixRange(args);
      void panel.reveal();
      return router.ask(fixInstruction(args), 'fix');
    },
    [COMMANDS.startDemo]: async (): Promise<void> => {
      await s.demo.start();
      await panel.reveal();
    },
  };
  return [
    apply,
    trackContextKeys(s),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FixWithModelsProvider(), {
      providedCodeActionKinds: FixWithModelsProvider.kinds,
    }),
    ...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
  ];
}
