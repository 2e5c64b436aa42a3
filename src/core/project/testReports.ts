/**
 * Reads a test run from the runner's machine output — never from the program's stdout, which the
 * code under test controls: JUnit XML (node:test, pytest), `go test -json` events, libtest's stable
 * text (cargo), and the unittest reporter's JSON. A run that cannot prove it ran is no evidence: a
 * missing or empty report is `noReport`, a non-zero exit with no failure in the map is
 * `reportContradictsExit` (SWE-bench's rule: a candidate printing its own PASSED lines), and a
 * build that failed before any test is `crashed`.
 */
import { XMLParser } from 'fast-xml-parser';
import type { RunnerKind, TestRun, TestStatus } from './types';

interface Parsed {
  readonly tests: Record<string, TestStatus>;
  readonly messages: Record<string, string>;
  /** The runner said the build failed before any test ran. */
  readonly buildFailed?: string;
}

export function readTestRun(
  runner: RunnerKind,
  reports: Readonly<Record<string, string>>,
  exitCode: number | null,
  output: string,
  wallMs: number,
): TestRun {
  const base = { exitCode, wallMs, runner };
  // pytest's script falls back to the unittest reporter when pytest is not importable.
  const ran: RunnerKind = runner === 'pytest' && reports.runner?.trim() === 'unittest' ? 'unittest' : runner;
  if (ran === 'command') {
    const id = 'test command';
    const tests: Record<string, TestStatus> =
      exitCode === null ? {} : { [id]: exitCode === 0 ? 'passed' : 'failed' };
    return {
      ...base,
      state: exitCode === null ? 'crashed' : 'ok',
      tests,
      detail: exitCode === null ? 'The test command was killed.' : undefined,
    };
  }
  let parsed: Parsed | undefined;
  try {
    parsed = parseReport(ran, reports);
  } catch (error) {
    return {
      ...base,
      state: 'noReport',
      tests: {},
      detail: `The ${ran} report does not parse: ${String(error)}`,
    };
  }
  if (parsed?.buildFailed) return { ...base, state: 'crashed', tests: {}, detail: parsed.buildFailed };
  if (!parsed || Object.keys(parsed.tests).length === 0) {
    return {
      ...base,
      state: 'noReport',
      tests: {},
      detail: `The tests wrote no ${ran} report (exit ${exitCode ?? 'none'}): they did not start, or found no tests.`,
    };
  }
  const failing = Object.values(parsed.tests).some((s) => s === 'failed' || s === 'error');
  if (exitCode !== 0 && !failing) {
    return {
      ...base,
      state: 'reportContradictsExit',
      tests: parsed.tests,
      messages: parsed.messages,
      detail: `The test command exited ${exitCode ?? 'without status'} although its report shows no failure.`,
    };
  }
  void output;
  return { ...base, state: 'ok', tests: parsed.tests, messages: parsed.messages };
}

function parseReport(runner: RunnerKind, reports: Readonly<Record<string, string>>): Parsed | undefined {
  switch (runner) {
    case 'node-test':
      return reports['junit.xml']?.trim() ? parseJUnit(reports['junit.xml'], 'suitePath') : undefined;
    case 'pytest':
      return reports['junit.xml']?.trim() ? parseJUnit(reports['junit.xml'], 'classname') : undefined;
    case 'unittest':
      return reports['unittest.json']?.trim() ? parseUnittest(reports['unittest.json']) : undefined;
    case 'go':
      return reports['go.json']?.trim() ? parseGoJson(reports['go.json']) : undefined;
    case 'cargo':
      return reports['cargo.txt']?.trim() ? parseLibtest(reports['cargo.txt']) : undefined;
    default:
      return undefined;
  }
}

type XmlNode = Record<string, unknown>;

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Attribute values stay strings: a test named "1" is not the number 1.
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

/**
 * JUnit XML. Ids: pytest `classname::name`; node:test the path of nested suites and the test's
 * name joined with ` > ` (never flattened, so equal names in two describe blocks stay apart).
 */
export function parseJUnit(text: string, ids: 'classname' | 'suitePath'): Parsed {
  const root = xml.parse(text) as XmlNode;
  const tests: Record<string, TestStatus> = {};
  const messages: Record<string, string> = {};
  const visitSuite = (suite: XmlNode, path: readonly string[]): void => {
    const name = str(suite['@name']);
    const here = name && ids === 'suitePath' ? [...path, name] : [...path];
    for (const child of arr(suite.testsuite)) visitSuite(child, here);
    for (const tc of arr(suite.testcase)) {
      const testName = str(tc['@name']);
      const id =
        ids === 'classname'
          ? [str(tc['@classname']), testName].filter(Boolean).join('::')
          : [...here, testName].join(' > ');
      const failure = arr(tc.failure)[0];
      const error = arr(tc.error)[0];
      const skipped = arr(tc.skipped)[0];
      let status: TestStatus = 'passed';
      if (failure) status = 'failed';
      else if (error) status = 'error';
      else if (skipped) status = /xfail/i.test(str(skipped['@type'])) ? 'xfail' : 'skipped';
      const fault = failure ?? error;
      const message = fault ? firstLine(str(fault['@message']) || str(fault['#text'])) : undefined;
      tests[id] = worse(tests[id], status);
      if (message) messages[id] = message;
    }
  };
  const top = (root.testsuites as XmlNode | undefined) ?? root;
  // node:test puts top-level tests directly under <testsuites>.
  visitSuite(top, []);
  return { tests, messages };
}

function parseUnittest(text: string): Parsed {
  const data = JSON.parse(text) as { tests?: Record<string, string>; messages?: Record<string, string> };
  const tests: Record<string, TestStatus> = {};
  for (const [id, s] of Object.entries(data.tests ?? {})) {
    tests[id] = (['passed', 'failed', 'error', 'skipped', 'xfail'] as const).find((k) => k === s) ?? 'error';
  }
  return { tests, messages: { ...(data.messages ?? {}) } };
}

/** `go test -json`: one event per line; ids `package/Test` and `package/Test/Sub`. */
export function parseGoJson(text: string): Parsed {
  const tests: Record<string, TestStatus> = {};
  const messages: Record<string, string> = {};
  const output = new Map<string, string[]>();
  let buildFailed: string | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) {
      if (/\[build failed\]|cannot find package|syntax error|undefined:/.test(line))
        buildFailed ??= line.trim();
      continue;
    }
    let e: { Action?: string; Package?: string; Test?: string; Output?: string };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      continue;
    }
    if (e.Action === 'output' && e.Output && /\[build failed\]|\[setup failed\]/.test(e.Output))
      buildFailed ??= e.Output.trim();
    if (!e.Test) continue;
    const id = `${e.Package ?? ''}/${e.Test}`;
    if (e.Action === 'output' && e.Output) {
      const lines = output.get(id) ?? [];
      if (lines.length < 20) lines.push(e.Output);
      output.set(id, lines);
    }
    if (e.Action === 'pass') tests[id] = 'passed';
    else if (e.Action === 'fail') {
      tests[id] = 'failed';
      const reason = (output.get(id) ?? [])
        .map((l) => l.trim())
        .find((l) => l && !l.startsWith('=== ') && !l.startsWith('--- '));
      if (reason) messages[id] = firstLine(reason);
    } else if (e.Action === 'skip') tests[id] = 'skipped';
  }
  return { tests, messages, buildFailed: Object.keys(tests).length === 0 ? buildFailed : undefined };
}

/** libtest's stable text: `test NAME ... ok | FAILED | ignored`, per target. */
export function parseLibtest(text: string): Parsed {
  const tests: Record<string, TestStatus> = {};
  const messages: Record<string, string> = {};
  let target = '';
  for (const line of text.split('\n')) {
    const running = /^\s*Running (?:unittests )?(\S+)/.exec(line);
    if (running?.[1]) target = running[1].replace(/^.*\//, '').replace(/-[0-9a-f]{16}$/, '');
    if (/^\s*Doc-tests /.test(line)) target = 'doc';
    const m = /^test (.+?) \.\.\. (ok|FAILED|ignored)\b/.exec(line);
    if (m?.[1] && m[2]) {
      const id = target ? `${target}::${m[1]}` : m[1];
      tests[id] = m[2] === 'ok' ? 'passed' : m[2] === 'FAILED' ? 'failed' : 'skipped';
    }
    const panic = /^thread '(.+?)' panicked at (.+)$/.exec(line);
    if (panic?.[1]) {
      const id =
        Object.keys(tests).find((k) => k.endsWith(`::${panic[1]}`)) ??
        (target ? `${target}::${panic[1]}` : panic[1]);
      messages[id] = firstLine(panic[2] ?? 'panicked');
    }
  }
  const buildFailed =
    Object.keys(tests).length === 0 && /error(\[E\d+\])?:|could not compile/.test(text)
      ? firstLine(text.split('\n').find((l) => /^error/.test(l)) ?? 'cargo could not compile the crate')
      : undefined;
  return { tests, messages, buildFailed };
}

const RANK: Record<TestStatus, number> = { passed: 0, xfail: 0, skipped: 1, absent: 2, failed: 3, error: 4 };

/** A test reported twice (parametrised, retried) keeps its worse status. */
function worse(a: TestStatus | undefined, b: TestStatus): TestStatus {
  return a === undefined || RANK[b] > RANK[a] ? b : a;
}

function arr(value: unknown): XmlNode[] {
  return Array.isArray(value)
    ? (value as XmlNode[])
    : value && typeof value === 'object'
      ? [value as XmlNode]
      : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 300);
}
