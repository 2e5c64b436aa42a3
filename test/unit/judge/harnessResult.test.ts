import assert from 'node:assert/strict';
import { newMarker, parseHarnessOutput } from '../../../src/core/judge/harnessResult';
import { pythonHarness } from '../../../src/core/judge/pythonHarness';
import { javascriptHarness } from '../../../src/core/judge/javascriptHarness';

const marker = '@@quorum-abc@@';
const load = (status = 'pass') =>
  `${marker}${JSON.stringify({ kind: 'load', status, detail: '', stdout: 'hi\n' })}`;
const kase = (id: string, result: string, probes: string[] = []) =>
  `${marker}${JSON.stringify({ kind: 'case', id, result, detail: '', probes })}`;
const done = `${marker}{"kind":"done"}`;

describe('judge/harnessResult', () => {
  it('reads the load status, every case and the probes from marked lines', () => {
    const out = [
      load(),
      kase('t.1', 'pass', ['3']),
      'candidate print',
      kase('t.2', 'fail', ['4']),
      done,
    ].join('\n');
    const report = parseHarnessOutput(out, marker, ['t.1', 't.2'], false);
    assert.equal(report.load.status, 'pass');
    assert.equal(report.load.stdout, 'hi\n');
    assert.deepEqual(report.cases['t.1'], { result: 'pass', detail: '', probes: ['3'] });
    assert.equal(report.cases['t.2'].result, 'fail');
    assert.equal(report.complete, true);
  });

  it('ignores a spoofing candidate: unmarked, wrongly marked and mid-line results do not count', () => {
    const spoof = [
      JSON.stringify({ kind: 'case', id: 't.1', result: 'pass', detail: '', probes: [] }),
      `@@quorum-000@@${JSON.stringify({ kind: 'case', id: 't.1', result: 'pass', detail: '', probes: [] })}`,
      `x${kase('t.1', 'pass')}`,
    ];
    const report = parseHarnessOutput(
      [...spoof, load(), kase('t.1', 'fail'), done].join('\n'),
      marker,
      ['t.1'],
      false,
    );
    assert.equal(report.cases['t.1'].result, 'fail');
  });

  it('keeps the first report of a case and drops unknown case ids and malformed lines', () => {
    const out = [
      load(),
      kase('t.1', 'fail'),
      kase('t.1', 'pass'),
      kase('zz', 'pass'),
      `${marker}{not json`,
      `${marker}{"kind":"case","id":"t.1"}`,
    ].join('\n');
    const report = parseHarnessOutput(out, marker, ['t.1'], false);
    assert.equal(report.cases['t.1'].result, 'fail');
    assert.equal('zz' in report.cases, false);
    assert.equal(report.complete, false);
  });

  it('marks unreported cases timeout when the run was killed for time, error otherwise', () => {
    const out = [load(), kase('t.1', 'pass')].join('\n');
    assert.equal(parseHarnessOutput(out, marker, ['t.1', 't.2'], true).cases['t.2'].result, 'timeout');
    assert.equal(parseHarnessOutput(out, marker, ['t.1', 't.2'], false).cases['t.2'].result, 'error');
    assert.equal(parseHarnessOutput('', marker, ['t.1'], true).load.status, 'timeout');
    assert.equal(parseHarnessOutput('', marker, ['t.1'], false).load.status, 'error');
  });

  it('makes a fresh marker per run and embeds payloads as data, not code', () => {
    assert.notEqual(newMarker(), newMarker());
    const payload = {
      marker,
      candidate: 'print(\'"""\'); x = `${1}`',
      cases: [{ id: 't.1', setup: '', code: 'assert True' }],
      loadBudget: 1,
      caseBudget: 1,
      stdoutCap: 10,
      probe: true,
      live: false,
    };
    for (const program of [pythonHarness(payload), javascriptHarness(payload)]) {
      const literal = /(?:_q_main|quorumMain)\((".*")\);?\s*$/.exec(program)?.[1];
      assert.ok(literal, 'the payload is passed to the main function as one string literal');
      assert.deepEqual(JSON.parse(JSON.parse(literal) as string), payload);
    }
  });
});
