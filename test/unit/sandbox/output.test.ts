import assert from 'node:assert/strict';
import { Demuxer, StreamCapture } from '../../../src/core/sandbox/output';

const MARK = '\n__quorum_exit_0123456789abcdef__:';

/** One frame of the engine's multiplexed attach stream. */
function frame(stream: 1 | 2, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** Feeds bytes in pieces of the given size, as a socket may deliver them. */
function feed(demux: Demuxer, bytes: Buffer, piece: number): void {
  for (let i = 0; i < bytes.length; i += piece) demux.write(bytes.subarray(i, i + piece));
}

describe('sandbox output capture', () => {
  it('splits stdout from stderr whatever the chunking, and finds the exit marker', () => {
    const wire = Buffer.concat([
      frame(1, 'out one\n'),
      frame(2, 'err one\n'),
      frame(1, `out two${MARK}7\n`),
      frame(2, `${MARK}7\n`),
    ]);
    for (const piece of [1, 3, 7, 8, 13, wire.length]) {
      const out = new StreamCapture(1024, MARK);
      const err = new StreamCapture(1024, MARK);
      feed(new Demuxer(out, err), wire, piece);
      assert.equal(out.text(), 'out one\nout two', `piece ${piece}`);
      assert.equal(err.text(), 'err one\n');
      assert.equal(out.markerStatus, 7);
      assert.equal(err.markerStatus, 7);
    }
  });

  it('keeps exactly the cap, counts the rest and flags truncation', () => {
    const out = new StreamCapture(10, MARK);
    const err = new StreamCapture(10, MARK);
    const demux = new Demuxer(out, err);
    for (let i = 0; i < 1000; i++) demux.write(frame(1, 'x'.repeat(1000)));
    demux.write(frame(1, `${MARK}0\n`));
    assert.equal(out.text(), 'x'.repeat(10));
    assert.equal(out.truncated, true);
    assert.equal(out.discarded, 1000 * 1000 - 10);
    assert.equal(err.truncated, false);
    assert.equal(out.markerStatus, 0);
  });

  it("reads the bootstrap's OOM flag after the status (137m), and only there", () => {
    const oom = new StreamCapture(100, MARK);
    oom.write(Buffer.from(`before${MARK}137m\n`));
    assert.equal(oom.markerStatus, 137);
    assert.equal(oom.markerOom, true);
    assert.equal(oom.text(), 'before');
    const killed = new StreamCapture(100, MARK);
    killed.write(Buffer.from(`${MARK}137\n`));
    assert.equal(killed.markerStatus, 137);
    assert.equal(killed.markerOom, false);
  });

  it('gives back held bytes when the stream ends without a marker (a killed program)', () => {
    const out = new StreamCapture(100, MARK);
    out.write(Buffer.from('partial line without newline'));
    assert.equal(out.markerStatus, undefined);
    out.end();
    assert.equal(out.text(), 'partial line without newline');
  });

  it('decodes invalid UTF-8 and binary output with replacement characters instead of failing', () => {
    const out = new StreamCapture(100, MARK);
    out.write(Buffer.from([0x6f, 0x6b, 0xff, 0x00, 0xc3]));
    out.end();
    assert.equal(out.text(), 'ok\uFFFD\u0000\uFFFD');
  });

  it('ignores output that arrives after the marker (a leftover background child)', () => {
    const err = new StreamCapture(100, MARK);
    err.write(Buffer.from(`done${MARK}0\nlate noise`));
    err.write(Buffer.from('more noise'));
    err.end();
    assert.equal(err.text(), 'done');
  });
});
