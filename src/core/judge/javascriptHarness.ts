import type { HarnessPayload } from './harnessResult';

/**
 * The JavaScript cross-test harness, in two processes so a candidate cannot forge its results
 * (as the Python one, see pythonHarness.ts). The reporter holds the per-run marker and stdout and
 * deletes its own source (which holds the marker); the worker, a fresh Node started without the
 * marker, with the container's stderr as its stdout, gets one case at a time under a fresh random
 * id on fd 3 and answers each with exactly one line on fd 4.
 *
 * In the worker each case gets a fresh `vm` context in which the candidate is loaded again, so
 * top-level `let`/`class` bindings and mutations cannot leak between cases; `vm`'s `timeout`
 * gives every step its own budget. `console.assert` throws here, because a silent console
 * message would otherwise count as a pass. The candidate's console goes to a capped buffer.
 * Probes (return values) are Python-only.
 */
export function javascriptHarness(payload: HarnessPayload): string {
  return (
    `${JS_REPORTER}\nconst QUORUM_WORKER = ${JSON.stringify(JS_WORKER)};\n` +
    `quorumMain(${JSON.stringify(JSON.stringify(payload))});\n`
  );
}

const JS_WORKER = String.raw`
'use strict';
const quorumVm = require('node:vm');
const quorumFs = require('node:fs');
const quorumAssert = require('node:assert');
const quorumUtil = require('node:util');

function quorumWorker() {
  const emit = (obj) => quorumFs.writeSync(4, JSON.stringify(obj) + '\n');
  const messages = quorumMessages(3);
  const q = messages.next().value;
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
  for (;;) {
    if (q.live) prepare();
    const { value, done } = messages.next();
    if (done || !value || value.end) process.exit(0);
    batch([value.case]);
  }
}

/** JSON lines read (blocking) from a descriptor, until its end. */
function* quorumMessages(fd) {
  const buf = Buffer.alloc(65536);
  let pending = Buffer.alloc(0);
  for (;;) {
    let newline;
    while ((newline = pending.indexOf(10)) < 0) {
      let n;
      try {
        n = quorumFs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if (e.code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      if (n === 0) return;
      pending = Buffer.concat([pending, buf.subarray(0, n)]);
    }
    const message = JSON.parse(pending.subarray(0, newline).toString('utf8'));
    pending = pending.subarray(newline + 1);
    yield message;
  }
}
quorumWorker();
`;

/** The reporter: the only holder of the marker and of stdout; it validates what the worker reports. */
const JS_REPORTER = String.raw`
'use strict';
const quorumChild = require('node:child_process');
const quorumFs = require('node:fs');
const quorumCrypto = require('node:crypto');
const QUORUM_RESULTS = ['pass', 'fail', 'error', 'timeout'];
const QUORUM_LOADS = ['pass', 'fail', 'syntax', 'error', 'timeout'];
const quorumText = (value, cap) => (typeof value === 'string' ? value.slice(0, cap) : '');

/** A live run's further cases: JSON lines on the sandbox's input channel, until {"end": true}. */
function* quorumFeed() {
  const fd = Number(process.env.QUORUM_INPUT_FD ?? -1);
  if (!(fd >= 0)) return;
  const buf = Buffer.alloc(65536);
  let pending = Buffer.alloc(0);
  for (;;) {
    let newline;
    while ((newline = pending.indexOf(10)) < 0) {
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

function quorumMain(raw) {
  const q = JSON.parse(raw);
  const mark = q.marker;
  try {
    quorumFs.unlinkSync(process.argv[1]); // the source holds the marker
  } catch {}
  const emit = (obj) => quorumFs.writeSync(1, mark + JSON.stringify(obj) + '\n');
  const env = { ...process.env };
  delete env.QUORUM_INPUT_FD;
  const worker = quorumChild.spawn(process.execPath, ['-e', QUORUM_WORKER], {
    stdio: ['ignore', 2, 2, 'pipe', 'pipe'],
    env,
  });
  const toWorker = worker.stdio[3];
  const fromWorker = worker.stdio[4];
  let pending = '';
  let waiting;
  let ended = false;
  fromWorker.setEncoding('utf8');
  fromWorker.on('data', (chunk) => {
    pending += chunk;
    if (waiting) waiting();
  });
  fromWorker.on('end', () => {
    ended = true;
    if (waiting) waiting();
  });
  toWorker.on('error', () => {});
  // One line per request and nothing more: bytes that came before the request, or beside the
  // answer, were not the worker's answer (the candidate wrote on the worker's descriptor).
  const ask = (message) =>
    new Promise((resolve) => {
      if (pending) return resolve(undefined);
      toWorker.write(JSON.stringify(message) + '\n');
      waiting = () => {
        const newline = pending.indexOf('\n');
        if (newline < 0) {
          if (ended) resolve(undefined);
          return;
        }
        waiting = undefined;
        const line = pending.slice(0, newline);
        const extra = pending.slice(newline + 1);
        pending = extra;
        if (extra) return resolve(undefined);
        try {
          const reply = JSON.parse(line);
          resolve(reply && typeof reply === 'object' ? reply : undefined);
        } catch {
          resolve(undefined);
        }
      };
      waiting();
    });
  const run = async () => {
    const { marker: _, cases: __, ...config } = q;
    const load = await ask(config);
    if (!load || load.kind !== 'load' || !QUORUM_LOADS.includes(load.status)) return;
    emit({ kind: 'load', status: load.status, detail: quorumText(load.detail, 300), stdout: quorumText(load.stdout, q.stdoutCap) });
    const all = function* () {
      yield* q.cases;
      if (q.live) for (const cases of quorumFeed()) yield* cases;
    };
    for (const c of all()) {
      // The worker sees a fresh random id per case, so nothing can report a case before it is sent.
      const token = quorumCrypto.randomBytes(12).toString('hex');
      const reply = await ask({ case: { ...c, id: token } });
      if (!reply || reply.kind !== 'case' || reply.id !== token || !QUORUM_RESULTS.includes(reply.result)) return;
      emit({ kind: 'case', id: c.id, result: reply.result, detail: quorumText(reply.detail, 300), probes: [] });
    }
    emit({ kind: 'done' });
  };
  run().finally(() => {
    worker.kill('SIGKILL');
    process.exit(0);
  });
}
`;
