import assert from 'node:assert/strict';
import type { PullProgress } from '../../src/core/types';
import { SandboxError } from '../../src/core/types';
import { startLocalRegistry } from './localRegistry';
import { OFFLINE_IMAGES, OFFLINE_NODE_22 } from './offlineImages';
import { engine, offlineSandbox, ownedContainers, withSandbox } from './sandboxFixture';
import { seedTag } from '../../src/core/sandbox/compilerCache';

/** The id of an offline image, or skips the test (saying why) where that image was not built. */
async function imageIdOrSkip(test: Mocha.Context, image: string, missing: string): Promise<string> {
  const id = await engine
    .getImage(image)
    .inspect()
    .then(
      (info) => info.Id,
      () => undefined,
    );
  if (!id) {
    console.log(`      (skipped: ${image} was not built here: ${missing})`);
    test.skip();
  }
  return id ?? '';
}

/** Removes the derived Go image of a base image, as on an engine that never ran Go; returns its tag. */
async function withoutGoSeed(imageId: string): Promise<string> {
  const tag = seedTag(imageId);
  await engine
    .getImage(tag)
    .remove({ force: true })
    .catch(() => undefined);
  return tag;
}

describe('sandbox: ordinary programs', function () {
  it('runs python, javascript (CommonJS and ESM), typescript and bash', async () => {
    await withSandbox(async (sb) => {
      const py = await sb.run({ language: 'python', code: 'print("hello from python")' });
      assert.equal(py.exitCode, 0);
      assert.equal(py.stdout, 'hello from python\n');
      assert.equal(py.image, 'quorum-offline/python:3.11');

      const cjs = await sb.run({
        language: 'javascript',
        code: 'const os = require("os"); console.log("cjs", typeof os.cpus)',
      });
      assert.equal(cjs.stdout, 'cjs function\n');
      const esm = await sb.run({
        language: 'javascript',
        code: 'import { sep } from "node:path";\nconsole.log("esm", sep)',
      });
      assert.equal(esm.stdout, 'esm /\n');

      const ts = await sb.run({
        language: 'typescript',
        code: 'interface P { x: number }\nconst p: P = { x: 21 };\nexport const double = (n: number): number => n * 2;\nconsole.log(double(p.x));',
      });
      assert.equal(ts.stderr, '');
      assert.equal(ts.stdout, '42\n');

      const sh = await sb.run({ language: 'bash', code: 'declare -A m=([k]=v); echo "bash ${m[k]}"' });
      assert.equal(sh.stdout, 'bash v\n');
    });
  });

  it('passes stdin and arguments (with spaces and quotes) to the program', async () => {
    await withSandbox(async (sb) => {
      const r = await sb.run({
        language: 'python',
        code: 'import sys\nprint(sys.argv[1:])\nprint(sys.stdin.read().upper(), end="")',
        stdin: 'line one\nline two\n',
        args: ['a b', "it's", '$HOME', '--flag'],
      });
      assert.equal(r.stdout, `['a b', "it's", '$HOME', '--flag']\nLINE ONE\nLINE TWO\n`);
      const js = await sb.run({
        language: 'javascript',
        code: 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(process.argv.slice(2).join("|"), s.trim()))',
        stdin: 'piped',
        args: ['x', 'y z'],
      });
      assert.equal(js.stdout, 'x|y z piped\n');
    });
  });

  it('reports exit codes and keeps stdout and stderr apart', async () => {
    await withSandbox(async (sb) => {
      const r = await sb.run({
        language: 'python',
        code: 'import sys\nprint("out")\nprint("err", file=sys.stderr)\nsys.exit(3)',
      });
      assert.equal(r.exitCode, 3);
      assert.equal(r.stdout, 'out\n');
      assert.equal(r.stderr, 'err\n');
      assert.equal(r.timedOut, false);
      assert.deepEqual(r.limitsHit, []);
      const crash = await sb.run({ language: 'javascript', code: 'throw new Error("boom")' });
      assert.equal(crash.exitCode, 1);
      assert.match(crash.stderr, /Error: boom/);
      const bad = await sb.run({ language: 'typescript', code: 'const x: = ;' });
      assert.equal(bad.exitCode, 1);
      assert.match(bad.stderr, /TypeScript syntax error/);
    });
  });

  for (const image of [OFFLINE_IMAGES.javascript ?? '', OFFLINE_NODE_22]) {
    it(`runs JavaScript in its waiting runtime the way \`node FILE\` would (${image})`, async () => {
      await withSandbox(async (sb) => {
        const js = (code: string, stdin = '') => sb.run({ language: 'javascript', code, stdin, image });
        // Exit status: process.exit, process.exitCode, and one set by an exit listener.
        assert.equal((await js('console.log("a"); process.exit(3)')).exitCode, 3);
        assert.equal((await js('process.exitCode = 4')).exitCode, 4);
        const late = await js(
          'process.on("exit", (c) => { console.log("bye", c); process.exitCode = 9 }); console.log("hi")',
        );
        assert.equal(late.stdout, 'hi\nbye 0\n');
        assert.equal(late.exitCode, 9);
        // Timers keep the program alive; its output after them is still collected.
        assert.equal((await js('setTimeout(() => console.log("later"), 50)')).stdout, 'later\n');
        // Uncaught errors and rejections: Node's own report, after the exit listeners, status 1.
        for (const code of [
          'process.on("exit", () => console.log("exit listener")); throw new Error("boom")',
          'Promise.reject(new Error("boom"))',
        ]) {
          const r = await js(code);
          assert.equal(r.exitCode, 1, code);
          assert.match(r.stderr, /\/work\/main\.js:1\n[\s\S]*Error: boom\n {4}at /, code);
          assert.equal(r.stdout, code.includes('listener') ? 'exit listener\n' : '', code);
        }
        // A signal ends it as a signal would end `node FILE`: 128 + signal number.
        assert.equal((await js('process.kill(process.pid, "SIGTERM")')).exitCode, 143);
        // stdin is fd 0, whichever way the program reads it.
        const input = await js(
          'const fs = require("fs"); console.log(fs.readFileSync(0, "utf8"), fs.readFileSync("/dev/stdin", "utf8").length)',
          'typed',
        );
        assert.equal(input.stdout, 'typed 5\n');
        // ESM syntax runs as a module (.mjs) through the ESM loader.
        const esm = await js('import { sep } from "node:path";\nconsole.log(sep, import.meta.url)');
        assert.equal(esm.stdout, '/ file:///work/main.mjs\n');
        // The program is the main module, and fork() starts it again (not the bootstrap).
        const fork = await js(
          'if (process.argv[2] === "child") console.log("child", require.main === module);\n' +
            'else require("child_process").fork(__filename, ["child"]).on("exit", (c) => console.log("fork exit", c));',
        );
        assert.equal(fork.stdout, 'child true\nfork exit 0\n');
        assert.equal(fork.exitCode, 0);
      });
    });
  }

  it('compiles and runs Rust in the container: arguments, stdin, compile errors, panics', async function () {
    this.timeout(120_000);
    const image = OFFLINE_IMAGES.rust ?? '';
    await imageIdOrSkip(this, image, 'no rustup toolchain and gcc');
    await withSandbox(async (sb) => {
      const ok = await sb.run({
        language: 'rust',
        code:
          'use std::io::Read;\nfn main() {\n  let mut s = String::new();\n  std::io::stdin().read_to_string(&mut s).unwrap();\n' +
          '  let args: Vec<String> = std::env::args().skip(1).collect();\n  println!("{} {}", args.join("|"), s.trim().len());\n}\n',
        args: ['a b', 'c'],
        stdin: 'four',
      });
      assert.equal(ok.stderr, '');
      assert.equal(ok.stdout, 'a b|c 4\n');
      assert.equal(ok.exitCode, 0);
      // rustc's own error on the candidate's stderr, its status as the run's.
      const bad = await sb.run({ language: 'rust', code: 'fn main() { let x: u32 = undefined_name; }' });
      assert.equal(bad.exitCode, 1);
      assert.match(bad.stderr, /error\[E0425\]: cannot find value `undefined_name`/);
      assert.match(bad.stderr, /\/work\/main\.rs:1:/);
      const panic = await sb.run({
        language: 'rust',
        code: 'fn main() { let v: Vec<u8> = vec![]; println!("{}", v[3]); }',
      });
      assert.equal(panic.exitCode, 101);
      assert.match(panic.stderr, /panicked at \/work\/main\.rs/);
    });
  });

  it('builds Go once per image into a derived image with its standard library, then runs in well under the timeout', async function () {
    this.timeout(300_000);
    const image = OFFLINE_IMAGES.go ?? '';
    // Start from no prepared image, as a user's first Go run does: the image has no compiled
    // standard library (like golang:1.20+), so without the seed a run compiles it within its 10 s.
    const tag = await withoutGoSeed(await imageIdOrSkip(this, image, 'no Debian Go toolchain'));
    const program =
      'package main\n\nimport (\n\t"bufio"\n\t"fmt"\n\t"os"\n\t"strings"\n)\n\nfunc main() {\n' +
      '\tin := bufio.NewScanner(os.Stdin)\n\tin.Scan()\n' +
      '\tfmt.Println(strings.Join(os.Args[1:], "|"), len(strings.Fields(in.Text())))\n}\n';
    const progress: PullProgress[] = [];
    await withSandbox(
      async (sb) => {
        const ok = await sb.run({
          language: 'go',
          code: program,
          args: ['a b', 'c'],
          stdin: 'one two three\n',
        });
        assert.equal(ok.stderr, '');
        assert.equal(ok.stdout, 'a b|c 3\n');
        assert.equal(ok.exitCode, 0);
        assert.equal(ok.image, image, 'the result names the image the user chose, not the derived one');
        assert.ok(ok.durationMs < 5000, `the build used the prepared cache: ${ok.durationMs} ms`);
        // go's own error on the candidate's stderr, its status (2 from Go 1.19's build) as the run's.
        const bad = await sb.run({
          language: 'go',
          code: 'package main\n\nfunc main() { undefinedName() }\n',
        });
        assert.notEqual(bad.exitCode, 0);
        assert.match(bad.stderr, /main\.go:3:15: undefined: undefinedName/);
        const panic = await sb.run({
          language: 'go',
          code: 'package main\n\nfunc main() {\n\tv := []int{}\n\tprintln(v[3])\n}\n',
        });
        assert.equal(panic.exitCode, 2);
        assert.match(panic.stderr, /index out of range \[3\] with length 0[\s\S]*\/work\/main\.go:5/);
        // No network and GOPROXY=off: a third-party import fails at once, saying why.
        const net = await sb.run({
          language: 'go',
          code: 'package main\n\nimport "github.com/x/y"\n\nfunc main() { y.Z() }\n',
        });
        assert.equal(net.exitCode, 1);
        assert.match(net.stderr, /github\.com\/x\/y/);
      },
      { onPullProgress: (p) => progress.push(p) },
    );
    // The user is told what the first Go run waits for, and when it is over.
    assert.match(progress[0]?.status ?? '', /^compiling the Go standard library, once for this image/);
    assert.ok(progress.every((p) => p.phase === 'prepare' && p.image === image));
    assert.equal(progress.at(-1)?.status, 'done');
    const built = (await engine.getImage(tag).inspect()).Created;
    // A second sandbox (another process, say) finds the derived image and does not rebuild it.
    await withSandbox(async (sb) => {
      const again = await sb.run({ language: 'go', code: program, stdin: 'x\n' });
      assert.equal(again.stdout, ' 1\n');
    });
    assert.equal((await engine.getImage(tag).inspect()).Created, built);
  });

  it('removes a Go seed build still running when the sandbox is disposed', async function () {
    this.timeout(60_000);
    const tag = await withoutGoSeed(
      await imageIdOrSkip(this, OFFLINE_IMAGES.go ?? '', 'no Debian Go toolchain'),
    );
    const sb = offlineSandbox();
    const warming = sb.warm('go');
    warming.catch(() => undefined);
    for (let i = 0; i < 100 && (await ownedContainers()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal((await ownedContainers()).length, 1, 'the seed build started');
    await sb.dispose();
    await assert.rejects(warming);
    assert.deepEqual(await ownedContainers(), []);
    await assert.rejects(engine.getImage(tag).inspect(), 'no half-built image is committed');
  });

  it('says which Go image cannot prepare its build cache, and which setting to change', async () => {
    await withSandbox(async (sb) => {
      const notGo = OFFLINE_IMAGES.python ?? '';
      await assert.rejects(sb.run({ language: 'go', code: 'package main', image: notGo }), (e: unknown) => {
        assert.ok(SandboxError.is(e));
        assert.equal(e.reason, 'engine-error');
        assert.match(
          e.message,
          new RegExp(
            `Go standard library in ${notGo.replace(/[.]/g, '\\.')}: exit status 127: .*go: not found`,
          ),
        );
        assert.match(e.advice, /quorum\.sandbox\.images\.go/);
        return true;
      });
    });
  });

  it('a missing image names the image and the setting', async () => {
    await withSandbox(async (sb) => {
      await assert.rejects(
        sb.run({ language: 'python', code: 'print(1)', image: 'quorum-offline/absent:0' }),
        (e: unknown) => {
          assert.ok(SandboxError.is(e));
          assert.equal(e.reason, 'image-missing');
          assert.match(e.message, /quorum-offline\/absent:0/);
          assert.match(e.advice, /quorum\.sandbox\.images/);
          assert.match(e.advice, /--image/);
          return true;
        },
      );
    });
  });

  it('pulls a missing image on first use, reporting progress, then runs in it', async function () {
    this.timeout(180_000);
    const registry = await startLocalRegistry(engine, OFFLINE_IMAGES.bash ?? '');
    const image = `${registry.address}/quorum-pull-test/bash:5`;
    const progress: PullProgress[] = [];
    try {
      await withSandbox(
        async (sb) => {
          const r = await sb.run({ language: 'bash', code: 'echo pulled', image });
          assert.equal(r.stdout, 'pulled\n');
          assert.equal(r.image, image);
        },
        { pull: true, onPullProgress: (p) => progress.push(p) },
      );
      assert.ok(
        registry.requests.some((r) => /\/blobs\/sha256:/.test(r)),
        registry.requests.join(', '),
      );
      assert.ok(progress.length > 1 && progress.every((p) => p.image === image));
      // Byte counts from the engine become a fraction, and the last report says done.
      const fractions = progress.flatMap((p) => (p.fraction === undefined ? [] : [p.fraction]));
      assert.ok(fractions.length > 0, progress.map((p) => p.status).join(', '));
      assert.deepEqual(progress.at(-1), { image, status: 'done', fraction: 1 });
    } finally {
      await engine
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
      await registry.close();
    }
  });

  it('reports a failed pull of a missing image as image-missing when no registry is reachable', async function () {
    this.timeout(120_000);
    await withSandbox(
      async (sb) => {
        await assert.rejects(
          sb.run({ language: 'python', code: 'print(1)', image: 'quorum-unreachable.invalid/none:1' }),
          (e: unknown) =>
            SandboxError.is(e) && e.reason === 'image-missing' && /pulling it failed/.test(e.message),
        );
      },
      { pull: true },
    );
  });
});
