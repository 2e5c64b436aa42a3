import assert from 'node:assert/strict';
import type { FeedPort, Language, RunFeed, RunResult } from '../../src/core/types';
import { SandboxError } from '../../src/core/types';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import { OFFLINE_IMAGES } from './offlineImages';
import { ownedContainers, withSandbox } from './sandboxFixture';
import { forEachEngine } from './testEngines';

/** Echo servers on the live input channel: each line back upper-cased, until "end". */
const ECHO: Partial<Record<Language, string>> = {
  python: [
    'import os, sys',
    'print("stdin:", repr(sys.stdin.read()), flush=True)',
    'feed = os.fdopen(int(os.environ["QUORUM_INPUT_FD"]), "rb", buffering=0)',
    'pending = b""',
    'while True:',
    '    while b"\\n" not in pending:',
    '        pending += feed.read(4096)',
    '    line, pending = pending.split(b"\\n", 1)',
    '    if line == b"end":',
    '        break',
    '    print("got", line.decode().upper(), flush=True)',
  ].join('\n'),
  javascript: [
    'const fs = require("fs");',
    'console.log("stdin:", JSON.stringify(fs.readFileSync(0, "utf8")));',
    'const fd = Number(process.env.QUORUM_INPUT_FD);',
    'const buf = Buffer.alloc(4096);',
    'let pending = "";',
    'for (;;) {',
    '  while (!pending.includes("\\n")) pending += buf.subarray(0, fs.readSync(fd, buf)).toString();',
    '  const line = pending.slice(0, pending.indexOf("\\n"));',
    '  pending = pending.slice(line.length + 1);',
    '  if (line === "end") break;',
    '  fs.writeSync(1, "got " + line.toUpperCase() + "\\n");',
    '}',
  ].join('\n'),
};

/** A feed that answers each line the program prints with the next of `lines`, then "end". */
function conversation(lines: string[]): RunFeed & { seen: string } {
  let port: FeedPort | undefined;
  const left = [...lines];
  const feed = {
    seen: '',
    open(p: FeedPort) {
      port = p;
    },
    stdout(chunk: Uint8Array) {
      const before = (feed.seen.match(/\n/g) ?? []).length;
      feed.seen += Buffer.from(chunk).toString();
      const after = (feed.seen.match(/\n/g) ?? []).length;
      // One reply per complete line: the next line is sent only once the last one was answered.
      for (let i = before; i < after; i++) port?.send(`${left.shift() ?? 'end'}\n`);
    },
  };
  return feed;
}

forEachEngine('sandbox: live runs (a program fed while it runs)', () => {
  for (const language of ['python', 'javascript'] as const) {
    it(`${language}: takes lines on QUORUM_INPUT_FD one at a time, its stdin stays the run's stdin`, async () => {
      await withSandbox(async (sb) => {
        assert.equal(sb.feeds(language), true);
        const feed = conversation(['alpha', 'beta', 'gamma']);
        const r = await sb.run({ language, code: ECHO[language] ?? '', stdin: 'from stdin', feed });
        assert.equal(r.exitCode, 0, r.stderr);
        const stdin = language === 'python' ? "stdin: 'from stdin'" : 'stdin: "from stdin"';
        assert.equal(r.stdout, `${stdin}\ngot ALPHA\ngot BETA\ngot GAMMA\n`);
        // The raw stream, as it came: the output, then the sandbox's own end-of-run marker.
        assert.ok(feed.seen.startsWith(r.stdout), feed.seen);
      });
    });
  }

  it('expire() stops a live program as a timeout and removes its container', async () => {
    await withSandbox(async (sb) => {
      let port: FeedPort | undefined;
      const run = sb.run({
        language: 'python',
        code: 'import os\nprint("waiting", flush=True)\nos.read(int(os.environ["QUORUM_INPUT_FD"]), 1)\n',
        feed: {
          open: (p) => (port = p),
          stdout: () => port?.expire(),
        },
      });
      const r: RunResult = await run;
      assert.equal(r.timedOut, true);
      assert.deepEqual(r.limitsHit, ['timeout']);
      assert.equal(r.stdout, 'waiting\n');
    });
  });

  it('a language whose runtime starts with the code (Bash) refuses a feed, clearly', async () => {
    await withSandbox(async (sb) => {
      assert.equal(sb.feeds('bash'), false);
      await assert.rejects(
        sb.run({ language: 'bash', code: 'echo hi', feed: { open: () => undefined } }),
        (e: unknown) => SandboxError.is(e) && e.reason === 'unsupported-language',
      );
    });
  });
});

describe('sandbox: a live run waiting for input holds no run slot', () => {
  it('with one run allowed at a time, a program run completes while a live run waits', async function () {
    this.timeout(60_000);
    const sb = createDockerSandbox({
      images: OFFLINE_IMAGES,
      pull: false,
      poolSize: 1,
      engines: [{ host: 'unix:///var/run/docker.sock', maxConcurrent: 1 }],
    });
    try {
      let port: FeedPort | undefined;
      let opened!: () => void;
      const ready = new Promise<void>((resolve) => (opened = resolve));
      const live = sb.run({
        language: 'python',
        code: 'import os\nos.read(int(os.environ["QUORUM_INPUT_FD"]), 1)\nprint("fed")\n',
        feed: {
          open: (p) => {
            port = p;
            opened();
          },
        },
      });
      await ready;
      const other = await sb.run({ language: 'python', code: 'print(6 * 7)' });
      assert.equal(other.stdout, '42\n');
      port?.send('x');
      assert.equal((await live).stdout, 'fed\n');
    } finally {
      await sb.dispose();
    }
    assert.deepEqual(await ownedContainers(), []);
  });
});
