/**
 * The small result-writing runner for Python projects tested with unittest (which has no machine
 * output of its own): discovers the tests like `python -m unittest discover`, prints the usual text
 * for humans, and writes `{ "tests": {id: status}, "messages": {id: first line} }` to
 * $QUORUM_REPORT_DIR/unittest.json. Ids are unittest's own (`tests.test_pricing.PricingTest.test_bulk`).
 * Runs only inside the sandbox container.
 */
export const UNITTEST_REPORTER = String.raw`
import json, os, sys, unittest
sys.path.insert(0, os.getcwd())
sys.dont_write_bytecode = True

def first_line(err):
    exc = err[1]
    text = ('%s: %s' % (type(exc).__name__, exc)).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__

class Recording(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.statuses = {}
        self.messages = {}
    def _set(self, test, status, err=None):
        tid = test.id() if hasattr(test, 'id') else str(test)
        if self.statuses.get(tid) in ('failed', 'error') and status == 'passed':
            return
        self.statuses[tid] = status
        if err is not None:
            self.messages[tid] = first_line(err)
    def addSuccess(self, test):
        super().addSuccess(test); self._set(test, 'passed')
    def addFailure(self, test, err):
        super().addFailure(test, err); self._set(test, 'failed', err)
    def addError(self, test, err):
        super().addError(test, err); self._set(test, 'error', err)
    def addSkip(self, test, reason):
        super().addSkip(test, reason); self._set(test, 'skipped')
    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err); self._set(test, 'xfail')
    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test); self._set(test, 'failed')
    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._set(test, 'failed' if failed else 'error', err)

loader = unittest.TestLoader()
suite = loader.discover('.', pattern='test*.py', top_level_dir='.')
if suite.countTestCases() == 0 and os.path.isdir('tests'):
    suite = loader.discover('tests', pattern='test*.py', top_level_dir='tests')
runner = unittest.TextTestRunner(resultclass=Recording, verbosity=2, stream=sys.stdout)
result = runner.run(suite)
report = os.path.join(os.environ.get('QUORUM_REPORT_DIR', '/tmp'), 'unittest.json')
with open(report + '.part', 'w') as out:
    json.dump({'tests': result.statuses, 'messages': result.messages}, out)
os.replace(report + '.part', report)
sys.exit(0 if result.wasSuccessful() else 1)
`;
