/**
 * Spawns `quorum mcp` as an agent would (a child process speaking JSON-RPC on stdio) and connects
 * the MCP SDK's own client to it. The server runs from source through tsx, so the suite tests what
 * is in the tree without a build. Every message both ways can be recorded for the README transcript.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

const REPO_ROOT = resolve(__dirname, '../..');

export interface McpSession {
  readonly client: Client;
  readonly transport: StdioClientTransport;
  /** Messages in wire order while recording is on: `>` client to server, `<` server to client. */
  readonly wire: { direction: '>' | '<'; message: JSONRPCMessage }[];
  record(on: boolean): void;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** A temp working directory holding `quorum.config.json`. */
export function dirWithConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-mcp-'));
  writeFileSync(join(dir, 'quorum.config.json'), JSON.stringify(config, null, 2));
  return dir;
}

export async function startMcp(
  cwd: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
  /** The folders this client shares as MCP roots (roots capability); undefined: no capability. */
  roots?: readonly string[],
): Promise<McpSession> {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', tsx, join(REPO_ROOT, 'src/cli.ts'), 'mcp', ...args],
    cwd,
    // Only what a client would pass: PATH for docker, plus the test's keys. The model records go
    // to a folder of the test's own unless it names one (never the user's ~/.local/share/quorum).
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      QUORUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'quorum-mcp-data-')),
      ...env,
    },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const wire: McpSession['wire'] = [];
  let recording = false;
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage) => {
    if (recording) wire.push({ direction: '>', message });
    return send(message);
  };
  const client = new Client(
    { name: 'quorum-mcp-test', version: '1.0.0' },
    roots ? { capabilities: { roots: { listChanged: true } } } : undefined,
  );
  if (roots)
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: roots.map((dir) => ({ uri: pathToFileURL(dir).href, name: dir })),
    }));
  await client.connect(transport);
  // connect() installed the client's handler; observe every message before it.
  const deliver = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage): void => {
    if (recording) wire.push({ direction: '<', message });
    deliver?.(message);
  };
  return {
    client,
    transport,
    wire,
    record: (on) => (recording = on),
    stderr: () => stderr,
    close: () => client.close(),
  };
}
