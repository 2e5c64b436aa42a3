import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarArchive } from '../../../src/core/sandbox/archive';

describe('sandbox archive (program delivery over stdin)', () => {
  it('is unpacked byte for byte by the system tar, sizes at and across block edges included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-tar-'));
    const binary = Uint8Array.from({ length: 1025 }, (_, i) => (i * 7) % 256);
    const files = [
      { name: 'main.py', content: 'print("héllo ✓")\n' },
      { name: 'empty.txt', content: '' },
      { name: 'block.bin', content: 'b'.repeat(512) },
      { name: 'odd.bin', content: binary, mode: 0o755 },
      { name: '.stdin', content: 'line\n' },
    ];
    execFileSync('tar', ['-x', '-C', dir], { input: tarArchive(files) });
    assert.equal(readFileSync(join(dir, 'main.py'), 'utf8'), 'print("héllo ✓")\n');
    assert.equal(readFileSync(join(dir, 'empty.txt'), 'utf8'), '');
    assert.equal(readFileSync(join(dir, 'block.bin'), 'utf8'), 'b'.repeat(512));
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'odd.bin'))), binary);
    assert.equal(statSync(join(dir, 'odd.bin')).mode & 0o777, 0o755);
    assert.equal(readFileSync(join(dir, '.stdin'), 'utf8'), 'line\n');
    assert.equal(tarArchive(files).length % 512, 0);
  });

  it('refuses names that could escape the working directory', () => {
    for (const name of ['../x', '/etc/passwd', 'a/b', '']) {
      assert.throws(() => tarArchive([{ name, content: 'x' }]), /unsupported file name/);
    }
  });
});
