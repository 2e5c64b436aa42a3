// Runs inside the real extension host: the `@quorum` chat participant's handler, called with a request,
// a response stream and a cancellation token as the chat view calls it (the handler comes from the test
// API: a participant cannot be reached through the chat UI without a chat model).
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { DEMO_MODELS, DEMO_PROMPT } from '../../../src/demo/recordings';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import type { QuorumTestApi } from '../../../src/host/testApi';
import { addTranscript, writeTranscript } from './lmTranscript';
import { closeAllEditors, openEditor, until, useDemoModels } from './quorumApi';

const KEY = 'replay-key-for-the-chat';

interface StreamCall {
  readonly method: string;
  readonly args: unknown[];
}

/** A ChatResponseStream that records every call, in order. */
function recordingStream(onCall?: (call: StreamCall) => void): {
  stream: vscode.ChatResponseStream;
  calls: StreamCall[];
} {
  const calls: StreamCall[] = [];
  const stream = new Proxy(
    {},
    {
      get:
        (_target, method) =>
        (...args: unknown[]) => {
          const call = { method: String(method), args };
          calls.push(call);
          onCall?.(call);
        },
    },
  ) as vscode.ChatResponseStream;
  return { stream, calls };
}

function chatRequest(prompt: string, command?: string): vscode.ChatRequest {
  return {
    prompt,
    command,
    references: [],
    toolReferences: [],
    toolInvocationToken: undefined as never,
  } as unknown as vscode.ChatRequest;
}

const markdownOf = (calls: StreamCall[]): string =>
  calls
    .filter((c) => c.method === 'markdown')
    .map((c) => (typeof c.args[0] === 'string' ? c.args[0] : (c.args[0] as vscode.MarkdownString).value))
    .join('\n');
/** The response as the chat view shows it: progress lines, the markdown, the buttons. */
function chatTranscript(prompt: string, command: string, calls: StreamCall[]): string {
  const out = [`**You:** \`@quorum /${command}\` ${prompt.includes('\n') ? `\n\n${prompt}` : prompt}`, ''];
  for (const c of calls) {
    if (c.method === 'progress') out.push(`> ⏳ ${String(c.args[0])}`, '');
    else if (c.method === 'button') out.push(`[${(c.args[0] as vscode.Command).title}]`, '');
    else if (c.method === 'markdown') out.push(markdownOf([c]), '');
  }
  return out.join('\n');
}

const progressOf = (calls: StreamCall[]): string[] =>
  calls.filter((c) => c.method === 'progress').map((c) => String(c.args[0]));

describe('the @quorum chat participant', function () {
  this.timeout(300_000);
  let api: QuorumTestApi;
  let server: ReplayServer;
  let handler: vscode.ChatRequestHandler;
  const context = { history: [] } as unknown as vscode.ChatContext;

  before(async () => {
    server = await startReplayServer({ chunkDelayMs: 0, ttftMs: 0 });
    api = await useDemoModels(server.url, KEY);
    assert.ok(api.lm, 'activate() returns the chat handler');
    handler = api.lm.chatHandler;
  });

  after(async () => {
    writeTranscript();
    api?.setTrusted(undefined);
    await closeAllEditors();
    await server?.close();
  });

  it('/ask streams progress, shows every candidate and the verdict, and its buttons insert the pick', async () => {
    const { stream, calls } = recordingStream();
    const token = new vscode.CancellationTokenSource().token;
    const result = (await handler(chatRequest(DEMO_PROMPT, 'ask'), context, stream, token)) as {
      metadata?: { askId: string; pick: string };
    };
    const progress = progressOf(calls);
    for (const m of DEMO_MODELS(server.url)) {
      assert.ok(
        progress.includes(`${m.id}: answered`),
        `no "answered" progress for ${m.id}: ${progress.join(' | ')}`,
      );
      assert.ok(
        progress.some((p) => p.startsWith(`${m.id}: running in `)),
        `${m.id} was not run`,
      );
    }
    assert.ok(progress.includes('Judging'));
    addTranscript('@quorum /ask', chatTranscript(DEMO_PROMPT, 'ask', calls));
    const markdown = markdownOf(calls);
    const pick = result.metadata?.pick;
    assert.ok(pick, 'a pick');
    assert.match(markdown, new RegExp(`## Verdict: ${pick}`));
    assert.match(markdown, /\*\*Run:\*\* exit 0/);
    for (const m of DEMO_MODELS(server.url)) assert.match(markdown, new RegExp(`### ${m.id} \\(`));

    const buttons = calls.filter((c) => c.method === 'button').map((c) => c.args[0] as vscode.Command);
    assert.deepEqual(
      buttons.map((b) => [b.command, b.arguments]),
      [
        ['quorum.chat.insertPick', [result.metadata?.askId]],
        ['quorum.chat.openRun', [result.metadata?.askId]],
      ],
    );
    const editor = await openEditor('# the pick goes here\n');
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    assert.equal(
      await vscode.commands.executeCommand(
        buttons[0].command,
        ...((buttons[0].arguments ?? []) as unknown[]),
      ),
      true,
    );
    await until(() => editor.document.getText().includes('def '), 5000, 'the pick in the editor');
    await vscode.commands.executeCommand(buttons[1].command, ...((buttons[1].arguments ?? []) as unknown[]));
  });

  it('/run runs the code block of the message and shows its output', async () => {
    const { stream, calls } = recordingStream();
    const prompt = 'does this work?\n\n```python\nprint(sum(range(10)))\n```\n';
    await handler(chatRequest(prompt, 'run'), context, stream, new vscode.CancellationTokenSource().token);
    addTranscript('@quorum /run', chatTranscript(prompt, 'run', calls));
    const markdown = markdownOf(calls);
    assert.match(markdown, /\*\*Run:\*\* exit 0 in \d+ ms on `quorum-offline\/python:3\.11`/);
    assert.match(markdown, /stdout:\n`{3,}text\n45\n/);
  });

  it('/run refuses in Restricted Mode and says why', async () => {
    api.setTrusted(false);
    try {
      const { stream, calls } = recordingStream();
      const result = await handler(
        chatRequest('```python\nprint(1)\n```', 'run'),
        context,
        stream,
        new vscode.CancellationTokenSource().token,
      );
      assert.match(String(result?.errorDetails?.message), /Restricted Mode/);
      assert.ok(!markdownOf(calls).includes('**Run:**'));
    } finally {
      api.setTrusted(undefined);
    }
  });

  it('/ask stops when the chat cancels: no verdict, the record says cancelled', async () => {
    server.reset();
    const source = new vscode.CancellationTokenSource();
    // Slow answers, so the cancel lands while the models stream.
    for (const m of DEMO_MODELS(server.url)) server.setFault(m.model, { chunkDelayMs: 200 });
    const { stream, calls } = recordingStream((call) => {
      if (call.method === 'progress' && String(call.args[0]).includes(': asking ')) source.cancel();
    });
    const result = await handler(chatRequest(DEMO_PROMPT, 'ask'), context, stream, source.token);
    for (const m of DEMO_MODELS(server.url)) server.setFault(m.model, undefined);
    const markdown = markdownOf(calls);
    assert.ok(
      markdown.includes('**Cancelled.**') || /Cancelled/.test(String(result?.errorDetails?.message)),
      `not cancelled: ${markdown.slice(0, 300)}`,
    );
    assert.ok(!progressOf(calls).includes('Judging'), 'judged after the cancel');
  });
});
