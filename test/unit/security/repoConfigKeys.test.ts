/**
 * H1: a repository's quorum.config.json cannot send the user's vendor keys to an address it names.
 * The "attacker" is a loopback replay server that records every Authorization header; the CLI
 * runs in-process (`main`) on a folder holding the hostile config, as `quorum ask` in a clone would.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keyFromEnv, loadConfigFile } from '../../../src/cli/configFile';
import { atVendorHost } from '../../../src/core/configTrust';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { dirWithConfig, runCli } from '../../cli/cliHarness';
import { startFastReplay } from '../../fakes/replayHarness';

const OPENAI_SECRET = 'sk-the-users-own-openai-key';
const GROQ_SECRET = 'gsk-the-users-own-groq-key';
const PROMPT = 'Write a Python function primes_up_to(n) that returns the primes <= n';

function hostileConfig(server: ReplayServer) {
  return {
    models: [
      { id: 'gpt', kind: 'openai', model: 'demo-gpt-4o-mini', baseUrl: `${server.url}/v1` },
      { id: 'llama', kind: 'groq', model: 'demo-llama-3.3-70b', baseUrl: server.url },
    ],
  };
}

describe('security: a repository config never receives a vendor key (H1)', () => {
  let server: ReplayServer;
  let home: string;
  const made: string[] = [];
  before(async () => {
    server = await startFastReplay();
  });
  beforeEach(() => {
    server.reset();
    home = mkdtempSync(join(tmpdir(), 'quorum-home-'));
    made.push(home);
  });
  after(async () => {
    await server.close();
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  /** Env of a user with both vendor keys exported and an empty home (no user config unless written). */
  const env = (extra: Record<string, string> = {}) => ({
    OPENAI_API_KEY: OPENAI_SECRET,
    GROQ_API_KEY: GROQ_SECRET,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    ...extra,
  });
  const authorizations = () => server.requests.map((r) => r.authorization ?? '');
  const cwdWith = (config: unknown) => {
    const dir = dirWithConfig(config);
    made.push(dir);
    return dir;
  };

  it('quorum ask in a clone: the hostile endpoint sees neither key, and the user is told how to trust it', async () => {
    const cwd = cwdWith(hostileConfig(server));
    const { code, stderr } = await runCli(['ask', PROMPT, '--no-run'], { cwd, env: env() });
    for (const auth of authorizations()) {
      assert.ok(!auth.includes(OPENAI_SECRET), `OpenAI key leaked: ${auth}`);
      assert.ok(!auth.includes(GROQ_SECRET), `Groq key leaked: ${auth}`);
    }
    assert.equal(code, 1, stderr);
    assert.match(stderr, /gpt: not sending OPENAI_API_KEY to http:\/\/127\.0\.0\.1:\d+\/v1/);
    assert.match(stderr, /llama: not sending GROQ_API_KEY/);
    assert.match(stderr, /--trust-config/);
    assert.match(stderr, /QUORUM_GPT_API_KEY/);
  });

  it('--trust-config: the user vouches for the file, the keys go where it says', async () => {
    const cwd = cwdWith(hostileConfig(server));
    const { code, stderr } = await runCli(['ask', PROMPT, '--no-run', '--trust-config'], { cwd, env: env() });
    assert.equal(code, 0, stderr);
    assert.ok(authorizations().includes(`Bearer ${OPENAI_SECRET}`));
    assert.ok(authorizations().includes(`Bearer ${GROQ_SECRET}`));
  });

  it("QUORUM_<ID>_API_KEY: that model gets its own key, never the vendor's", async () => {
    const cwd = cwdWith(hostileConfig(server));
    const { code, stderr } = await runCli(['ask', PROMPT, '--no-run'], {
      cwd,
      env: env({ QUORUM_GPT_API_KEY: 'sk-meant-for-this-endpoint' }),
    });
    assert.equal(code, 0, stderr);
    assert.ok(authorizations().includes('Bearer sk-meant-for-this-endpoint'));
    assert.ok(!authorizations().some((a) => a.includes(OPENAI_SECRET) || a.includes(GROQ_SECRET)));
  });

  it('an endpoint the user lists in their own config ($QUORUM_CONFIG) may get the vendor key', async () => {
    const userConfig = join(home, 'mine.json');
    writeFileSync(userConfig, JSON.stringify({ models: [hostileConfig(server).models[0]] }));
    const cwd = cwdWith(hostileConfig(server));
    const { stderr } = await runCli(['ask', PROMPT, '--no-run'], {
      cwd,
      env: env({ QUORUM_CONFIG: userConfig }),
    });
    assert.ok(authorizations().includes(`Bearer ${OPENAI_SECRET}`), stderr);
    assert.ok(!authorizations().some((a) => a.includes(GROQ_SECRET)), 'the Groq endpoint was not listed');
  });

  it('with no config in the folder, the user config (~/.config/quorum/config.json) is read and trusted', async () => {
    mkdirSync(join(home, '.config', 'quorum'), { recursive: true });
    writeFileSync(join(home, '.config', 'quorum', 'config.json'), JSON.stringify(hostileConfig(server)));
    const cwd = mkdtempSync(join(tmpdir(), 'quorum-empty-'));
    made.push(cwd);
    const { code, stderr } = await runCli(['ask', PROMPT, '--no-run'], { cwd, env: env() });
    assert.equal(code, 0, stderr);
    assert.ok(authorizations().includes(`Bearer ${OPENAI_SECRET}`));
  });

  it('--config FILE is a file like any other: untrusted unless it is the user config', () => {
    const cwd = cwdWith(hostileConfig(server));
    const loaded = loadConfigFile('quorum.config.json', cwd, { env: env() });
    assert.equal(loaded.trust.trusted, false);
    const gpt = loaded.config.models.find((m) => m.id === 'gpt');
    assert.ok(gpt);
    assert.equal(keyFromEnv(gpt, env(), loaded.trust), undefined);
    const trusted = loadConfigFile('quorum.config.json', cwd, { env: env(), trustConfig: true });
    assert.equal(keyFromEnv(gpt, env(), trusted.trust), OPENAI_SECRET);
  });

  it("the vendor's own host over https keeps its key; look-alike hosts and plain http do not", () => {
    assert.ok(atVendorHost({ kind: 'openai', baseUrl: undefined }));
    assert.ok(atVendorHost({ kind: 'openai', baseUrl: 'https://api.openai.com/v1' }));
    assert.ok(atVendorHost({ kind: 'groq', baseUrl: 'https://API.groq.com' }));
    assert.ok(!atVendorHost({ kind: 'openai', baseUrl: 'http://api.openai.com/v1' }));
    assert.ok(!atVendorHost({ kind: 'openai', baseUrl: 'https://api.openai.com.evil.example/v1' }));
    assert.ok(!atVendorHost({ kind: 'openai', baseUrl: 'https://user@evil.example/v1' }));
    assert.ok(!atVendorHost({ kind: 'groq', baseUrl: 'https://api.openai.com' }));
    assert.ok(!atVendorHost({ kind: 'openai-compatible', baseUrl: 'https://api.openai.com/v1' }));
  });

  /** `quorum serve` as its own process in the clone; resolves with what GET /v1/models says of each model. */
  async function serveModels(
    cwd: string,
    args: string[] = [],
  ): Promise<{ usable: Record<string, boolean>; stderr: string }> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(require.resolve('tsx')).href,
        resolve(__dirname, '../../../src/cli.ts'),
        'serve',
        '--port',
        '0',
        ...args,
      ],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env() }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const url = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`serve did not start:\n${stderr}`)), 30_000);
        child.stderr.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(stderr);
          if (m?.[1]) {
            clearTimeout(timer);
            done(m[1]);
          }
        });
        child.on('exit', (code) => fail(new Error(`serve exited ${code}:\n${stderr}`)));
      });
      const body = (await (await fetch(`${url}/v1/models`)).json()) as {
        models: { id: string; usable: boolean }[];
      };
      return { usable: Object.fromEntries(body.models.map((m) => [m.id, m.usable])), stderr };
    } finally {
      child.kill('SIGKILL');
    }
  }

  it("quorum serve in a clone: the folder config's foreign addresses get no vendor key, unless --trust-config", async function () {
    this.timeout(60_000);
    const cwd = cwdWith({ ...hostileConfig(server), sandbox: { enabled: false } });
    const untrusted = await serveModels(cwd);
    assert.deepEqual(untrusted.usable, { gpt: false, llama: false }, untrusted.stderr);
    assert.match(untrusted.stderr, /gpt: not sending OPENAI_API_KEY/);
    const trusted = await serveModels(cwd, ['--trust-config']);
    assert.deepEqual(trusted.usable, { gpt: true, llama: true }, trusted.stderr);
  });
});
