/**
 * One read-only snapshot of the user's project per ask: the file list (git's, else a .gitignore-
 * aware walk), minus secrets and the user's exclusions, bounded by a size and file cap, hashed, and
 * packed once into a tar archive that every run of the ask (the baseline and each candidate) starts
 * from. The user's tree is only read: nothing here writes into it, and git is asked only to list.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { promisify } from 'node:util';
import ignore from 'ignore';
import { minimatch } from 'minimatch';
import { pack } from 'tar-stream';
import type { Pack } from 'tar-stream';
import { ProjectError } from './projectError';
import type { ExcludeReason, ProjectLanguage, ProjectSnapshot, SnapshotFile } from './types';

const run = promisify(execFile);

/** Never sent, whatever the settings say (matched on the file name, case-insensitive). */
export const SECRET_PATTERNS: readonly string[] = [
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  '*credentials*',
  '.npmrc',
  '.pypirc',
  '.netrc',
];

/** Folders of dependencies the project already has: shipped with the snapshot although ignored. */
export const DEPENDENCY_DIRS: readonly string[] = ['node_modules', '.venv', 'venv'];

/** Never shipped from a dependency folder: caches that only cost bytes. */
const DEPENDENCY_SKIP = new Set(['__pycache__', '.cache']);

export const DEFAULT_SNAPSHOT_CAPS = Object.freeze({ maxBytes: 50 * 1024 * 1024, maxFiles: 10_000 });

export interface SnapshotOptions {
  readonly root: string;
  readonly language: ProjectLanguage;
  /** Globs (relative to the root) the user excluded from what is sent: `quorum.contextExclude`. */
  readonly exclude?: readonly string[];
  readonly maxBytes?: number;
  readonly maxFiles?: number;
  /** Ship node_modules / .venv when present (default true). */
  readonly dependencies?: boolean;
}

interface Entry {
  readonly path: string;
  readonly abs: string;
}

export async function takeSnapshot(options: SnapshotOptions): Promise<ProjectSnapshot> {
  const t0 = performance.now();
  const root = resolve(options.root);
  const { paths, listedBy } = await listFiles(root);
  const excluded: { path: string; why: ExcludeReason }[] = [];
  const keep = (path: string): boolean => {
    const why = exclusionOf(path, options.exclude ?? []);
    if (why) excluded.push({ path, why });
    return !why;
  };
  const entries: Entry[] = paths.filter(keep).map((path) => ({ path, abs: join(root, path) }));
  const dependencies: string[] = [];
  if (options.dependencies !== false) {
    for (const dir of DEPENDENCY_DIRS) {
      if (!isRealDirectory(join(root, dir))) continue;
      dependencies.push(dir);
      for (const path of walkAll(root, dir)) if (keep(path)) entries.push({ path, abs: join(root, path) });
    }
  }
  const caps = { ...DEFAULT_SNAPSHOT_CAPS, ...definedOnly(options) };
  const files: SnapshotFile[] = [];
  const { packer, archive } = tarWriter();
  let totalBytes = 0;
  const seen = new Set<string>();
  for (const entry of entries.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (seen.has(entry.path)) continue;
    seen.add(entry.path);
    const stat = lstatSafe(entry.abs);
    if (!stat) continue; // listed by git but deleted in the tree
    if (stat.isSymbolicLink()) {
      const link = readlinkSync(entry.abs);
      if (!insideRoot(entry.path, link)) {
        excluded.push({ path: entry.path, why: 'ignored' });
        continue;
      }
      packer.entry({ name: entry.path, type: 'symlink', linkname: link });
      files.push({ path: entry.path, size: 0, sha256: sha256(`link:${link}`) });
      continue;
    }
    if (!stat.isFile()) continue;
    totalBytes += stat.size;
    if (files.length + 1 > caps.maxFiles || totalBytes > caps.maxBytes)
      throw overCap(root, caps, files.length + 1, totalBytes);
    const data = readFileSync(entry.abs);
    packer.entry({ name: entry.path, size: data.length, mode: stat.mode & 0o111 ? 0o755 : 0o644 }, data);
    files.push({ path: entry.path, size: data.length, sha256: sha256(data) });
  }
  packer.finalize();
  const tar = await archive;
  const id = sha256(files.map((f) => `${f.path}\0${f.sha256}`).join('\n')).slice(0, 16);
  return {
    id,
    root,
    language: options.language,
    files,
    excluded,
    totalBytes,
    listedBy,
    dependencies,
    archive: tar,
    elapsedMs: Math.round(performance.now() - t0),
  };
}

/** Why a path is left out of the snapshot, or undefined when it is sent. */
export function exclusionOf(path: string, userExcludes: readonly string[]): ExcludeReason | undefined {
  const name = posix.basename(path);
  if (SECRET_PATTERNS.some((p) => minimatch(name, p, { nocase: true, dot: true }))) return 'secret';
  if (userExcludes.some((p) => minimatch(path, p, { dot: true, nocase: true, matchBase: !p.includes('/') })))
    return 'contextExclude';
  return undefined;
}

/** A tar stream to add entries to, and the whole archive once it is finalised. */
export function tarWriter(): { packer: Pack; archive: Promise<Buffer> } {
  const packer = pack();
  const chunks: Buffer[] = [];
  packer.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
  const archive = new Promise<Buffer>((ok, fail) => {
    packer.on('end', () => ok(Buffer.concat(chunks)));
    packer.on('error', fail);
  });
  return { packer, archive };
}

/** A tar archive holding one file: a candidate's edit, laid over the snapshot in its copy. */
export async function singleFileArchive(path: string, text: string): Promise<Buffer> {
  const { packer, archive } = tarWriter();
  const data = Buffer.from(text, 'utf8');
  packer.entry({ name: path, size: data.length, mode: 0o644 }, data);
  packer.finalize();
  return archive;
}

async function listFiles(root: string): Promise<{ paths: string[]; listedBy: 'git' | 'walk' }> {
  try {
    const { stdout } = await run(
      'git',
      ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'],
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
    );
    return { paths: stdout.split('\0').filter(Boolean), listedBy: 'git' };
  } catch {
    return { paths: walkIgnoring(root), listedBy: 'walk' };
  }
}

/** Every file under root, honouring .gitignore files on the way down; no .git, no dependency folders. */
function walkIgnoring(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, rules: { base: string; ig: ReturnType<typeof ignore> }[]): void => {
    const abs = join(root, dir);
    const here = readGitignore(abs);
    const scoped = here ? [...rules, { base: dir, ig: ignore().add(here) }] : rules;
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.name === '.git' || (!dir && DEPENDENCY_DIRS.includes(entry.name))) continue;
      const isDir = entry.isDirectory();
      const ignored = scoped.some(({ base, ig }) => {
        const rel = base ? path.slice(base.length + 1) : path;
        return ig.ignores(isDir ? `${rel}/` : rel);
      });
      if (ignored) continue;
      if (isDir) visit(path, scoped);
      else out.push(path);
    }
  };
  visit('', []);
  return out;
}

function walkAll(root: string, dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (DEPENDENCY_SKIP.has(entry.name)) continue;
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) visit(path);
      else out.push(path);
    }
  };
  visit(dir);
  return out;
}

function readGitignore(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
}

/** A link that resolves inside the snapshot (relative, not climbing out of the root). */
function insideRoot(path: string, link: string): boolean {
  if (posix.isAbsolute(link)) return false;
  const target = posix.normalize(posix.join(posix.dirname(path), link));
  return !target.startsWith('..');
}

function overCap(
  root: string,
  caps: { maxBytes: number; maxFiles: number },
  files: number,
  bytes: number,
): ProjectError {
  const byFiles = files > caps.maxFiles;
  const what = byFiles
    ? `more than ${caps.maxFiles} files`
    : `more than ${(caps.maxBytes / 1024 / 1024).toFixed(0)} MB (${(bytes / 1024 / 1024).toFixed(1)} MB so far)`;
  return new ProjectError(
    'over-cap',
    `The project at ${root} has ${what}: too large to snapshot for the sandbox.`,
    `Raise ${byFiles ? 'quorum.project.maxFiles' : 'quorum.project.maxBytes'} (quorum.config.json: project.${byFiles ? 'maxFiles' : 'maxBytes'}), exclude folders with quorum.contextExclude, or name a smaller project folder with --project DIR.`,
  );
}

function definedOnly(options: SnapshotOptions): Partial<{ maxBytes: number; maxFiles: number }> {
  const out: { maxBytes?: number; maxFiles?: number } = {};
  if (options.maxBytes !== undefined) out.maxBytes = options.maxBytes;
  if (options.maxFiles !== undefined) out.maxFiles = options.maxFiles;
  return out;
}

function lstatSafe(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function isRealDirectory(path: string): boolean {
  return lstatSafe(path)?.isDirectory() ?? false;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
