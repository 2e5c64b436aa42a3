import type { HarnessPayload } from './harnessResult';

/**
 * The JavaScript cross-test harness. Each case gets a fresh `vm` context in which the candidate
 * is loaded again, so top-level `let`/`class` bindings and mutations cannot leak between cases;
 * `vm`'s `timeout` gives every step its own budget. `console.assert` throws here, because a
 * silent console message would otherwise count as a pass. Results are marked lines on fd 1,
 * the candidate's console goes to a capped buffer. Probes (return values) are Python-only.
 */
export function javascriptHarness(payload: HarnessPayload): string {
  return `${JS_HARNESS}\nquorumMain(${JSON.stringify(JSON.stringify(payload))});\n`;
}

const JS_HARNESS = String.raw`
'use strict';
const quorumVm = require('node:vm');
const quorumFs = require('node:fs');
const quorumAssert = require('node:assert');
const quorumUtil = require('node:util');

function quorumMain(raw) {
  const q = JSON.parse(raw);
  const emit = (obj) => quorumFs.writeSync(1, q.marker + JSON.stringify(obj) + '\n');
  const fresh = (sink) => {
    const write = (...args) => {
      if (sink.size < sink.cap) sink.parts.push(quorumUtil.format(...args).slice(0, sink.cap - sink.size) + '\n');
      sink.size += 1;
    };
    const console = { log: write, info: write, warn: write, error: write, debug: write,
      assert: (cond, ...msg) => { if (!cond) throw new quorumAssert.AssertionError({ message: quorumUtil.format(...msg) || 'console.assert' }); } };
    const module = { exports: {} };
    return quorumVm.createContext({ console, require, module, exports: module.exports, assert: quorumAssert });
  };
  const step = (code, ctx, budget, filename) => {
    try {
      quorumVm.runInContext(code, ctx, { timeout: Math.round(budget * 1000), filename });
      return ['pass', ''];
    } catch (e) {
      const name = (e && e.name) || 'Error';
      const message = String((e && e.message) || e).slice(0, 200);
      if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return ['timeout', 'over the ' + budget + 's budget'];
      if (name === 'SyntaxError') return ['syntax', name + ': ' + message];
      if (e instanceof quorumAssert.AssertionError || name === 'AssertionError') return ['fail', name + ': ' + message];
      return ['error', name + ': ' + message];
    }
  };
  const sink = { parts: [], size: 0, cap: q.stdoutCap };
  const started = performance.now();
  const [status, detail] = step(q.candidate, fresh(sink), q.loadBudget, 'candidate.js');
  const loadMs = performance.now() - started;
  emit({ kind: 'load', status, detail, stdout: sink.parts.join('') });
  // Each case gets a fresh context with the candidate loaded in it. Creating one is most of a
  // short case's time, so a live harness prepares a few while it waits for its feed: a context
  // prepared earlier is the same as one made at the case (the candidate loads the same way).
  const loaded = () => {
    const ctx = fresh({ parts: [], size: 0, cap: 0 });
    step(q.candidate, ctx, q.loadBudget, 'candidate.js');
    return ctx;
  };
  const spares = [];
  const prepare = () => {
    if (loadMs > 20) return;
    while (spares.length < 12) spares.push(loaded());
  };
  const batch = (cases) => {
    for (const c of cases) {
      const ctx = spares.shift() ?? loaded();
      let [result, why] = step(c.setup, ctx, q.caseBudget, 'setup.js');
      if (result === 'pass') [result, why] = step(c.code, ctx, q.caseBudget, 'case.js');
      else if (result !== 'timeout') [result, why] = ['error', 'setup: ' + why];
      if (result === 'syntax') result = 'error';
      emit({ kind: 'case', id: c.id, result, detail: why, probes: [] });
    }
  };
  batch(q.cases);
  if (q.live) for (const cases of quorumFeed(prepare)) batch(cases);
  emit({ kind: 'done' });
  process.exit(0);
}

/**
 * A live run's further cases: JSON lines on the sandbox's input channel, until {"end": true}.
 * The idle callback runs before each wait for input.
 */
function* quorumFeed(idle) {
  const fd = Number(process.env.QUORUM_INPUT_FD ?? -1);
  if (!(fd >= 0)) return;
  const buf = Buffer.alloc(65536);
  let pending = Buffer.alloc(0);
  for (;;) {
    let newline;
    while ((newline = pending.indexOf(10)) < 0) {
      idle();
      const n = quorumFs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return;
      pending = Buffer.concat([pending, buf.subarray(0, n)]);
    }
    const message = JSON.parse(pending.subarray(0, newline).toString('utf8'));
    pending = pending.subarray(newline + 1);
    if (message.end) return;
    yield message.cases;
  }
}
`;
