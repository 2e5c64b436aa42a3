/**
 * Where an MCP `ask_models` edit ask may read: only inside the roots the client shares (the MCP
 * roots capability, `roots/list`). The edited file, the project folder and the folder found around
 * the file must all lie inside one root, compared after resolving symbolic links, so a link inside a
 * root cannot lead the snapshot elsewhere. A client that shares no roots allows no files.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProjectRoot } from '../core/project/root';
import { ToolFailure } from './mcpTools';

/** A root as the client sent it: `file://` URI and optional name. */
export interface ClientRoot {
  readonly uri: string;
  readonly name?: string;
}

/** What an edit ask may read, once checked: absolute real paths. */
export interface AllowedEdit {
  readonly file: string;
  /** Undefined when no project folder is around the file inside its root: a snippet ask. */
  readonly projectDir?: string;
}

function real(path: string, what: string): string {
  try {
    return realpathSync(path);
  } catch {
    throw new ToolFailure(`${what} ${path} does not exist (or cannot be read).`);
  }
}

const inside = (root: string, path: string): boolean =>
  path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** The client's roots as real directory paths; roots that are not local folders are left out. */
export function rootPaths(roots: readonly ClientRoot[]): string[] {
  const out: string[] = [];
  for (const root of roots) {
    if (!root.uri.startsWith('file://')) continue;
    try {
      out.push(realpathSync(fileURLToPath(root.uri)));
    } catch {
      // a root that does not exist here allows nothing
    }
  }
  return out;
}

function describe(roots: readonly string[]): string {
  return roots.length ? roots.join(', ') : 'none';
}

/**
 * Checks `file` (and `project`, when given) against the client's roots and finds the project folder:
 * `project`, else the configured `project.root`, else the nearest folder with a project marker
 * (.git, package.json, pyproject.toml, go.mod, Cargo.toml) that is still inside the file's root.
 * `roots` is undefined when the client does not offer the roots capability.
 */
export function allowEdit(
  input: { readonly file: string; readonly project?: string },
  roots: readonly ClientRoot[] | undefined,
  configuredRoot?: string,
): AllowedEdit {
  if (!roots)
    throw new ToolFailure(
      'ask_models with `file` reads files only inside the roots the client shares, and this client ' +
        'shares none (it does not offer the MCP roots capability). Use a client that sends roots ' +
        '(the workspace folders), or pass the code as `context` without `file`.',
    );
  for (const [key, value] of [
    ['file', input.file],
    ['project', input.project],
  ] as const) {
    if (value !== undefined && !isAbsolute(value))
      throw new ToolFailure(`${key}: "${value}" is not an absolute path; give the absolute path.`);
  }
  const allowed = rootPaths(roots);
  const file = real(input.file, 'file');
  const fileRoot = allowed.filter((r) => inside(r, file)).sort((a, b) => b.length - a.length)[0];
  if (!fileRoot)
    throw new ToolFailure(
      `file ${input.file} is outside the roots this client shares (${describe(allowed)}): ` +
        'ask about a file inside the workspace, or add its folder to the workspace.',
    );
  const wanted = input.project ?? configuredRoot;
  if (wanted !== undefined) {
    const projectDir = real(wanted, 'project');
    if (!allowed.some((r) => inside(r, projectDir)))
      throw new ToolFailure(
        `project ${wanted} is outside the roots this client shares (${describe(allowed)}): ` +
          'name a project folder inside the workspace.',
      );
    if (!inside(projectDir, file))
      throw new ToolFailure(`file ${input.file} is not inside the project folder ${wanted}.`);
    return { file, projectDir };
  }
  return { file, projectDir: findProjectRoot(file, fileRoot) };
}
