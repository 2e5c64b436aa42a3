import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { singleFileArchive, takeSnapshot } from '../../src/core/project/snapshot';
import { createProjectSandbox } from '../../src/core/sandbox/projectRun';
import { LABEL, ownerId } from '../../src/core/sandbox/orphans';
import { writeFileSync, mkdirSync } from 'node:fs';
import { OFFLINE_IMAGES } from './offlineImages';
import { clientOf, currentEngine } from './testEngines';

const PY = OFFLINE_IMAGES.python ?? 'quorum-offline/python:3.11';

async function projectContainers(): Promise<number> {
  const list = await clientOf(currentEngine()).listContainers({
    all: true,
    filters: { label: [`${LABEL.owner}=${ownerId()}`, 'dev.quorum.role=project'] },
  });
  return list.length;
}

describe("project run: a project's tests in a fresh hardened container", function () {
  this.timeout(120_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'quorum-projectrun-'));
    mkdirSync(join(root, 'pkg'));
    writeFileSync(join(root, 'pkg/__init__.py'), '');
    writeFileSync(join(root, 'pkg/calc.py'), 'def double(x):\n    return x + x\n');
    writeFileSync(join(root, 'pyproject.toml'), '[project]\nname = "pkg"\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('unpacks the snapshot and the overlay, runs as nobody without network, reads reports, removes the container', async () => {
    const sandbox = createProjectSandbox({ pull: false, env: currentEngine().env });
    try {
      const snap = await takeSnapshot({ root, language: 'python' });
      // The report directory holds only the report files' pipes (REPORT_FILES): the probes use
      // their names; any other name cannot be written there.
      const R = {
        uid: 'junit.xml',
        answer: 'unittest.json',
        net: 'go.json',
        rootfs: 'cargo.txt',
        other: 'runner',
      };
      const script = [
        `id -u > "$QUORUM_REPORT_DIR/${R.uid}"`,
        `python3 -c "import pkg.calc as c; print(c.double(21))" > "$QUORUM_REPORT_DIR/${R.answer}"`,
        // No network: even loopback has no route out of an empty network namespace.
        `(python3 -c "import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)" 2>/dev/null && echo open || echo closed) > "$QUORUM_REPORT_DIR/${R.net}"`,
        `touch /etc/x 2>/dev/null && echo rw > "$QUORUM_REPORT_DIR/${R.rootfs}" || echo ro > "$QUORUM_REPORT_DIR/${R.rootfs}"`,
        `(echo x > "$QUORUM_REPORT_DIR/other") 2>/dev/null && echo written > "$QUORUM_REPORT_DIR/${R.other}" || echo refused > "$QUORUM_REPORT_DIR/${R.other}"`,
        'exit 3',
      ].join('\n');
      const base = await sandbox.runTests({ image: PY, archive: snap.archive, script, timeoutS: 60 });
      assert.equal(base.exitCode, 3, 'the exit status comes from the engine');
      assert.equal(base.reports[R.uid]?.trim(), '65534');
      assert.equal(base.reports[R.answer]?.trim(), '42');
      assert.equal(base.reports[R.net]?.trim(), 'closed');
      assert.equal(base.reports[R.rootfs]?.trim(), 'ro');
      assert.equal(base.reports[R.other]?.trim(), 'refused', 'a file of another name was made');
      assert.equal(base.reports.other, undefined);
      const overlay = await singleFileArchive('pkg/calc.py', 'def double(x):\n    return 2 * x + 1\n');
      const edited = await sandbox.runTests({
        image: PY,
        archive: snap.archive,
        overlay,
        script,
        timeoutS: 60,
      });
      assert.equal(edited.reports[R.answer]?.trim(), '43', 'the overlay replaced the file in this copy only');
      assert.equal(await projectContainers(), 0);
    } finally {
      await sandbox.dispose();
    }
  });

  it('stops a run at its timeout with no exit status and no reports', async () => {
    const sandbox = createProjectSandbox({ pull: false, env: currentEngine().env });
    try {
      const snap = await takeSnapshot({ root, language: 'python' });
      const t0 = Date.now();
      const run = await sandbox.runTests({
        image: PY,
        archive: snap.archive,
        script: 'echo started > "$QUORUM_REPORT_DIR/runner"; sleep 60',
        timeoutS: 2,
      });
      assert.equal(run.timedOut, true);
      assert.equal(run.exitCode, null);
      assert.ok(Date.now() - t0 < 30_000);
      assert.equal(await projectContainers(), 0);
    } finally {
      await sandbox.dispose();
    }
  });
});
