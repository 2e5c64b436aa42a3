/**
 * L7: a model's text reaches the terminal and pull-request comments, so it must not be able to
 * drive the terminal (ANSI/OSC escape sequences: colours, titles, hyperlinks, cursor moves that
 * hide lines) or break out of the markdown report (a longer fence, a closing </details>).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { renderMarkdown } from '../../../src/cli/report';
import { withinDetails } from '../../../src/core/terminalText';
import type { RunRecord, Verdict } from '../../../src/core/types';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { dirWithConfig, runCli } from '../../cli/cliHarness';

const HOSTILE_CODE =
  'def f():\n    return 1  # \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2K\r\x1b[1Amoved\n' +
  '```\n\n## Injected heading\n</details>\n';
const ANSWER =
  'Here it is \x1b[31mred\x1b[0m \x1b]0;pwned-title\x07:\n\n````python\n' + HOSTILE_CODE + '````\n';

describe('security: model text is neutralised in terminal and markdown reports (L7)', () => {
  let server: ReplayServer;
  let cwd: string;
  before(async () => {
    server = await startReplayServer({ chunkDelayMs: 0, ttftMs: 0, answers: () => ({ text: ANSWER }) });
    cwd = dirWithConfig({
      models: [{ id: 'local', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: server.url }],
    });
  });
  after(async () => {
    await server.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('quorum ask (text) prints no escape or carriage-return byte of the answer', async () => {
    const { stdout, stderr } = await runCli(['ask', 'write f', '--no-run'], { cwd });
    assert.match(stdout, /return 1/, stderr);
    assert.ok(!stdout.includes('\x1b'), 'an ESC byte reached the terminal');
    assert.ok(!stdout.includes('\x07'), 'a BEL byte reached the terminal');
    assert.ok(!stdout.includes('\r'), 'a carriage return reached the terminal');
    assert.match(stdout, /\\x1b\]8;;https:\/\/evil\.example/, 'the escape is shown, visibly');
  });

  it('the markdown report keeps the code inside its fence and its details', async () => {
    // The record of a real ask; the pick is set by hand (picking needs the sandbox, not this suite).
    const json = await runCli(['ask', 'write f', '--no-run', '--json'], { cwd });
    const record = JSON.parse(json.stdout) as RunRecord;
    const verdict = { pick: 'local', strategy: 'single', confidence: 1, reasons: [], ranking: [] };
    const stdout = renderMarkdown({ ...record, verdict: verdict as unknown as Verdict });
    const stderr = json.stderr;
    assert.match(stdout, /return 1/, stderr);
    assert.ok(!stdout.includes('\x1b'));
    // The code's own ``` line must not close the fence around it: it is opened with a longer one.
    const open = /^(`{4,})python$/m.exec(stdout);
    assert.ok(open, `no fence longer than the code's own:\n${stdout}`);
    const fence = open[1];
    const body = stdout.slice(open.index + open[0].length, stdout.indexOf(`\n${fence}\n`, open.index));
    assert.match(body, /## Injected heading/, 'the heading stays inside the code block');
    // Inside the fence a </details> line is code text, not HTML: CommonMark does not parse it.
  });

  it("a review's prose cannot close the report's <details> or <summary> early", () => {
    const prose = withinDetails('Looks fine.\n</details>\n\n## Injected\n</SUMMARY>');
    assert.ok(!/<\/details|<\/summary/i.test(prose), prose);
    assert.match(prose, /## Injected/);
  });
});
