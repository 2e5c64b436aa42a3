/**
 * Offers `quorum mcp` to VS Code's own MCP support (agent mode), so it appears without anyone
 * writing an mcp.json: the bundled CLI, run by the extension host's own runtime. The provider API
 * exists from VS Code 1.101; on older editors nothing is registered.
 */
import * as vscode from 'vscode';

export const MCP_PROVIDER_ID = 'quorum.mcp';

/** What the definition starts: plain data, so the integration suite can start it itself. */
export interface QuorumMcpCommand {
  readonly label: string;
  readonly command: string;
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly cwd?: vscode.Uri;
}

type StdioDefinition = new (
  label: string,
  command: string,
  args?: string[],
  env?: Record<string, string>,
  version?: string,
) => { cwd?: vscode.Uri };

interface McpApi {
  registerMcpServerDefinitionProvider?: (
    id: string,
    provider: { provideMcpServerDefinitions(): unknown[] },
  ) => vscode.Disposable;
}

/** True when `version` (`1.139.1`, `1.101.0-insider`) is at least major.minor. */
export function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((p) => parseInt(p, 10));
  return a > major || (a === major && b >= minor);
}

export function quorumMcpCommand(extensionUri: vscode.Uri): QuorumMcpCommand {
  return {
    label: 'Quorum',
    // In the desktop editor this is Electron: ELECTRON_RUN_AS_NODE makes it a plain Node.
    command: process.execPath,
    args: [vscode.Uri.joinPath(extensionUri, 'dist/cli.js').fsPath, 'mcp'],
    env: { ELECTRON_RUN_AS_NODE: '1' },
    cwd: vscode.workspace.workspaceFolders?.[0]?.uri,
  };
}

export function registerMcpDefinition(extensionUri: vscode.Uri): vscode.Disposable[] {
  const api = vscode.lm as unknown as McpApi;
  const Definition = (vscode as unknown as { McpStdioServerDefinition?: StdioDefinition })
    .McpStdioServerDefinition;
  // 1.100 has an earlier, incompatible form of this API (contributes.modelContextServerCollections).
  if (!api.registerMcpServerDefinitionProvider || !Definition || !atLeast(vscode.version, 1, 101)) return [];
  return [
    api.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      provideMcpServerDefinitions: () => {
        const c = quorumMcpCommand(extensionUri);
        const definition = new Definition(c.label, c.command, c.args, c.env);
        definition.cwd = c.cwd;
        return [definition];
      },
    }),
  ];
}
