import assert from 'node:assert/strict';
import type { RunRecord } from '../../src/core/types';
import type { ReplayServer } from '../../src/demo/replayServer';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import { startFastReplay } from '../fakes/replayHarness';
import { dirWithConfig, runCli } from './cliHarness';

/** One model per provider kind, plus a second Groq model whose key the server rejects. */
function config(server: ReplayServer, extra: object = {}) {
  return {
    models: [
      { id: 'gpt', kind: 'openai', model: 'demo-gpt-4o-mini', baseUrl: `${server.url}/v1` },
      { id: 'llama', kind: 'groq', model: 'demo-llama-3.3-70b', baseUrl: server.url },
      { id: 'qwen', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: server.url },
      { id: 'r1', kind: 'openai-compatible', model: 'demo-deepseek-r1', baseUrl: `${server.url}/v1` },
      { id: 'groq-bad', kind: 'groq', model: 'demo-bad-key', baseUrl: server.url },
    ],
    sandbox: { images: OFFLINE_IMAGES, poolSize: 1 },
    ...extra,
  };
}

// Each model's own key: OPENAI_API_KEY / GROQ_API_KEY never go to the loopback address a folder's config names.
const ENV = {
  QUORUM_GPT_API_KEY: 'sk-test',
  QUORUM_LLAMA_API_KEY: 'gsk-test',
  QUORUM_GROQ_BAD_API_KEY: 'gsk-test',
};
const PROMPT = 'Write a Python function primes_up_to(n) that returns the primes <= n';

describe('cli: quorum ask against loopback servers of all four kinds', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startFastReplay();
  });
  beforeEach(() => {
    server.reset();
    server.setFault('demo-bad-key', { status: 401 });
  });
  after(() => server.close());

  it('prints a row per model, the failing one isolated with its advice, and a verdict', async () => {
    const cwd = dirWithConfig(config(server));
    const { code, stdout } = await runCli(['ask', PROMPT], { cwd, env: ENV });
    assert.equal(code, 0);
    for (const id of ['gpt', 'llama', 'qwen', 'r1']) assert.match(stdout, new RegExp(`● ${id} \\(`));
    assert.match(stdout, /✗ groq-bad \(groq demo-bad-key\): failed: .*\n\s+Groq rejected the API key/);
    assert.match(stdout, /def primes_up_to/);
    assert.match(stdout, /run: exit 0/);
    assert.match(stdout, /Verdict: (gpt|llama|qwen|r1) \(/);
  });

  it('--json prints one run record with runs and a verdict', async () => {
    const cwd = dirWithConfig(config(server));
    const { code, stdout } = await runCli(['ask', PROMPT, '--json', '--models', 'gpt,qwen,groq-bad'], {
      cwd,
      env: ENV,
    });
    assert.equal(code, 0);
    const record = JSON.parse(stdout) as RunRecord;
    assert.deepEqual(
      record.candidates.map((c) => [c.id, c.status]),
      [
        ['gpt', 'done'],
        ['qwen', 'done'],
        ['groq-bad', 'failed'],
      ],
    );
    assert.equal(record.candidates[0]?.run?.exitCode, 0);
    assert.match(record.candidates[0]?.run?.stdout ?? '', /\[2, 3, 5, 7/);
    assert.ok(record.verdict && ['gpt', 'qwen'].includes(record.verdict.pick ?? ''));
    assert.ok(!stdout.includes('sk-test') && !stdout.includes('gsk-test'), 'no key in the record');
  });

  it('--format markdown prints a pull-request comment with a table and the picked code', async () => {
    const cwd = dirWithConfig(config(server));
    const { code, stdout } = await runCli(['ask', PROMPT, '--format', 'markdown', '--models', 'gpt,llama'], {
      cwd,
      env: ENV,
    });
    assert.equal(code, 0);
    assert.match(stdout, /^## Quorum report/);
    assert.match(stdout, /\| model \| answer \| run \| tests \| score \|/);
    assert.match(stdout, /<summary>Picked code \((gpt|llama)\)<\/summary>/);
  });

  it('reviews a file given with --file, keeping the answer prose as the review', async () => {
    const cwd = dirWithConfig(config(server));
    const { code, stdout } = await runCli(
      ['ask', 'review this', '--file', '-', '--json', '--no-run', '--models', 'gpt'],
      {
        cwd,
        env: ENV,
        stdin: 'def primes_up_to(n):\n    return []\n',
      },
    );
    assert.equal(code, 0);
    const record = JSON.parse(stdout) as RunRecord;
    assert.equal(record.request.intent, 'review');
    assert.match(JSON.stringify(server.requests.at(-1)?.body), /return \[\]/);
    assert.equal(record.candidates[0]?.run, undefined, '--no-run executes nothing');
  });

  it('exits 1 when no model produced anything usable', async () => {
    const cwd = dirWithConfig(config(server));
    const { code, stdout } = await runCli(['ask', PROMPT, '--models', 'groq-bad'], { cwd, env: ENV });
    assert.equal(code, 1);
    assert.match(stdout, /groq-bad/);
  });

  it('exits 2 naming the bad path of a broken config', async () => {
    const bad = config(server);
    (bad.models[2] as { kind: string }).kind = 'anthropic';
    const { code, stderr } = await runCli(['ask', PROMPT], { cwd: dirWithConfig(bad), env: ENV });
    assert.equal(code, 2);
    assert.match(stderr, /models\[2\]\.kind: /);
  });

  it('exits 2 on bad usage and prints help with --help', async () => {
    const cwd = dirWithConfig(config(server));
    assert.equal((await runCli(['ask'], { cwd })).code, 2);
    assert.equal((await runCli(['ask', 'x', '--lang', 'cobol'], { cwd })).code, 2);
    assert.equal((await runCli(['ask', 'x', '--models', 'nope'], { cwd })).code, 2);
    assert.equal((await runCli(['ask', 'x', '--bogus'], { cwd })).code, 2);
    const help = await runCli(['ask', '--help'], { cwd });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: quorum ask/);
    assert.equal((await runCli(['frobnicate'])).code, 2);
  });
});

describe('cli: quorum demo', () => {
  it('runs the whole pipeline on recorded answers with no key, clearly labelled', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--image', OFFLINE_IMAGES.python!], {
      cwd: dirWithConfig({}),
      env: {},
    });
    assert.equal(code, 0);
    assert.match(stderr, /recorded answers/i);
    assert.match(stdout, /DEMO: recorded answers/);
    assert.equal((stdout.match(/^● demo-/gm) ?? []).length, 4);
    assert.match(stdout, /Verdict: demo-/);
  });
});
