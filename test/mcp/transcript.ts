/**
 * Writes the recorded JSON-RPC messages of a test session as Markdown: the README's MCP transcript
 * is this file, produced by the suite (QUORUM_UPDATE_DOCS=1 writes it to docs/, otherwise it goes
 * to .test-output/ only, so a test run never dirties the tree).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { McpSession } from './mcpHarness';

const REPO_ROOT = resolve(__dirname, '../..');

/** A tool result repeats its JSON as text for older clients; the transcript shows it once. */
function readable(message: unknown): unknown {
  const result = (message as { result?: { structuredContent?: unknown; content?: { text?: string }[] } })
    .result;
  if (result?.structuredContent && result.content?.length === 1) {
    return {
      ...(message as object),
      result: { ...result, content: [{ type: 'text', text: '(the structuredContent below, as JSON text)' }] },
    };
  }
  return message;
}

export function writeTranscript(wire: McpSession['wire']): string {
  const lines = [
    '# `quorum mcp`: a recorded session',
    '',
    'Produced by `npx mocha --config test/mcp/.mocharc.json` (test/mcp/mcp.test.ts): the MCP SDK client',
    'spawns `quorum mcp` and these are the JSON-RPC messages on its stdin (→) and stdout (←).',
    'The models are the replay server speaking the OpenAI and Ollama wires; the code ran in Docker.',
    '',
  ];
  for (const { direction, message } of wire) {
    const m = message as { method?: string; id?: unknown };
    const what = m.method ?? `response to #${String(m.id)}`;
    lines.push(
      `${direction === '>' ? '→' : '←'} ${what}`,
      '',
      '```json',
      JSON.stringify(readable(message), null, 2),
      '```',
      '',
    );
  }
  const text = lines.join('\n');
  const targets = [join(REPO_ROOT, '.test-output/mcp/transcript.md')];
  if (process.env.QUORUM_UPDATE_DOCS === '1') targets.push(join(REPO_ROOT, 'docs/mcp-transcript.md'));
  for (const file of targets) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return targets[0];
}
