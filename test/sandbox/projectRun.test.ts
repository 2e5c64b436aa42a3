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
      const script = [
        'id -u > "$QUORUM_REPORT_DIR/uid"',
        'python3 -c "import pkg.calc as c; print(c.double(21))" > "$QUORUM_REPORT_DIR/answer"',
        // No network: even loopback has no route out of an empty network namespace.
        '(python3 -c "import socket; socket.create_connection((\'1.1.1.1\', 53), timeout=2)" 2>/dev/null && echo open || echo closed) > "$QUORUM_REPORT_DIR/net"',
        'touch /etc/x 2>/dev/null && echo rw > "$QUORUM_REPORT_DIR/rootfs" || echo ro > "$QUORUM_REPORT_DIR/rootfs"',
        'exit 3',
      ].join('\n');
      const base = await sandbox.runTests({ image: PY, archive: snap.archive, script, timeoutS: 60 });
      assert.equal(base.exitCode, 3, 'the exit status comes from the engine');
      assert.equal(base.reports.uid?.trim(), '65534');
      assert.equal(base.reports.answer?.trim(), '42');
      assert.equal(base.reports.net?.trim(), 'closed');
      assert.equal(base.reports.rootfs?.trim(), 'ro');
      const overlay = await singleFileArchive('pkg/calc.py', 'def double(x):\n    return 2 * x + 1\n');
      const edited = await sandbox.runTests({
        image: PY,
        archive: snap.archive,
        overlay,
        script,
        timeoutS: 60,
      });
      assert.equal(edited.reports.answer?.trim(), '43', 'the overlay replaced the file in this copy only');
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
        script: 'echo started > "$QUORUM_REPORT_DIR/r"; sleep 60',
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
