import type { HarnessPayload } from './harnessResult';

/**
 * The Python cross-test harness, in two processes so a candidate cannot forge its own results.
 *
 * The reporter (this program, in the sandbox's bootstrap process) holds the per-run marker and the
 * container's stdout; it makes itself non-dumpable, so no other process of the container can open
 * its descriptors or read its memory through /proc, and deletes its own source (which holds the
 * marker). The candidate and the tests run in a worker: a fresh interpreter started without the
 * marker (not in its argv, environment or files), whose stdout and stderr are the container's
 * stderr. The reporter hands the worker one case at a time and takes exactly one result for the
 * case it just sent; it writes each result with the marker as soon as it has it, so a later crash
 * or the container's own timeout still leaves the earlier results.
 *
 * In the worker, each case runs in its own copy of the candidate's namespace with its own time
 * budget (a repeating SIGALRM, so a candidate that swallows the first interrupt gets another).
 * Beside pass/fail, each case records the values the candidate's own functions return on the
 * case's call expressions (`probes`), so candidates can be compared with each other even when the
 * test's expected value is wrong.
 */
export function pythonHarness(payload: HarnessPayload): string {
  return (
    `${PYTHON_REPORTER}\n_Q_WORKER = ${JSON.stringify(PYTHON_WORKER)}\n` +
    `_q_main(${JSON.stringify(JSON.stringify(payload))})\n`
  );
}

const PYTHON_WORKER = String.raw`
import ast as _q_ast, hashlib as _q_hashlib, io as _q_io, json as _q_json, math as _q_math
import os as _q_os, re as _q_re, signal as _q_signal, sys as _q_sys

class _QBudget(BaseException):
    pass

def _q_alarm(signum, frame):
    raise _QBudget()

class _QCap(_q_io.TextIOBase):
    def __init__(self, cap):
        self.parts, self.size, self.cap = [], 0, cap
    def writable(self):
        return True
    def write(self, s):
        if self.size < self.cap:
            self.parts.append(s[: self.cap - self.size])
            self.size += len(s)
        return len(s)
    def text(self):
        return ''.join(self.parts)

def _q_canon(v, depth=0):
    if depth > 8:
        return '...'
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, float):
        if _q_math.isnan(v):
            return 'nan'
        return repr(float('%.9g' % v)) if _q_math.isfinite(v) else repr(v)
    if isinstance(v, (list, tuple)):
        inner = ', '.join(_q_canon(x, depth + 1) for x in v)
        return ('[%s]' if isinstance(v, list) else '(%s)') % inner
    if isinstance(v, (set, frozenset)):
        return '{%s}' % ', '.join(sorted(_q_canon(x, depth + 1) for x in v))
    if isinstance(v, dict):
        items = sorted(_q_canon(k, depth + 1) + ': ' + _q_canon(x, depth + 1) for k, x in v.items())
        return '{%s}' % ', '.join(items)
    return _q_re.sub(r' at 0x[0-9a-fA-F]+', '', repr(v))

def _q_short(text):
    if len(text) <= 300:
        return text
    return text[:200] + '#' + _q_hashlib.sha1(text.encode('utf-8', 'replace')).hexdigest()

def _q_exec(code, ns, budget, filename, mode='exec'):
    _q_signal.setitimer(_q_signal.ITIMER_REAL, budget, 0.05)
    try:
        value = eval(compile(code, filename, mode), ns)
        _q_signal.setitimer(_q_signal.ITIMER_REAL, 0)
        return 'pass', '', value
    except _QBudget:
        _q_signal.setitimer(_q_signal.ITIMER_REAL, 0)
        return 'timeout', 'over the %.1fs budget' % budget, None
    except AssertionError as e:
        _q_signal.setitimer(_q_signal.ITIMER_REAL, 0)
        return 'fail', 'AssertionError: ' + str(e)[:200], None
    except SyntaxError as e:
        _q_signal.setitimer(_q_signal.ITIMER_REAL, 0)
        return 'syntax', 'SyntaxError: ' + str(e)[:200], None
    except BaseException as e:
        _q_signal.setitimer(_q_signal.ITIMER_REAL, 0)
        return 'error', type(e).__name__ + ': ' + str(e)[:200], None

def _q_probes(code, ns, own, budget):
    try:
        tree = _q_ast.parse(code)
    except SyntaxError:
        return []
    calls = [n for n in _q_ast.walk(tree)
             if isinstance(n, _q_ast.Call) and isinstance(n.func, _q_ast.Name) and n.func.id in own]
    out = []
    for node in calls[:4]:
        expr = _q_ast.Expression(node)
        _q_ast.fix_missing_locations(expr)
        status, detail, value = _q_exec(expr, dict(ns), budget, '<probe>', 'eval')
        if status == 'pass':
            out.append(_q_short(_q_canon(value)))
        else:
            out.append('!Timeout' if status == 'timeout' else '!' + detail.split(':')[0])
    return out

def _q_worker(feed_fd, result_fd):
    # Cases come one per line on feed_fd; each result goes back as one line on result_fd.
    feed = _q_os.fdopen(feed_fd, 'rb', buffering=0)
    out = _q_os.fdopen(result_fd, 'w', buffering=1)
    def emit(obj):
        out.write(_q_json.dumps(obj) + '\n')
        out.flush()
    def read():
        line = b''
        while not line.endswith(b'\n'):
            part = feed.readline()
            if not part:
                return None
            line += part
        return _q_json.loads(line)
    _q_signal.signal(_q_signal.SIGALRM, _q_alarm)
    q = read()
    captured = _QCap(q['stdoutCap'])
    _q_sys.stdout = captured
    ns = {'__name__': '__main__', '__builtins__': __builtins__}
    status, detail, _ = _q_exec(q['candidate'], ns, q['loadBudget'], '<candidate>')
    own = {k for k, v in ns.items() if getattr(getattr(v, '__code__', None), 'co_filename', '') == '<candidate>'}
    emit({'kind': 'load', 'status': status, 'detail': detail, 'stdout': captured.text()})
    budget = [q['caseBudget']]
    while True:
        message = read()
        if message is None or message.get('end'):
            return
        _q_batch(q, [message['case']], ns, own, budget, emit)

def _q_batch(q, cases, ns, own, budget, emit):
    for case in cases:
        _q_sys.stdout = _QCap(0)
        case_ns = dict(ns)
        result, detail, _ = _q_exec(case['setup'], case_ns, budget[0], '<setup>')
        probes = []
        if result == 'pass':
            # Probes first, on a copy, so the assertion itself still sees a pristine namespace.
            probes = _q_probes(case['code'], dict(case_ns), own, budget[0]) if q['probe'] else []
            if '!Timeout' in probes:
                result, detail = 'timeout', 'a call ran over the %.2fs budget' % budget[0]
            else:
                result, detail, _ = _q_exec(case['code'], case_ns, budget[0], '<case>')
        elif result != 'timeout':
            result, detail = 'error', 'setup: ' + detail
        if result == 'syntax':
            result = 'error'
        if result == 'timeout':
            # A candidate that hangs once usually hangs again: later cases get a short budget so
            # one slow candidate cannot hold the container for cases x budget seconds.
            budget[0] = min(budget[0], q['caseBudget'] / 4)
        emit({'kind': 'case', 'id': case['id'], 'result': result, 'detail': detail, 'probes': probes})

_q_worker(int(_q_sys.argv[1]), int(_q_sys.argv[2]))
`;

/** The reporter: the only holder of the marker and of stdout; it validates what the worker reports. */
const PYTHON_REPORTER = String.raw`
import json as _q_json, os as _q_os, select as _q_select, subprocess as _q_subprocess, sys as _q_sys

_Q_RESULTS = ('pass', 'fail', 'error', 'timeout')
_Q_LOADS = ('pass', 'fail', 'syntax', 'error', 'timeout')

def _q_undumpable():
    # PR_SET_DUMPABLE 0: /proc/<this pid>/fd, /mem and /environ become root's, out of the worker's
    # reach (it runs as the same user). Without ctypes the results are still marked, only less guarded.
    try:
        import ctypes
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
    except Exception:
        pass

def _q_feed():
    # A live run's further cases: JSON lines on the sandbox's input channel, until {"end": true}.
    fd = int(_q_os.environ.get('QUORUM_INPUT_FD', '-1'))
    pending = b''
    while fd >= 0:
        while b'\n' not in pending:
            part = _q_os.read(fd, 65536)
            if not part:
                return
            pending += part
        line, pending = pending.split(b'\n', 1)
        message = _q_json.loads(line)
        if message.get('end'):
            return
        yield message['cases']

def _q_text(value, cap):
    return value[:cap] if isinstance(value, str) else ''

def _q_main(raw):
    _q_undumpable()
    q = _q_json.loads(raw)
    mark = q.pop('marker')
    try:
        _q_os.remove(_q_os.path.abspath(_q_sys.argv[0]))  # the source holds the marker
    except OSError:
        pass
    channel = _q_os.fdopen(_q_os.dup(1), 'w', buffering=1)
    def emit(obj):
        channel.write(mark + _q_json.dumps(obj) + '\n')
        channel.flush()
    to_worker_r, to_worker_w = _q_os.pipe()
    from_worker_r, from_worker_w = _q_os.pipe()
    env = {k: v for k, v in _q_os.environ.items() if k != 'QUORUM_INPUT_FD'}
    env['PYTHONHASHSEED'] = '0'
    worker = _q_subprocess.Popen(
        [_q_sys.executable, '-c', _Q_WORKER, str(to_worker_r), str(from_worker_w)],
        stdin=_q_subprocess.DEVNULL, stdout=2, stderr=2, close_fds=True,
        pass_fds=(to_worker_r, from_worker_w), env=env)
    _q_os.close(to_worker_r)
    _q_os.close(from_worker_w)
    send = _q_os.fdopen(to_worker_w, 'w', buffering=1)
    pending = [b'']
    def reply_line():
        while b'\n' not in pending[0]:
            part = _q_os.read(from_worker_r, 65536)
            if not part:
                return None
            pending[0] += part
        line, pending[0] = pending[0].split(b'\n', 1)
        # One line per request and nothing more: more bytes already waiting were not the worker's
        # answer to this request (the candidate wrote on the worker's descriptor).
        if pending[0] or _q_select.select([from_worker_r], [], [], 0)[0]:
            return None
        return line
    def ask(message):
        try:
            send.write(_q_json.dumps(message) + '\n')
            send.flush()
        except OSError:
            return None
        line = reply_line()
        if line is None:
            return None
        try:
            reply = _q_json.loads(line)
        except ValueError:
            return None
        return reply if isinstance(reply, dict) else None
    try:
        config = {k: q[k] for k in ('candidate', 'loadBudget', 'caseBudget', 'stdoutCap', 'probe')}
        load = ask(config)
        if not load or load.get('kind') != 'load' or load.get('status') not in _Q_LOADS:
            return
        emit({'kind': 'load', 'status': load['status'], 'detail': _q_text(load.get('detail'), 300),
              'stdout': _q_text(load.get('stdout'), q['stdoutCap'])})
        for case in _q_chain(q['cases'], _q_feed() if q['live'] else []):
            # The worker sees a fresh random id per case, so nothing can report a case before it is sent.
            token = _q_os.urandom(12).hex()
            reply = ask({'case': dict(case, id=token)})
            # Exactly one result, for the case just sent: anything else ends the run.
            if (not reply or reply.get('kind') != 'case' or reply.get('id') != token
                    or reply.get('result') not in _Q_RESULTS):
                return
            probes = reply.get('probes')
            probes = [p[:400] for p in probes[:8] if isinstance(p, str)] if isinstance(probes, list) else []
            emit({'kind': 'case', 'id': case['id'], 'result': reply['result'],
                  'detail': _q_text(reply.get('detail'), 300), 'probes': probes})
        try:
            send.write('{"end": true}\n')
            send.flush()
        except OSError:
            pass
        emit({'kind': 'done'})
    finally:
        worker.kill()
        worker.wait()

def _q_chain(first, rest):
    for case in first:
        yield case
    for cases in rest:
        for case in cases:
            yield case
`;
