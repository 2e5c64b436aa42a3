/**
 * A minimal ustar writer. The program reaches the container as a tar stream on its stdin,
 * unpacked into the tmpfs working directory by the image's own `tar` (shell bootstrap) or a
 * block reader in the Python and Node bootstraps (bootstrap.ts), which relies on plain names
 * and 512-byte alignment as written here: `putArchive` cannot write into a tmpfs mount and a
 * read-only root refuses it, and a host bind mount is exactly what the sandbox must not have.
 */
export interface ArchiveFile {
  /** A plain file name inside the working directory (no slashes). */
  readonly name: string;
  readonly content: string | Uint8Array;
  /** Octal permission bits; 0o644 when absent. */
  readonly mode?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width - 1 digits, then the NUL terminator ustar expects.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mode: number, mtime: number): Buffer {
  if (!/^[A-Za-z0-9._-]{1,99}$/.test(name)) throw new Error(`archive: unsupported file name "${name}"`);
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 100, 'ascii');
  h.write(octal(mode, 8), 100, 8, 'ascii');
  h.write(octal(65534, 8), 108, 8, 'ascii'); // uid: ignored when an unprivileged user unpacks
  h.write(octal(65534, 8), 116, 8, 'ascii'); // gid
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(mtime, 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii'); // checksum field counts as spaces while summing
  h.write('0', 156, 1, 'ascii'); // regular file
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** The whole archive in memory: programs are small, and a Buffer is written in one go. */
export function tarArchive(files: readonly ArchiveFile[], mtime = Math.floor(Date.now() / 1000)): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const body =
      typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content);
    if (body.length >= 8 ** 11) throw new Error(`archive: ${file.name} is too large`);
    parts.push(header(file.name, body.length, file.mode ?? 0o644, mtime), body);
    const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0)); // end-of-archive marker
  return Buffer.concat(parts);
}
