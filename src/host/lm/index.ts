/**
 * Quorum inside the editor's AI features, registered in one call from `activate`: the Language
 * Model Tools (quorum_run_code, quorum_verify) and the `@quorum` chat participant.
 */
import type * as vscode from 'vscode';
import type { QuorumPanel } from '../panel';
import type { QuorumPanelRouter } from '../panelRouter';
import type { HostServices } from '../services';
import { createChatHandler, registerChatParticipant } from './chatParticipant';
import { createQuorumTools, registerQuorumTools } from './tools';
import type { QuorumTools } from './tools';

/** What the integration suite reaches through the test API. */
export interface LmTestHooks {
  /** The handler `@quorum` was created with, to call with a request, a stream and a token. */
  readonly chatHandler: vscode.ChatRequestHandler;
  /**
   * The registered tools, to read their confirmation messages: in an extension test run VS Code
   * confirms every dialog by itself, so `invokeTool` never shows them.
   */
  readonly tools: QuorumTools;
}

export interface LmFeatures extends vscode.Disposable {
  readonly testHooks: LmTestHooks;
}

export function registerLmFeatures(
  s: HostServices,
  router: QuorumPanelRouter,
  panel: QuorumPanel,
  extensionUri: vscode.Uri,
): LmFeatures {
  const tools = createQuorumTools(s);
  const disposables = [
    ...registerQuorumTools(tools),
    ...registerChatParticipant(s, router, panel, extensionUri),
  ];
  return {
    testHooks: { chatHandler: createChatHandler(s), tools },
    dispose: () => {
      for (const d of disposables) d.dispose();
    },
  };
}
