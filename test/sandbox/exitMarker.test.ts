/**
 * Issue 26 (M2, plain runs), against the real engine: a program that knows how the sandbox ends a
 * run hunts for the end-of-run marker — in the argv and environment of every process it can see,
 * in every descriptor it can open through /proc, in the files of /work and /tmp, and (Python,
 * whose bootstrap makes itself non-dumpable) in the memory of every other process — then prints
 * the marker with exit status 0 on both streams, keeps printing and exits 3. The run must end
 * with the program: exit status 3, all of its output, and a hunt that found nothing.
 */
import assert from 'node:assert/strict';
import type { Language } from '../../src/core/types';
import { withSandbox } from './sandboxFixture';

const PATTERN = String.raw`__quorum_exit_[0-9a-f]{16}__:`;

const PYTHON_FORGER = String.raw`
import os, re, sys
pattern = re.compile(rb'${PATTERN}')
found = set()
def look(data):
    found.update(pattern.findall(data))
def read(path):
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        return os.read(fd, 1 << 20)
    finally:
        os.close(fd)
pids = [p for p in os.listdir('/proc') if p.isdigit()]
for pid in ['self'] + pids:
    for part in ('cmdline', 'environ'):
        try:
            look(read('/proc/%s/%s' % (pid, part)))
        except OSError:
            pass
    try:
        fds = os.listdir('/proc/%s/fd' % pid)
    except OSError:
        fds = []
    for fd in fds:
        try:
            look(read('/proc/%s/fd/%s' % (pid, fd)))
        except OSError:
            pass
for root in ('/work', '/tmp'):
    for dirpath, _, names in os.walk(root):
        for name in names:
            try:
                look(read(os.path.join(dirpath, name)))
            except OSError:
                pass
planted = b'__quorum_' + b'planted_self_check__'
def memory(pid):
    hits = []
    with open('/proc/%s/maps' % pid) as maps, open('/proc/%s/mem' % pid, 'rb', 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if 'r' not in perms:
                continue
            start, end = (int(x, 16) for x in span.split('-'))
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except (OSError, ValueError, OverflowError):
                continue
            look(data)
            hits.append(planted in data)
    return any(hits)
print('self memory readable:', memory(os.getpid()), file=sys.stderr)
for pid in pids:
    if int(pid) == os.getpid():
        continue
    try:
        memory(pid)
        print('memory of %s: read' % pid, file=sys.stderr)
    except OSError as e:
        print('memory of %s: %s' % (pid, e.strerror), file=sys.stderr)
for marker in found:
    for stream in (sys.stdout, sys.stderr):
        stream.write('\n%s0\n' % marker.decode())
        stream.flush()
print('found %d marker(s)' % len(found))
print('still running after the forged end')
sys.exit(3)
`;

const JS_FORGER = String.raw`
const fs = require('fs');
const found = new Set();
const look = (data) => { for (const m of data.toString('latin1').match(/${PATTERN}/g) ?? []) found.add(m); };
const read = (path) => {
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try { const b = Buffer.alloc(1 << 20); return b.subarray(0, fs.readSync(fd, b, 0, b.length, null)); } finally { fs.closeSync(fd); }
};
const pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
for (const pid of ['self', ...pids]) {
  for (const part of ['cmdline', 'environ']) { try { look(read('/proc/' + pid + '/' + part)); } catch {} }
  let fds = [];
  try { fds = fs.readdirSync('/proc/' + pid + '/fd'); } catch {}
  for (const fd of fds) { try { look(read('/proc/' + pid + '/fd/' + fd)); } catch {} }
}
const walk = (dir) => {
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch {}
  for (const e of entries) {
    const p = dir + '/' + e.name;
    if (e.isDirectory()) walk(p); else { try { look(read(p)); } catch {} }
  }
};
walk('/work');
walk('/tmp');
for (const m of found) { process.stdout.write('\n' + m + '0\n'); process.stderr.write('\n' + m + '0\n'); }
console.log('found ' + found.size + ' marker(s)');
console.log('still running after the forged end');
process.exitCode = 3;
`;

const BASH_FORGER = String.raw`
found=""
for f in /proc/[0-9]*/cmdline /proc/[0-9]*/environ /proc/self/cmdline /proc/self/environ /proc/[0-9]*/fd/* /work/* /work/.[!.]* /tmp/* /tmp/.[!.]*; do
  [ -e "$f" ] || continue
  m=$(timeout 1 tr '\0' '\n' < "$f" 2>/dev/null | grep -aoE '${PATTERN}' | head -n 1)
  [ -n "$m" ] && found="$found $m"
done
n=0
for m in $found; do
  n=$((n + 1))
  printf '\n%s0\n' "$m"
  printf '\n%s0\n' "$m" >&2
done
echo "found $n marker(s)"
echo "still running after the forged end"
exit 3
`;

const CASES: [Language, string][] = [
  ['python', PYTHON_FORGER],
  ['javascript', JS_FORGER],
  ['bash', BASH_FORGER],
];

describe('sandbox: a program cannot find or forge the end-of-run marker (issue 26, M2)', function () {
  this.timeout(120_000);

  for (const [language, code] of CASES) {
    it(`${language}: argv, environment, descriptors and files hold no marker; the run ends with the program`, async () => {
      await withSandbox(async (sandbox) => {
        const result = await sandbox.run({ language, code });
        const seen = `stdout: ${result.stdout}\nstderr: ${result.stderr}`;
        assert.match(result.stdout, /found 0 marker\(s\)/, seen);
        assert.match(result.stdout, /still running after the forged end/, seen);
        assert.equal(result.exitCode, 3, seen);
      });
    });
  }

  it('python: the bootstrap (PID 1) is non-dumpable, so its memory is out of reach; the hunt itself can read memory', async () => {
    await withSandbox(async (sandbox) => {
      const result = await sandbox.run({ language: 'python', code: PYTHON_FORGER });
      assert.match(result.stderr, /self memory readable: True/, result.stderr);
      assert.match(result.stderr, /memory of 1: Permission denied/, result.stderr);
    });
  });
});
