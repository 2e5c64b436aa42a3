import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  GO_BUILD_ENV,
  GO_CACHE,
  compiledInContainer,
  programFor,
  shellQuote,
  transpileTypeScript,
} from '../../../src/core/sandbox/languages';

describe('sandbox languages', () => {
  it('maps each language to files and an argv that carries the arguments', () => {
    assert.deepEqual(programFor('python', 'print(1)', ['a']).argv, ['python3', '/work/main.py', 'a']);
    assert.deepEqual(programFor('bash', 'echo').argv, ['bash', '/work/main.sh']);
    assert.deepEqual(programFor('javascript', 'console.log(1)').files[0]?.name, 'main.js');
    assert.deepEqual(
      programFor('javascript', 'import fs from "fs";\nconsole.log(fs)').files[0]?.name,
      'main.mjs',
    );
    assert.deepEqual(programFor('javascript', 'const m = await import("fs")').files[0]?.name, 'main.js');
  });

  it('transpiles TypeScript on the host into JavaScript that node runs, keeping line numbers', () => {
    const ts =
      'interface P { x: number }\nimport { sep } from "node:path";\nconst p: P = { x: 2 };\nconsole.log(p.x * 21, sep);\nthrow new Error("line 5");';
    const js = transpileTypeScript(ts);
    let stderr = '';
    try {
      execFileSync(process.execPath, ['-e', js], { stdio: 'pipe' });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
      assert.equal(String((error as { stdout: Buffer }).stdout), '42 /\n');
    }
    assert.match(stderr, /\[eval\]:5/);
    assert.match(transpileTypeScript('const x: = ;'), /TypeScript syntax error/);
  });

  it('quotes arguments so the shell passes them through unchanged', () => {
    const words = ['plain', 'two words', "it's", '$HOME', '`id`', '"q"', '\\', '*', ''];
    const out = execFileSync('/bin/sh', [
      '-c',
      `printf '%s\\n' ${words.map(shellQuote).join(' ')}`,
    ]).toString();
    assert.deepEqual(out.split('\n').slice(0, -1), words);
  });

  it('compiles Rust in the container to the exec-able build dir, then runs it with the arguments', () => {
    const rust = programFor('rust', 'fn main() {}', ['a b']);
    assert.deepEqual(
      rust.files.map((f) => f.name),
      ['main.rs'],
    );
    const [shell, flag, script, name, ...args] = rust.argv;
    assert.deepEqual([shell, flag, name, args], ['/bin/sh', '-c', 'main', ['a b']]);
    assert.match(script ?? '', /^rustc .* -o \/build\/main \/work\/main\.rs && exec \/build\/main "\$@"$/);
    assert.equal(compiledInContainer('rust'), true);
    assert.equal(compiledInContainer('python'), false);
  });

  it('builds go with go build into the exec-able tmpfs, then runs the binary with the arguments', () => {
    const p = programFor('go', 'package main\nfunc main() {}\n', ['x y']);
    assert.deepEqual(p.files, [{ name: 'main.go', content: 'package main\nfunc main() {}\n' }]);
    const [sh, flag, script, name, ...args] = p.argv;
    assert.deepEqual([sh, flag, name, args], ['/bin/sh', '-c', 'main', ['x y']]);
    // The same environment as the seed build (compilerCache.ts), or the prepared cache misses.
    assert.ok(script?.includes(`GOCACHE=${GO_CACHE} ${GO_BUILD_ENV} go build -o /build/main main.go`));
    assert.match(script ?? '', /&& exec \/build\/main "\$@"$/);
    assert.equal(compiledInContainer('go'), true);
  });
});
