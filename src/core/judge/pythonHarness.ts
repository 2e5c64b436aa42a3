import type { HarnessPayload } from './harnessResult';

/**
 * The Python cross-test harness: loads the candidate once, then runs every case in its own copy
 * of the candidate's namespace with its own time budget (a repeating SIGALRM, so a candidate
 * that swallows the first interrupt gets another). Results leave on a private duplicate of
 * stdout, one marked JSON line per case as soon as it finishes, so a later crash or the
 * container's own timeout still leaves the earlier results. The candidate's prints go to a
 * capped buffer and raw fd-1 writes to stderr: it cannot write a result line without the
 * per-run marker.
 *
 * Beside pass/fail, each case records the values the candidate's own functions return on the
 * case's call expressions (`probes`), so candidates can be compared with each other even when
 * the test's expected value is wrong.
 */
export function pythonHarness(payload: HarnessPayload): string {
  return `${PYTHON_HARNESS}\n_q_main(${JSON.stringify(JSON.stringify(payload))})\n`;
}

const PYTHON_HARNESS = String.raw`
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

def _q_main(raw):
    # String hashes are salted per process, so set and dict order of strings (and a candidate's
    # output built from them) would differ between two containers of the same code. A fixed
    # seed makes a re-judge, and the incremental judge's several containers, agree.
    if _q_os.environ.get('PYTHONHASHSEED') != '0':
        env = dict(_q_os.environ, PYTHONHASHSEED='0')
        _q_os.execve(_q_sys.executable, [_q_sys.executable, _q_os.path.abspath(_q_sys.argv[0])], env)
    q = _q_json.loads(raw)
    saved = _q_os.dup(1)
    channel = _q_os.fdopen(_q_os.dup(1), 'w', buffering=1)
    _q_os.dup2(2, 1)
    try:
        _q_cases(q, channel)
    finally:
        # Give fd 1 back and stop the case timer: the sandbox's bootstrap then ends the run with
        # its marker at once, instead of the engine noticing the process exit (much slower).
        _q_signal.setitimer(_q_signal.ITIMER_REAL, 0)
        _q_sys.stdout = _q_sys.__stdout__
        _q_os.dup2(saved, 1)
        _q_os.close(saved)

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

def _q_cases(q, channel):
    _q_signal.signal(_q_signal.SIGALRM, _q_alarm)
    mark = q['marker']
    def emit(obj):
        channel.write(mark + _q_json.dumps(obj) + '\n')
        channel.flush()
    captured = _QCap(q['stdoutCap'])
    _q_sys.stdout = captured
    ns = {'__name__': '__main__', '__builtins__': __builtins__}
    status, detail, _ = _q_exec(q['candidate'], ns, q['loadBudget'], '<candidate>')
    own = {k for k, v in ns.items() if getattr(getattr(v, '__code__', None), 'co_filename', '') == '<candidate>'}
    emit({'kind': 'load', 'status': status, 'detail': detail, 'stdout': captured.text()})
    budget = [q['caseBudget']]
    _q_batch(q, q['cases'], ns, own, budget, emit)
    if q['live']:
        for cases in _q_feed():
            _q_batch(q, cases, ns, own, budget, emit)
    emit({'kind': 'done'})
    channel.flush()

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
`;
