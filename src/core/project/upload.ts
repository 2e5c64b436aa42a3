/**
 * A project sent to a gateway for an edit ask (`quorum ask --file F --project DIR --server URL`):
 * the client packs its snapshot (the same files, the same exclusions as a local edit ask: secrets,
 * contextExclude, .gitignore, the caps) as a gzipped tar of regular files; the gateway unpacks it
 * into a folder of its own, refusing anything that could write outside it (an absolute path, a
 * `..` segment, a link, a device) and anything over its caps, before any model is asked.
 * `.git` and devcontainer files are never unpacked: git is never run on an uploaded tree, and the
 * image an uploaded project runs in is the gateway's, not one the upload names.
 */
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { tarWriter } from './snapshot';
import type { ProjectSnapshot } from './types';

/** Why an upload is refused: a client's mistake (400) or over a cap (413). */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly reason: 'unsafe-entry' | 'bad-archive' | 'too-large',
    message: string,
    readonly advice: string,
    /** The archive entry at fault. */
    readonly entry?: string,
  ) {
    super(message);
  }
  static is(error: unknown): error is UploadError {
    return error instanceof UploadError;
  }
}

/** Entries never unpacked (matched on the first path segment or the whole path). */
const SKIPPED = new Set(['.git', '.devcontainer', '.devcontainer.json']);

/**
 * The snapshot's regular files as a tar.gz (links are left out: the gateway refuses them); the
 * names of the links left out, for the caller to say so.
 */
export async function packUpload(snapshot: ProjectSnapshot): Promise<{ archive: Buffer; links: string[] }> {
  const { packer, archive } = tarWriter();
  const links: string[] = [];
  for (const file of snapshot.files) {
    const abs = join(snapshot.root, file.path);
    const stat = lstatSync(abs, { throwIfNoEntry: false });
    if (!stat) continue;
    if (!stat.isFile()) {
      if (stat.isSymbolicLink()) links.push(file.path);
      continue;
    }
    const data = readFileSync(abs);
    packer.entry({ name: file.path, size: data.length, mode: stat.mode & 0o111 ? 0o755 : 0o644 }, data);
  }
  packer.finalize();
  return { archive: gzipSync(await archive), links };
}

/** Bytes for people: KiB under a MiB, else MiB. */
export function sizeOf(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A safe relative path inside the folder, or why not. */
function checkedName(name: string): string {
  const clean = name.replace(/^\.\/+/, '').replace(/\/+$/, '');
  const unsafe =
    !clean ||
    posix.isAbsolute(name) ||
    /^[a-zA-Z]:/.test(clean) ||
    clean.includes('\\') ||
    clean.includes('\0') ||
    clean.split('/').some((part) => part === '..');
  if (unsafe)
    throw new UploadError(
      'unsafe-entry',
      `The project archive has an entry outside the project folder: "${name}".`,
      'Send the archive `quorum ask --project DIR --server URL` makes (relative paths, no `..`).',
      name,
    );
  return clean;
}

/**
 * Unpacks a tar.gz into `dest` (an empty folder the caller made), or only reads it through when
 * `dest` is undefined (the check a gateway makes before it accepts the ask); throws an UploadError
 * before writing past a cap or for any entry that is not a plain file or folder inside it.
 */
export async function unpackUpload(
  archive: Buffer,
  dest: string | undefined,
  caps: { readonly maxBytes: number; readonly maxFiles: number },
): Promise<{ files: number; bytes: number; paths: Set<string> }> {
  const root = resolve(dest ?? '/nonexistent-upload-root');
  const paths = new Set<string>();
  let files = 0;
  let bytes = 0;
  const tooLarge = (what: string, setting: string): UploadError =>
    new UploadError(
      'too-large',
      `The project archive holds ${what}, more than this gateway takes.`,
      `Exclude folders (quorum.contextExclude, .gitignore), name a smaller --project DIR, or ask the operator to raise ${setting}.`,
    );
  const gunzip = createGunzip();
  const extractor = extract();
  let gzipError: Error | undefined;
  gunzip.on('error', (error) => {
    gzipError = error;
    extractor.destroy(error);
  });
  Readable.from([archive]).pipe(gunzip).pipe(extractor);
  try {
    for await (const entry of extractor) {
      const { header } = entry;
      const name = checkedName(header.name);
      const first = name.split('/')[0] ?? '';
      if (header.type !== 'file' && header.type !== 'directory')
        throw new UploadError(
          'unsafe-entry',
          `The project archive has a ${header.type ?? 'special'} entry: "${header.name}"; only files and folders are taken.`,
          'Leave links out of the archive (quorum ask --server packs regular files only).',
          header.name,
        );
      const target = resolve(root, name);
      if (target !== root && !target.startsWith(root + sep))
        throw new UploadError(
          'unsafe-entry',
          `"${header.name}" is outside the project folder.`,
          '',
          header.name,
        );
      if (SKIPPED.has(first) || SKIPPED.has(name) || header.type === 'directory') {
        if (dest && header.type === 'directory' && !SKIPPED.has(first))
          mkdirSync(target, { recursive: true });
        entry.resume();
        continue;
      }
      files++;
      paths.add(name);
      if (files > caps.maxFiles) throw tooLarge(`more than ${caps.maxFiles} files`, 'project.maxFiles');
      const parts: Buffer[] = [];
      for await (const data of entry) {
        const chunk = data as Buffer;
        bytes += chunk.length;
        if (bytes > caps.maxBytes)
          throw tooLarge(`more than ${sizeOf(caps.maxBytes)} unpacked`, 'project.maxBytes');
        if (dest) parts.push(chunk);
      }
      if (dest) {
        mkdirSync(dirname(target), { recursive: true });
        const executable = ((header.mode ?? 0o644) & 0o111) !== 0;
        writeFileSync(target, Buffer.concat(parts), { mode: executable ? 0o755 : 0o644, flag: 'wx' });
      }
    }
  } catch (error) {
    gunzip.destroy();
    extractor.destroy();
    if (UploadError.is(error)) throw error;
    if (gzipError)
      throw new UploadError(
        'bad-archive',
        `The project archive is not gzip: ${gzipError.message}.`,
        'Send a tar.gz.',
      );
    throw new UploadError(
      'bad-archive',
      `The project archive cannot be read: ${(error as Error).message}.`,
      'Send a tar.gz of the project folder (quorum ask --project DIR --server URL makes one).',
    );
  }
  if (gzipError)
    throw new UploadError(
      'bad-archive',
      `The project archive is not gzip: ${gzipError.message}.`,
      'Send a tar.gz.',
    );
  if (!files)
    throw new UploadError('bad-archive', 'The project archive holds no file.', 'Send the project folder.');
  return { files, bytes, paths };
}
