/**
 * Captures one output stream of a run: keeps at most `cap` bytes, counts the rest, and spots
 * the end-of-program marker the container's bootstrap prints after the program exits. The
 * marker lets a run finish as soon as the program is done instead of waiting for the engine
 * to tear the container down (~100-250 ms); it is stripped from the captured text.
 */
export class StreamCapture {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private pending: Buffer = Buffer.alloc(0);
  private readonly marker: Buffer;
  /** Bytes seen beyond the cap (discarded). */
  discarded = 0;
  /** The exit status in the marker, once seen. */
  markerStatus: number | undefined;
  /** The bootstrap saw the kernel OOM-kill the program (an `m` after the status). */
  markerOom = false;

  constructor(
    private readonly cap: number,
    markerPrefix: string,
  ) {
    this.marker = Buffer.from(markerPrefix, 'latin1');
  }

  get truncated(): boolean {
    return this.discarded > 0;
  }

  write(chunk: Buffer): void {
    if (this.markerStatus !== undefined) return; // a leftover background child: ignored
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const at = data.indexOf(this.marker);
    if (at >= 0) {
      const rest = data.subarray(at + this.marker.length);
      const newline = rest.indexOf(0x0a);
      if (newline >= 0) {
        this.commit(data.subarray(0, at));
        this.pending = Buffer.alloc(0);
        const status = rest.subarray(0, newline).toString('latin1');
        this.markerStatus = Number.parseInt(status, 10);
        this.markerOom = /^\d+m$/.test(status);
        return;
      }
      if (rest.length <= 8) {
        this.commit(data.subarray(0, at));
        this.pending = Buffer.from(data.subarray(at));
        return;
      }
    }
    // Hold back a possible start of the marker until the next chunk shows the rest.
    const hold = Math.min(data.length, this.marker.length - 1);
    this.commit(data.subarray(0, data.length - hold));
    this.pending = Buffer.from(data.subarray(data.length - hold));
  }

  /** The stream ended without a marker: whatever was held back is program output. */
  end(): void {
    this.commit(this.pending);
    this.pending = Buffer.alloc(0);
  }

  text(): string {
    return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(this.kept, this.keptBytes));
  }

  private commit(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = this.cap - this.keptBytes;
    if (room > 0) {
      const take = bytes.subarray(0, room);
      this.kept.push(Buffer.from(take));
      this.keptBytes += take.length;
    }
    if (bytes.length > room) this.discarded += bytes.length - Math.max(room, 0);
  }
}

/**
 * Splits the engine's multiplexed attach stream (8-byte header: stream id, 3 zero bytes,
 * big-endian payload length) into stdout and stderr without buffering whole frames, so a
 * program printing 100 MB costs this process at most the caps plus one chunk.
 */
export class Demuxer {
  private header = Buffer.alloc(0);
  private remaining = 0;
  private target: StreamCapture | undefined;

  constructor(
    private readonly stdout: StreamCapture,
    private readonly stderr: StreamCapture,
    /** Sees every stdout byte as it arrives, before the cap (a live run's caller). */
    private readonly stdoutTap?: (chunk: Uint8Array) => void,
  ) {}

  write(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const need = 8 - this.header.length;
        this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + need)]);
        offset += Math.min(need, chunk.length - offset);
        if (this.header.length < 8) return;
        this.target = this.header[0] === 2 ? this.stderr : this.stdout;
        this.remaining = this.header.readUInt32BE(4);
        this.header = Buffer.alloc(0);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      const piece = chunk.subarray(offset, offset + take);
      this.target?.write(piece);
      if (this.target === this.stdout) this.stdoutTap?.(piece);
      offset += take;
      this.remaining -= take;
    }
  }
}
