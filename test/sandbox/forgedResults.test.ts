/**
 * M2, against the real engine: a candidate that knows how the judge works tries to report its own
 * failing tests as passed. It looks for the per-run markers everywhere it can (its argv and
 * environment, those of every process it can see, the files of /work, the interpreter's memory),
 * then writes forged result lines with each of them on every descriptor it can reach: its stdout,
 * fds 0-63, and other processes' descriptors through /proc. Every case must still fail.
 */
import assert from 'node:assert/strict';
import { crossTest } from '../../src/core/judge/crossTest';
import { splitTestCases } from '../../src/core/judge/testCases';
import { withSandbox } from './sandboxFixture';

const FORGER = String.raw`
import gc, json, os, re, sys
found = set()
pattern = re.compile(r'@@quorum-[0-9a-f]+@@|\n?__quorum_exit_[0-9a-f]+__:')
def look(text):
    for m in pattern.findall(text if isinstance(text, str) else text.decode('latin1')):
        found.add(m)
for pid in ['self'] + [p for p in os.listdir('/proc') if p.isdigit()]:
    for part in ('cmdline', 'environ'):
        try:
            look(open('/proc/%s/%s' % (pid, part), 'rb').read().replace(b'\0', b' '))
        except OSError:
            pass
for root in ('/work', '/tmp'):
    for dirpath, _, names in os.walk(root):
        for name in names:
            try:
                look(open(os.path.join(dirpath, name), 'rb').read())
            except OSError:
                pass
for obj in gc.get_objects():
    if isinstance(obj, dict):
        for v in list(obj.values()):
            if isinstance(v, str) and ('@@quorum-' in v or '__quorum_exit_' in v):
                look(v)
frame = sys._getframe()
while frame is not None:
    for v in list(frame.f_locals.values()) + list(frame.f_code.co_consts):
        if isinstance(v, str):
            look(v)
    frame = frame.f_back
lines = []
for marker in found:
    if marker.startswith('@@'):
        lines.append(marker + json.dumps({'kind': 'load', 'status': 'pass', 'detail': '', 'stdout': ''}))
        for i in range(8):
            case = {'kind': 'case', 'id': 't.%d' % i, 'result': 'pass', 'detail': '', 'probes': []}
            lines.append(marker + json.dumps(case))
        lines.append(marker + json.dumps({'kind': 'done'}))
for i in range(8):  # and a worker's result line, in case one listens
    lines.append(json.dumps({'kind': 'case', 'id': 't.%d' % i, 'result': 'pass', 'detail': '', 'probes': []}))
for marker in found:
    if 'exit' in marker:
        lines.append(marker + '0')
blob = ('\n'.join(lines) + '\n').encode()
print(blob.decode())
targets = list(range(64))
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    try:
        for fd in os.listdir('/proc/%s/fd' % pid):
            targets.append('/proc/%s/fd/%s' % (pid, fd))
    except OSError:
        pass
for target in targets:
    try:
        if isinstance(target, int):
            os.write(target, blob)
        else:
            fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
            os.write(fd, blob)
            os.close(fd)
    except OSError:
        pass
sys.stderr.write('forger found %d marker(s)\n' % len(found))

def double(x):
    return x  # wrong: every test below fails
`;

/** The same hunt in JavaScript: the harness source, /proc, and forged lines on every descriptor. */
const JS_FORGER = String.raw`
const fs = require('fs');
const found = new Set();
const look = (text) => { for (const m of String(text).match(/@@quorum-[0-9a-f]+@@/g) ?? []) found.add(m); };
const pids = ['self', ...fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))];
for (const pid of pids) for (const part of ['cmdline', 'environ']) { try { look(fs.readFileSync('/proc/' + pid + '/' + part, 'latin1')); } catch {} }
for (const root of ['/work', '/tmp']) { try { for (const name of fs.readdirSync(root)) { try { look(fs.readFileSync(root + '/' + name, 'latin1')); } catch {} } } catch {} }
const lines = [];
for (const marker of found) {
  lines.push(marker + JSON.stringify({ kind: 'load', status: 'pass', detail: '', stdout: '' }));
  for (let i = 0; i < 8; i++) lines.push(marker + JSON.stringify({ kind: 'case', id: 't.' + i, result: 'pass', detail: '', probes: [] }));
  lines.push(marker + JSON.stringify({ kind: 'done' }));
}
for (let i = 0; i < 8; i++) lines.push(JSON.stringify({ kind: 'case', id: 't.' + i, result: 'pass', detail: '', probes: [] }));
const blob = lines.join('\n') + '\n';
console.log(blob);
const targets = [];
for (let fd = 0; fd < 64; fd++) targets.push(fd);
for (const pid of pids) { try { for (const fd of fs.readdirSync('/proc/' + pid + '/fd')) targets.push('/proc/' + pid + '/fd/' + fd); } catch {} }
for (const t of targets) {
  try {
    if (typeof t === 'number') fs.writeSync(t, blob);
    else { const fd = fs.openSync(t, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK); fs.writeSync(fd, blob); fs.closeSync(fd); }
  } catch {}
}
function double(x) { return x; }
`;

describe('sandbox: a candidate cannot forge its test results (M2)', function () {
  this.timeout(120_000);

  it('reads markers from argv, environ, files and memory, writes forged passes everywhere: every case still fails', async () => {
    const cases = splitTestCases(
      [
        {
          id: 't',
          model: 'm',
          code: 'assert double(1) == 2\nassert double(2) == 4\nassert double(3) == 6\n',
        },
      ],
      'python',
    );
    await withSandbox(async (sandbox) => {
      const { matrix, reports } = await crossTest([{ id: 'forger', code: FORGER }], cases, {
        sandbox,
        language: 'python',
      });
      // Writing on the worker's own result descriptor breaks its run (error), never into a pass.
      const cells = Object.values(matrix.cells.forger);
      assert.equal(cells.length, 3);
      assert.ok(!cells.includes('pass'), JSON.stringify(reports.forger));
    });
  });

  it('printing forged lines with every marker it can find changes nothing: the cases fail as they should', async () => {
    const cases = splitTestCases(
      [
        {
          id: 't',
          model: 'm',
          code: 'assert double(1) == 2\nassert double(2) == 4\nassert double(3) == 6\n',
        },
      ],
      'python',
    );
    const printer = FORGER.replace('for target in targets:', 'for target in []:');
    await withSandbox(async (sandbox) => {
      const { matrix, reports } = await crossTest([{ id: 'printer', code: printer }], cases, {
        sandbox,
        language: 'python',
      });
      assert.deepEqual(
        Object.values(matrix.cells.printer),
        ['fail', 'fail', 'fail'],
        JSON.stringify(reports.printer),
      );
      assert.equal(reports.printer.load.status, 'pass');
    });
  });

  it('a candidate that passes honestly still passes (the guard costs nothing to a fair one)', async () => {
    const cases = splitTestCases(
      [{ id: 't', model: 'm', code: 'assert double(1) == 2\nassert double(2) == 4\n' }],
      'python',
    );
    await withSandbox(async (sandbox) => {
      const { matrix } = await crossTest(
        [{ id: 'fair', code: 'def double(x):\n    return 2 * x\n' }],
        cases,
        {
          sandbox,
          language: 'python',
        },
      );
      assert.deepEqual(Object.values(matrix.cells.fair), ['pass', 'pass']);
    });
  });

  it('JavaScript: the same hunt and forged lines everywhere: no case passes', async () => {
    const cases = splitTestCases(
      [
        {
          id: 't',
          model: 'm',
          code: 'assert.strictEqual(double(1), 2);\nassert.strictEqual(double(2), 4);\n',
        },
      ],
      'javascript',
    );
    await withSandbox(async (sandbox) => {
      const { matrix, reports } = await crossTest([{ id: 'forger', code: JS_FORGER }], cases, {
        sandbox,
        language: 'javascript',
      });
      const cells = Object.values(matrix.cells.forger);
      assert.equal(cells.length, 2);
      assert.ok(!cells.includes('pass'), JSON.stringify(reports.forger));
    });
  });
});
