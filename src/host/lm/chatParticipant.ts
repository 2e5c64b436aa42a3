/**
 * `@quorum` in the chat view. `/ask` (also the default) fans the prompt out to the configured
 * models through the host's AskRunner, streams each step as progress, then shows every candidate's
 * code and run and the verdict, with buttons to insert the pick and to open the run in the panel.
 * `/run` runs the code block of the message in the sandbox. Both stop when the chat cancels.
 */
import * as vscode from 'vscode';
import type { RunRecord, SessionEvent } from '../../core/types';
import { AskNotStartedError, NoModelsError } from '../askRunner';
import type { QuorumPanel } from '../panel';
import type { QuorumPanelRouter } from '../panelRouter';
import type { HostServices } from '../services';
import { recordMarkdown, runMarkdown } from './chatRender';

export const PARTICIPANT_ID = 'quorum.chat';
export const CHAT_COMMANDS = {
  insertPick: 'quorum.chat.insertPick',
  openRun: 'quorum.chat.openRun',
} as const;

export interface QuorumChatResult extends vscode.ChatResult {
  readonly metadata?: { readonly askId?: string; readonly pick?: string | null };
}

function progressOf(event: SessionEvent): string | undefined {
  switch (event.type) {
    case 'candidate-started':
      return `${event.candidateId}: asking ${event.model.model}`;
    case 'candidate-done':
      return `${event.candidateId}: answered`;
    case 'candidate-failed':
      return `${event.candidateId}: failed (${event.error.message})`;
    case 'run-started':
      return `${event.candidateId}: running in ${event.image}`;
    case 'judge-started':
      return 'Judging';
    default:
      return undefined;
  }
}

async function ask(
  s: HostServices,
  request: vscode.ChatRequest,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<QuorumChatResult> {
  const prompt = request.prompt.trim();
  if (!prompt) {
    stream.markdown('Tell me what to write, e.g. `@quorum /ask a function that merges two sorted lists`.');
    return {};
  }
  const blocked = s.sandbox.blockedReason;
  if (blocked) stream.markdown(`_${blocked}_\n\n`);
  stream.progress(`Asking ${s.runner.models().filter((m) => m.enabled).length} model(s)`);
  let askId: string | undefined;
  const relay = s.runner.onEvent((event) => {
    // Only this ask's events: the runner relays the current ask, and this one is current while it runs.
    askId ??= event.askId;
    const line = event.askId === askId ? progressOf(event) : undefined;
    if (line) stream.progress(line);
  });
  let record: RunRecord;
  try {
    record = await s.runner.ask({ instruction: prompt, intent: 'generate' }, { token });
  } catch (error) {
    if (error instanceof NoModelsError) {
      stream.markdown(`${error.message} ${error.advice}`);
      return { errorDetails: { message: error.message } };
    }
    if (error instanceof AskNotStartedError) return { errorDetails: { message: error.message } };
    throw error;
  } finally {
    relay.dispose();
  }
  stream.markdown(recordMarkdown(record));
  const pick = record.verdict?.pick ?? null;
  if (pick) {
    stream.button({ command: CHAT_COMMANDS.insertPick, title: `Insert ${pick}`, arguments: [record.askId] });
  }
  stream.button({
    command: CHAT_COMMANDS.openRun,
    title: 'Open in the Quorum panel',
    arguments: [record.askId],
  });
  return { metadata: { askId: record.askId, pick } };
}

async function runBlock(
  s: HostServices,
  request: vscode.ChatRequest,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<QuorumChatResult> {
  const blocked = s.sandbox.blockedReason;
  if (blocked) {
    stream.markdown(blocked);
    return { errorDetails: { message: blocked } };
  }
  const { extract } = await import('../../core/extract.js');
  const main = extract(request.prompt, { requestLanguage: s.settings.config.language }).main;
  const language = main?.language ?? s.settings.config.language;
  if (!main || !language) {
    const message = main
      ? 'Say which language the block is in (```python, ```bash ...).'
      : 'Put the code to run in a fenced block, e.g. ```python ... ```.';
    stream.markdown(message);
    return { errorDetails: { message } };
  }
  const lease = await s.sandbox.forAsk();
  const controller = new AbortController();
  const cancel = token.onCancellationRequested(() => controller.abort());
  try {
    if (!lease.sandbox) {
      const message = `Quorum cannot run code: ${lease.engineProblem ?? 'no sandbox.'}`;
      stream.markdown(message);
      return { errorDetails: { message } };
    }
    stream.progress(`Running ${language} in ${lease.sandbox.imageFor(language)}`);
    const run = await lease.sandbox.run({ code: main.code, language, signal: controller.signal });
    stream.markdown(runMarkdown(run));
    return {};
  } finally {
    cancel.dispose();
    lease.release();
  }
}

/** The participant's handler, also handed to the integration suite through the test API. */
export function createChatHandler(s: HostServices): vscode.ChatRequestHandler {
  return (request, _context, stream, token) =>
    request.command === 'run' ? runBlock(s, request, stream, token) : ask(s, request, stream, token);
}

/** Shows a run of the history in the panel, unless it is already the one shown. */
async function showRun(s: HostServices, askId: string): Promise<RunRecord | undefined> {
  if (s.runner.currentAskId === askId && s.runner.state.record?.askId === askId) return s.runner.state.record;
  const record = await s.history.load(askId);
  if (!record) {
    void vscode.window.showWarningMessage('Quorum: this run is no longer in the history.');
    return undefined;
  }
  s.runner.show(record);
  return record;
}

export function registerChatParticipant(
  s: HostServices,
  router: QuorumPanelRouter,
  panel: QuorumPanel,
  extensionUri: vscode.Uri,
): vscode.Disposable[] {
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, createChatHandler(s));
  participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media/quorum.svg');
  return [
    participant,
    vscode.commands.registerCommand(CHAT_COMMANDS.insertPick, async (askId: string) => {
      const record = await showRun(s, askId);
      const pick = record?.verdict?.pick;
      return pick ? router.insert(pick, 'cursor') : false;
    }),
    vscode.commands.registerCommand(CHAT_COMMANDS.openRun, async (askId: string) => {
      if (await showRun(s, askId)) await panel.reveal();
    }),
  ];
}
