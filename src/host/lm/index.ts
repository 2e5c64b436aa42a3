/**
 * Quorum inside the editor's AI features, registered in one call from `activate`: the Language
 * Model Tools (quorum_run_code, quorum_verify), the `@quorum` chat participant and, where the
 * editor supports it, `quorum mcp` as an MCP server definition.
 */
import type * as vscode from 'vscode';
import type { QuorumPanel } from '../panel';
import type { QuorumPanelRouter } from '../panelRouter';
import type { HostServices } from '../services';
import { createChatHandler, registerChatParticipant } from './chatParticipant';
import { quorumMcpCommand, registerMcpDefinition } from './mcpDefinition';
import type { QuorumMcpCommand } from './mcpDefinition';
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
  /** What the MCP server definition offered to VS Code starts (`quorum mcp` from dist/cli.js). */
  readonly mcpCommand: () => QuorumMcpCommand;
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
  try {
    disposables.push(...registerMcpDefinition(extensionUri));
  } catch (error) {
    // An optional convenience: the tools, the participant and the panel work without it.
    s.log.logger.warn(`quorum mcp not offered to VS Code: ${String(error)}`);
  }
  return {
    testHooks: { chatHandler: createChatHandler(s), tools, mcpCommand: () => quorumMcpCommand(extensionUri) },
    dispose: () => {
      for (const d of disposables) d.dispose();
    },
  };
}
