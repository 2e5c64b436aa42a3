/**
 * Finding the project an edited file belongs to, and its main language. The root is the nearest
 * folder, from the file up, holding one of the markers below; `--project DIR` and the setting
 * `quorum.project.root` override it. Only reads the file system.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ProjectError } from './projectError';
import type { ProjectLanguage } from './types';

/** Files or folders that mark a project root, nearest first wins. */
export const ROOT_MARKERS = ['.git', 'package.json', 'pyproject.toml', 'go.mod', 'Cargo.toml'] as const;

/** The nearest ancestor folder of `file` (itself a folder or file) holding a root marker. */
export function findProjectRoot(file: string, stopAt?: string): string | undefined {
  let dir = resolve(file);
  if (!isDirectory(dir)) dir = dirname(dir);
  const stop = stopAt ? resolve(stopAt) : undefined;
  for (;;) {
    if (ROOT_MARKERS.some((m) => existsSync(resolve(dir, m)))) return dir;
    const parent = dirname(dir);
    if (parent === dir || (stop && dir === stop)) return undefined;
    dir = parent;
  }
}

/** The file's path relative to the root with `/` separators; a file outside the root is an error. */
export function relativeToRoot(root: string, file: string): string {
  const rel = relative(resolve(root), resolve(file));
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) {
    throw new ProjectError(
      'outside-project',
      `${file} is not inside the project folder ${root}.`,
      'Open the file from inside the project, or name the project folder with --project DIR (setting quorum.project.root).',
    );
  }
  return rel.split(sep).join('/');
}

const BY_EXTENSION: Readonly<Record<string, ProjectLanguage>> = {
  py: 'python',
  js: 'javascript',
  cjs: 'javascript',
  mjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  go: 'go',
  rs: 'rust',
};

/** The project's language: the edited file's, else the root markers'. */
export function projectLanguageOf(root: string, target: string): ProjectLanguage | undefined {
  const ext = target.split('.').pop()?.toLowerCase() ?? '';
  const byFile = BY_EXTENSION[ext];
  if (byFile) return byFile;
  if (existsSync(resolve(root, 'go.mod'))) return 'go';
  if (existsSync(resolve(root, 'Cargo.toml'))) return 'rust';
  if (existsSync(resolve(root, 'tsconfig.json'))) return 'typescript';
  if (existsSync(resolve(root, 'package.json'))) return 'javascript';
  if (existsSync(resolve(root, 'pyproject.toml'))) return 'python';
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
