// Runs inside the real extension host: the MCP server definition Quorum offers VS Code (1.101+)
// starts `quorum mcp` from the bundled CLI, and the MCP SDK's client lists its tools through it.
import { strict as assert } from 'node:assert';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as vscode from 'vscode';
import { atLeast } from '../../../src/host/lm/mcpDefinition';
import { quorumApi } from './quorumApi';

describe('quorum mcp offered to VS Code as an MCP server definition (skipped below VS Code 1.101: no definition provider API)', function () {
  this.timeout(120_000);

  it('starts the bundled `quorum mcp`, which serves run_code, ask_models and judge', async function () {
    const lm = vscode.lm as unknown as { registerMcpServerDefinitionProvider?: unknown };
    if (typeof lm.registerMcpServerDefinitionProvider !== 'function' || !atLeast(vscode.version, 1, 101)) {
      console.log(`VS Code ${vscode.version} has no lm.registerMcpServerDefinitionProvider: skipped`);
      this.skip();
    }
    const api = await quorumApi();
    const command = api.lm?.mcpCommand();
    assert.ok(command, 'activate() returns the MCP command');
    assert.match(command.args[0], /dist\/cli\.js$/);
    const client = new Client({ name: 'quorum-in-host-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: command.command,
        args: command.args,
        env: { ...(process.env as Record<string, string>), ...command.env },
        cwd: command.cwd?.fsPath,
        stderr: 'ignore',
      }),
    );
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ['ask_models', 'judge', 'run_code']);
    } finally {
      await client.close();
    }
  });
});
