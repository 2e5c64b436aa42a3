/**
 * Reads one run of a project's tests from its runner's machine output in the report directory —
 * never from what the program printed, which the code under test controls — into a map
 * test id -> status (SWE-bench's shape), one adapter per runner:
 *
 * | runner    | report (in $QUORUM_REPORT_DIR) | test id                                       |
 * | --------- | ------------------------------ | --------------------------------------------- |
 * | pytest    | junit.xml (`--junitxml`)       | `classname::name` (`tests.test_p.TestP::test_a`) |
 * | node-test | junit.xml (junit reporter)     | suite path and name: `pricing > bulk > rounds` |
 * | go        | go.json (`go test -json`)      | `Package/Test`, subtests `Package/Test/Sub`   |
 * | cargo     | cargo.txt (libtest's text)     | `TARGET::NAME`: `src/lib.rs::tests::rounds`, `tests/api.rs::zero`, `doc-tests CRATE::src/lib.rs - f (line 3)` |
 * | unittest  | unittest.json (Quorum's runner)| `module.Class.test_name`                      |
 * | command   | none: the exit status          | the command's source                          |
 *
 * Statuses: pytest's `<skipped type="pytest.xfail">` is xfail; node:test's todo tests are skipped
 * (a failing todo does not fail the run); libtest's `ignored` is skipped; a Go package that did
 * not build is one `error` entry under the package's import path. Two tests with the same id in
 * one report (node:test does not name the file) are one entry with the worse status.
 *
 * A run that cannot prove it ran is no evidence, whatever it printed:
 * - the report is missing, does not parse, or lists no test -> `noReport`;
 * - the report was written more than once (the project sandbox names it under
 *   REWRITTEN_REPORTS: the code under test wrote it too, before or after the runner) -> `noReport`;
 * - nothing could be built (cargo compile errors, every Go package failed to build), or the
 *   command has no exit status -> `crashed`;
 * - a non-zero exit with no failed or errored test in the map -> `reportContradictsExit`
 *   (e.g. a candidate printing its own passing lines, SWE-bench's rule).
 * `timeout` and `notApplied` are the caller's to set. Messages are the first line of each
 * failure as the report gives it.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { REPORT_FILES } from './testCommand';
import type { RunnerKind, TestRun, TestStatus } from './types';

/**
 * The key under which the project sandbox lists the report files written more than once (one
 * `NAME COUNT` a line) instead of giving their text. It cannot be a report's name: the runner can
 * write only the pipes named by REPORT_FILES (src/core/sandbox/projectRun.ts).
 */
export const REWRITTEN_REPORTS = '.rewritten';

/** The id of a `command` run's one entry when the caller names no source. */
export const COMMAND_TEST_ID = 'test command';

const OUTPUT_TAIL = 2000;
const MESSAGE_MAX = 300;

interface Parsed {
  readonly tests: Record<string, TestStatus>;
  readonly messages: Record<string, string>;
  /** Why nothing could run (the build failed), when that is what the report says. */
  readonly crashed?: string;
}

/**
 * One test run from the files of the report directory (name -> text), the command's exit status
 * (null: killed), its combined output (only to find build failures the runner prints nowhere
 * else, and for the tail of a run that gave no evidence) and its wall time. `source` names the
 * one entry of a `command` run (the TestCommand's source).
 */
export function readTestRun(
  runner: RunnerKind,
  reportFiles: Readonly<Record<string, string>>,
  exitCode: number | null,
  output: string,
  wallMs: number,
  source: string = COMMAND_TEST_ID,
): TestRun {
  const ran = runnerThatRan(runner, reportFiles);
  const base = { exitCode, wallMs, runner: ran };
  const noEvidence = (
    state: TestRun['state'],
    detail: string,
    tests: Record<string, TestStatus> = {},
  ): TestRun => ({
    ...base,
    state,
    tests,
    detail,
    ...(output.trim() ? { outputTail: tail(output) } : {}),
  });
  if (exitCode === null) {
    return noEvidence('crashed', 'The test command was stopped before it exited (no exit status).');
  }
  if (ran === 'command') {
    return { ...base, state: 'ok', tests: { [source]: exitCode === 0 ? 'passed' : 'failed' } };
  }
  const file = reportFileOf(ran);
  const rewritten = rewrittenReports(reportFiles);
  for (const name of [file, REPORT_FILES.runner]) {
    const times = rewritten.get(name);
    if (times !== undefined)
      return noEvidence(
        'noReport',
        `The ${name} report was written ${times} times, where the runner writes it once: the code under test wrote it too, so it cannot be trusted.`,
      );
  }
  const text = reportFiles[file];
  if (text === undefined || !text.trim()) {
    return noEvidence(
      'noReport',
      `The tests wrote no ${ran} report (${file}; exit status ${exitCode}): the runner did not start, or stopped before writing it.`,
    );
  }
  let parsed: Parsed;
  try {
    parsed = parseReport(ran, text, output);
  } catch (error) {
    return noEvidence('noReport', `The ${ran} report (${file}) does not parse: ${errorText(error)}.`);
  }
  if (parsed.crashed) return noEvidence('crashed', parsed.crashed);
  if (Object.keys(parsed.tests).length === 0) {
    return noEvidence('noReport', `The ${ran} report (${file}) lists no test (exit status ${exitCode}).`);
  }
  const failing = Object.values(parsed.tests).some((s) => s === 'failed' || s === 'error');
  if (exitCode !== 0 && !failing) {
    return noEvidence(
      'reportContradictsExit',
      `The test command exited with status ${exitCode} but its ${ran} report shows no failing test: the report cannot be trusted.`,
      parsed.tests,
    );
  }
  const messages = Object.keys(parsed.messages).length ? { messages: parsed.messages } : {};
  return { ...base, state: 'ok', tests: parsed.tests, ...messages };
}

function rewrittenReports(reportFiles: Readonly<Record<string, string>>): Map<string, number> {
  const lines = (reportFiles[REWRITTEN_REPORTS] ?? '').split('\n').filter(Boolean);
  return new Map(
    lines.map((line) => {
      const [name = '', count = ''] = line.split(' ');
      return [name, Number(count) || 2];
    }),
  );
}

/** A Python script says which runner it really used (pytest falls back to unittest when missing). */
function runnerThatRan(runner: RunnerKind, reportFiles: Readonly<Record<string, string>>): RunnerKind {
  const said = reportFiles[REPORT_FILES.runner]?.trim();
  if (runner === 'pytest' && said === 'unittest') return 'unittest';
  return runner;
}

function reportFileOf(runner: Exclude<RunnerKind, 'command'>): string {
  switch (runner) {
    case 'pytest':
    case 'node-test':
      return REPORT_FILES.junit;
    case 'unittest':
      return REPORT_FILES.unittest;
    case 'go':
      return REPORT_FILES.go;
    case 'cargo':
      return REPORT_FILES.cargo;
  }
}

function parseReport(runner: Exclude<RunnerKind, 'command'>, text: string, output: string): Parsed {
  switch (runner) {
    case 'pytest':
      return parseJUnit(text, 'pytest');
    case 'node-test':
      return parseJUnit(text, 'node-test');
    case 'unittest':
      return parseUnittestJson(text);
    case 'go':
      return parseGoJson(text, output);
    case 'cargo':
      return parseLibtest(text);
  }
}

// ---------------------------------------------------------------------------------------------
// Collecting statuses: one entry per id, the worse status wins a duplicate.

const RANK: Readonly<Record<TestStatus, number>> = {
  error: 5,
  failed: 4,
  passed: 3,
  xfail: 2,
  skipped: 1,
  absent: 0,
};

class Collector {
  readonly tests: Record<string, TestStatus> = {};
  readonly messages: Record<string, string> = {};

  add(id: string, status: TestStatus, message?: string): void {
    const old = this.tests[id];
    if (old !== undefined && RANK[old] > RANK[status]) return;
    this.tests[id] = status;
    if (message && (status === 'failed' || status === 'error') && !(id in this.messages)) {
      this.messages[id] = message;
    }
  }

  parsed(crashed?: string): Parsed {
    return crashed ? { tests: this.tests, messages: this.messages, crashed } : this;
  }
}

// ---------------------------------------------------------------------------------------------
// JUnit XML (pytest --junitxml, node --test-reporter=junit)

interface XmlNode {
  readonly [key: string]: unknown;
}

const ARRAYS = new Set(['testsuites', 'testsuite', 'testcase', 'failure', 'error', 'skipped']);

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  textNodeName: '#text',
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // The parser's HTML entity pass costs 2-3x the parse: numeric references are decoded in attr().
  htmlEntities: false,
  isArray: (name) => ARRAYS.has(name),
});

function parseJUnit(text: string, flavour: 'pytest' | 'node-test'): Parsed {
  // Neither runner writes a DOCTYPE; refusing one keeps entity expansion out of the parser.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new Error('a JUnit report with a DOCTYPE is not a runner’s');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`${valid.err.msg} (line ${valid.err.line})`);
  const doc = xml.parse(text) as XmlNode;
  const out = new Collector();
  const roots = [...nodes(doc, 'testsuites'), ...nodes(doc, 'testsuite').map((s) => ({ testsuite: [s] }))];
  if (!roots.length) throw new Error('no <testsuites> or <testsuite> element');
  const walk = (node: XmlNode, path: readonly string[]): void => {
    for (const testcase of nodes(node, 'testcase')) {
      const name = attr(testcase, 'name');
      const classname = attr(testcase, 'classname');
      const id =
        flavour === 'pytest' ? (classname ? `${classname}::${name}` : name) : [...path, name].join(' > ');
      const [status, message] = junitStatus(testcase, flavour);
      out.add(id, status, message);
    }
    for (const suite of nodes(node, 'testsuite')) {
      // pytest's suites are its one session (`pytest`): ids come from classname alone.
      walk(suite, flavour === 'pytest' ? path : [...path, attr(suite, 'name')]);
    }
  };
  for (const root of roots) walk(root, []);
  return out.parsed();
}

function junitStatus(testcase: XmlNode, flavour: 'pytest' | 'node-test'): [TestStatus, string | undefined] {
  const errors = nodes(testcase, 'error');
  const failures = nodes(testcase, 'failure');
  const skipped = nodes(testcase, 'skipped');
  // node:test: a todo test's failure does not fail the run.
  if (flavour === 'node-test' && skipped.some((s) => attr(s, 'type') === 'todo'))
    return ['skipped', undefined];
  if (errors.length) return ['error', junitMessage(errors[0], flavour)];
  if (failures.length) return ['failed', junitMessage(failures[0], flavour)];
  if (skipped.length)
    return [skipped.some((s) => attr(s, 'type') === 'pytest.xfail') ? 'xfail' : 'skipped', undefined];
  return ['passed', undefined];
}

function junitMessage(node: XmlNode, flavour: 'pytest' | 'node-test'): string | undefined {
  const body = typeof node['#text'] === 'string' ? decodeCharRefs(node['#text']) : '';
  if (flavour === 'node-test') {
    // node's message attribute runs the lines together; the body's `cause:` is the error itself.
    const lines = body.split('\n');
    const at = lines.findIndex((l) => /^\s*cause: /.test(l));
    if (at >= 0) {
      const cause = [lines[at].replace(/^\s*cause: /, ''), ...lines.slice(at + 1)].join('\n');
      const line = firstLine(cause.replace(/^'(.*)' \}$/m, '$1'));
      if (line) return line;
    }
  }
  const message = attr(node, 'message');
  if (flavour === 'pytest' && (!message.trim() || message === 'collection failure')) {
    // The body's `E   ` lines are the exception itself.
    const raised = body.split('\n').find((l) => /^E\s{2,}\S/.test(l));
    if (raised) return firstLine(raised.replace(/^E\s+/, ''));
  }
  return firstLine(message) ?? firstLine(body);
}

function nodes(node: XmlNode, key: string): XmlNode[] {
  const value = node[key];
  if (!Array.isArray(value)) return [];
  // An empty element parses as '' (no attributes, no children).
  return value.map((v: unknown) => (v && typeof v === 'object' ? (v as XmlNode) : {}));
}

function attr(node: XmlNode, name: string): string {
  const value = node[`@${name}`];
  return typeof value === 'string' ? decodeCharRefs(value) : '';
}

/** Numeric character references (pytest writes a newline in an attribute as `&#10;`). */
function decodeCharRefs(text: string): string {
  if (!text.includes('&#')) return text;
  return text.replace(
    /&#(?:x([0-9a-f]+)|(\d+));/gi,
    (ref, hex: string | undefined, dec: string | undefined) => {
      const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ref;
    },
  );
}

// ---------------------------------------------------------------------------------------------
// go test -json

interface GoEvent {
  readonly Action?: string;
  readonly Package?: string;
  readonly Test?: string;
  readonly Output?: string;
  readonly FailedBuild?: string;
  readonly ImportPath?: string;
}

/** `go test` prints these as text (Go before 1.24 even on stdout, between the JSON lines). */
const GO_BUILD_FAILED = /^FAIL\s+(\S+)(?:\s+\[[^\]]*\])?\s+\[(build failed|setup failed)\]\s*$/gm;
const GO_MARKER = /^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (FAIL|PASS|SKIP):|FAIL$|PASS$|ok\s)/;

function parseGoJson(text: string, output: string): Parsed {
  const out = new Collector();
  const failedBuild = new Set<string>();
  const started = new Map<string, string>();
  const lines = new Map<string, string[]>();
  const packageFailed = new Set<string>();
  const packageOutput = new Map<string, string[]>();
  let events = 0;
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    let e: GoEvent;
    try {
      e = JSON.parse(line) as GoEvent;
    } catch {
      continue; // a line cut short, or not go's
    }
    if (!e || typeof e !== 'object' || typeof e.Action !== 'string') continue;
    events++;
    const pkg = e.Package ?? e.ImportPath;
    if (!pkg) continue;
    if (!e.Test) {
      if (e.Action === 'fail') {
        if (e.FailedBuild) failedBuild.add(pkg);
        else packageFailed.add(pkg);
      }
      if (e.Action === 'output' && e.Output) push(packageOutput, pkg, e.Output);
      continue;
    }
    const id = `${pkg}/${e.Test}`;
    switch (e.Action) {
      case 'run':
        started.set(id, pkg);
        break;
      case 'output':
        if (e.Output) push(lines, id, e.Output);
        break;
      case 'pass':
      case 'fail':
      case 'skip': {
        started.delete(id);
        const status = e.Action === 'pass' ? 'passed' : e.Action === 'fail' ? 'failed' : 'skipped';
        const message = status === 'failed' ? goMessage(lines.get(id)) : undefined;
        out.add(id, status, message);
        break;
      }
    }
  }
  for (const source of [text, output]) {
    for (const m of source.matchAll(GO_BUILD_FAILED)) failedBuild.add(m[1]);
  }
  // A test that started in a package that then failed, and never ended: the binary died in it.
  for (const [id, pkg] of started) {
    if (packageFailed.has(pkg))
      out.add(id, 'error', goMessage(lines.get(id)) ?? 'the test binary stopped during this test');
  }
  for (const pkg of packageFailed) {
    const failedTest = Object.entries(out.tests).some(
      ([id, s]) => id.startsWith(`${pkg}/`) && (s === 'failed' || s === 'error'),
    );
    if (!failedTest && !failedBuild.has(pkg)) {
      out.add(pkg, 'error', goMessage(packageOutput.get(pkg)) ?? 'the package failed outside any test');
    }
  }
  const tested = Object.keys(out.tests).length;
  for (const pkg of failedBuild) out.add(pkg, 'error', 'build failed');
  if (tested === 0 && failedBuild.size > 0) {
    return out.parsed(`go test could not build ${[...failedBuild].sort().join(', ')}: no test ran.`);
  }
  if (events === 0 && failedBuild.size === 0) throw new Error('no go test -json event in the report');
  return out.parsed();
}

function goMessage(output: readonly string[] | undefined): string | undefined {
  for (const line of output ?? []) {
    if (!line.trim() || GO_MARKER.test(line)) continue;
    return firstLine(line);
  }
  return undefined;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// ---------------------------------------------------------------------------------------------
// libtest (cargo test): its stable text, `test NAME ... ok|FAILED|ignored`

const RUNNING = /^\s*Running (?:unittests |tests |benches )?(\S+)(?: \(([^)]*)\))?\s*$/;
const DOC_TESTS = /^\s*Doc-tests (\S+)\s*$/;
const TEST_LINE = /^test (.+?) \.\.\. (ok|FAILED|ignored)\b/;
const FAILURE_HEAD = /^---- (.+?) stdout ----$/;

function parseLibtest(text: string): Parsed {
  const out = new Collector();
  const failed = new Map<string, string>(); // libtest name -> id, for the failures section
  let target = '';
  let failure: { id: string; lines: string[] } | undefined;
  const closeFailure = (): void => {
    if (failure) out.add(failure.id, 'failed', rustPanic(failure.lines));
    failure = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const running = RUNNING.exec(line);
    if (running) {
      closeFailure();
      target = cargoTarget(running[1]);
      failed.clear();
      continue;
    }
    const doc = DOC_TESTS.exec(line);
    if (doc) {
      closeFailure();
      target = `doc-tests ${doc[1]}`;
      failed.clear();
      continue;
    }
    const test = TEST_LINE.exec(line);
    if (test) {
      const name = test[1].replace(/ - should panic(?: with .*)?$/, '');
      const id = target ? `${target}::${name}` : name;
      const status: TestStatus = test[2] === 'ok' ? 'passed' : test[2] === 'FAILED' ? 'failed' : 'skipped';
      out.add(id, status);
      if (status === 'failed') failed.set(name, id);
      continue;
    }
    const head = FAILURE_HEAD.exec(line);
    if (head) {
      closeFailure();
      const id = failed.get(head[1].replace(/ - should panic(?: with .*)?$/, ''));
      if (id) failure = { id, lines: [] };
      continue;
    }
    if (failure) {
      if (/^(failures:|test result:)/.test(line)) closeFailure();
      else failure.lines.push(line);
    }
  }
  closeFailure();
  if (Object.keys(out.tests).length === 0) {
    const error = text.split('\n').find((l) => /^error(\[E\d+\])?: /.test(l));
    if (error) return out.parsed(`cargo could not build the tests: ${firstLine(error) ?? error}`);
  }
  return out.parsed();
}

/** A test target as cargo names it: `src/lib.rs`, `tests/api.rs`; an old cargo's binary path without its hash. */
function cargoTarget(running: string): string {
  if (!/(^|\/)target\/|\/deps\//.test(running)) return running;
  const binary = running.split('/').pop() ?? running;
  return binary.replace(/-[0-9a-f]{8,}$/, '');
}

/** The panic's message: the line after `thread '…' panicked at FILE:L:C:`, or the quoted message of older Rust. */
function rustPanic(lines: readonly string[]): string | undefined {
  const at = lines.findIndex((l) => /^thread '.*' (\(\d+\) )?panicked at /.test(l));
  if (at < 0) return firstLine(lines.join('\n'));
  const head = lines[at];
  const old = /panicked at '(.*)', \S+$/.exec(head);
  if (old) return firstLine(old[1]);
  return firstLine(lines.slice(at + 1).join('\n')) ?? firstLine(head);
}

// ---------------------------------------------------------------------------------------------
// Quorum's unittest runner: { "tests": { id: status }, "messages": { id: line } }

const REPORTED: ReadonlySet<string> = new Set(['passed', 'failed', 'error', 'skipped', 'xfail']);

function parseUnittestJson(text: string): Parsed {
  const data = JSON.parse(text) as { tests?: unknown; messages?: unknown };
  if (!data || typeof data !== 'object' || !data.tests || typeof data.tests !== 'object') {
    throw new Error('no "tests" object');
  }
  const out = new Collector();
  const messages =
    data.messages && typeof data.messages === 'object' ? (data.messages as Record<string, unknown>) : {};
  for (const [id, status] of Object.entries(data.tests as Record<string, unknown>)) {
    if (typeof status !== 'string' || !REPORTED.has(status))
      throw new Error(`test ${id} has no known status`);
    const message = messages[id];
    out.add(id, status as TestStatus, typeof message === 'string' ? firstLine(message) : undefined);
  }
  return out.parsed();
}

// ---------------------------------------------------------------------------------------------

/** The first non-empty line, with the next one when it ends in `:` (`Expected values to be equal: 2 !== 3`). */
export function firstLine(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) return undefined;
  let line = lines[0];
  if (line.endsWith(':') && lines[1]) line = `${line} ${lines[1]}`;
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX - 1)}…` : line;
}

function tail(text: string): string {
  const t = text.trim();
  return t.length > OUTPUT_TAIL ? `…${t.slice(-OUTPUT_TAIL)}` : t;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
