/**
 * unittest has no machine-readable output of its own, so a project whose tests are plain
 * `unittest` runs them through this small runner. It discovers tests the way
 * `python -m unittest discover` does (pattern `test*.py` from the project root; a top-level
 * `tests/` or `test/` folder without `__init__.py`, which discovery from the root skips since
 * Python 3.11, is discovered from inside itself; a `src/` layout goes on sys.path), runs them with
 * the ordinary text runner (its verbose lines go to stderr for people) and writes one JSON report:
 *
 *   $QUORUM_REPORT_DIR/unittest.json = { "tests": { "<id>": status }, "messages": { "<id>": line } }
 *
 * Ids are unittest's own `module.Class.test_name`. Statuses: passed, failed (an assertion, or an
 * unexpected success), error (any other exception, a module that does not import, a failing
 * setUpClass/setUpModule under its own id), skipped, xfail (an expected failure). A failing
 * subTest makes its test failed (or error). The exit status is 0 when everything passed, 1 when
 * not, 5 when no test was found (as pytest does). The testCommand script writes this source into
 * the scratch directory and runs it with the project folder as the working directory.
 */
export const UNITTEST_REPORTER_SOURCE = String.raw`"""Quorum's unittest runner: the project's unittest tests, with a per-test JSON report."""
import json
import os
import sys
import unittest

sys.dont_write_bytecode = True
RANK = {"error": 5, "failed": 4, "passed": 3, "xfail": 2, "skipped": 1}


def first_line(text):
    lines = [l.strip() for l in str(text).splitlines() if l.strip()]
    if not lines:
        return ""
    line = lines[0]
    if line.endswith(":") and len(lines) > 1:
        line = line + " " + lines[1]
    return line[:300]


def describe(err):
    kind, value = err[0], err[1]
    text = str(value)
    name = getattr(kind, "__name__", str(kind))
    return first_line(name + ": " + text if text else name)


def test_id(test):
    test = getattr(test, "test_case", test)  # a subTest counts for its test
    if test.__class__.__name__ == "_FailedTest":  # a module that did not import
        return getattr(test, "_testMethodName", test.id())
    return test.id()


class Recorder(unittest.TextTestResult):
    # On the class: the report is written even when the run itself raised.
    tests = {}
    messages = {}

    def record(self, test, status, message=None):
        key = test_id(test)
        old = self.tests.get(key)
        if old is not None and RANK[old] > RANK[status]:
            return
        self.tests[key] = status
        if message and key not in self.messages:
            self.messages[key] = message

    def addSuccess(self, test):
        super().addSuccess(test)
        self.record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.record(test, "failed", describe(err))

    def addError(self, test, err):
        super().addError(test, err)
        message = describe(err)
        if test.__class__.__name__ == "_FailedTest":  # the import's own error ends the traceback text
            lines = [l.strip() for l in str(err[1]).splitlines() if l.strip()]
            message = first_line(lines[-1]) if lines else message
        self.record(test, "error", message)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if getattr(test, "test_case", None) is None:  # a skipped subTest leaves its test's status
            self.record(test, "skipped")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.record(test, "xfail")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.record(test, "failed", "unexpected success (the test is marked expectedFailure)")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self.record(test, "failed" if failed else "error", describe(err))


def discover(suite, start, top):
    suite.addTests(unittest.TestLoader().discover(start, pattern="test*.py", top_level_dir=top))


def main():
    root = os.getcwd()
    report = os.path.join(os.environ.get("QUORUM_REPORT_DIR") or root, "unittest.json")
    if root not in sys.path:
        sys.path.insert(0, root)
    src = os.path.join(root, "src")
    if os.path.isdir(src) and not os.path.isfile(os.path.join(src, "__init__.py")):
        sys.path.append(src)
    suite = unittest.TestSuite()
    discover(suite, root, root)
    for name in ("tests", "test"):
        folder = os.path.join(root, name)
        if os.path.isdir(folder) and not os.path.isfile(os.path.join(folder, "__init__.py")):
            discover(suite, folder, folder)
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, resultclass=Recorder)
    try:
        result = runner.run(suite)
    finally:
        # Written once, in place: in the sandbox the report is a pipe to a reader of root's.
        with open(report, "w", encoding="utf-8") as out:
            json.dump({"tests": Recorder.tests, "messages": Recorder.messages}, out, indent=1, sort_keys=True)
    if result.testsRun == 0:
        print("quorum: no unittest tests were found (files named test*.py)", file=sys.stderr)
        sys.exit(5)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
`;
