/**
 * Turns "this file (or these lines of it), in a project" into an edit ask: finds the project root,
 * takes the snapshot, finds the test command, reads what the file imports from the project for the
 * prompt, and — when something can execute — starts the baseline. The CLI, the editor and MCP all
 * prepare an edit ask here. A file with no project around it stays a snippet ask (undefined).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectSettings } from '../config';
import type { AskRequest, Language } from '../types';
import { importedModules } from './importContext';
import { ProjectError } from './projectError';
import { findProjectRoot, projectLanguageOf, relativeToRoot } from './root';
import { takeSnapshot } from './snapshot';
import { detectTestCommand } from './testCommand';
import type {
  EditAsk,
  EditTarget,
  ProjectRecord,
  ProjectSandbox,
  ProjectSnapshot,
  TestCommand,
} from './types';
import { createProjectVerifier } from './verify';
import type { ProjectVerifier } from './verify';

export interface EditAskSpec {
  /** The edited file (absolute, or relative to the caller's cwd). */
  readonly file: string;
  readonly range?: { readonly startLine: number; readonly endLine: number };
  /** `--project DIR` / `quorum.project.root`: the project folder, instead of the nearest marker. */
  readonly projectDir?: string;
  readonly instruction: string;
  readonly intent: AskRequest['intent'];
  readonly settings: ProjectSettings;
  /** `quorum.contextExclude` globs, beside `project.exclude`. */
  readonly contextExclude?: readonly string[];
  /** The sandbox image per language (the configured ones, else the defaults). */
  readonly imageFor: (language: Language) => string;
  /** Undefined when nothing may execute (untrusted, `--no-run`, Docker down): no test runs. */
  readonly sandbox?: ProjectSandbox;
  /** Why nothing executes, when `sandbox` is undefined. */
  readonly noSandboxReason?: string;
  readonly signal?: AbortSignal;
}

/** What the session needs for an edit ask, beside the request. */
export interface SessionProject {
  readonly target: EditTarget;
  readonly record: ProjectRecord;
  readonly snapshot: ProjectSnapshot;
  readonly test?: TestCommand;
  /** Undefined when no test can run: candidates get their edit applied, no test evidence. */
  readonly verifier?: ProjectVerifier;
}

export interface PreparedEditAsk {
  readonly request: AskRequest;
  readonly project: SessionProject;
}

/** An edit ask for a file in a project, or undefined when the file belongs to no project. */
export async function prepareEditAsk(spec: EditAskSpec): Promise<PreparedEditAsk | undefined> {
  const root = spec.projectDir ?? spec.settings.root ?? findProjectRoot(spec.file);
  if (!root) return undefined;
  const path = relativeToRoot(root, spec.file);
  const language = projectLanguageOf(root, path);
  if (!language) {
    throw new ProjectError(
      'no-root',
      `Cannot tell the language of ${path}.`,
      'Edit asks support Python, JavaScript, TypeScript, Go and Rust files; use --no-project for a snippet ask.',
    );
  }
  let text: string;
  try {
    text = readFileSync(join(root, path), 'utf8');
  } catch (error) {
    throw new ProjectError(
      'unreadable',
      `Cannot read ${path}: ${String(error)}`,
      'Check the path and its permissions.',
    );
  }
  const exclude = [...(spec.contextExclude ?? []), ...spec.settings.exclude];
  const snapshot = await takeSnapshot({
    root,
    language,
    exclude,
    maxBytes: spec.settings.maxBytes,
    maxFiles: spec.settings.maxFiles,
  });
  const excludedTarget = snapshot.excluded.find((e) => e.path === path);
  if (excludedTarget) {
    throw new ProjectError(
      'unreadable',
      `${path} is excluded (${excludedTarget.why}): its text is never sent to a model.`,
      'Pick another file, or change quorum.contextExclude / project.exclude.',
    );
  }
  const paths = snapshot.files.map((f) => f.path);
  const test = detectTestCommand(root, language, paths, {
    command: spec.settings.testCommand,
    timeoutS: spec.settings.testTimeoutS,
  });
  const missing: string[] = [];
  if (!test) {
    missing.push(
      'No test command was found (package.json scripts.test, pytest/unittest tests, go.mod, Cargo.toml): set project.testCommand in quorum.config.json or quorum.project.testCommand.',
    );
  }
  if (!spec.sandbox)
    missing.push(`The project's tests were not run: ${spec.noSandboxReason ?? 'nothing may execute here.'}`);
  const image = spec.settings.image ?? devcontainerImage(root) ?? spec.imageFor(language);
  const verifier =
    spec.sandbox && test
      ? createProjectVerifier({ sandbox: spec.sandbox, snapshot, path, test, image, signal: spec.signal })
      : undefined;
  const edit: EditAsk = {
    root,
    path,
    range: spec.range,
    language,
    testFramework: test ? frameworkName(test) : undefined,
    imports: importedModules(root, path, text, language, new Set(paths)),
  };
  const record: ProjectRecord = {
    root,
    snapshotId: snapshot.id,
    language,
    files: snapshot.files.length,
    bytes: snapshot.totalBytes,
    excluded: snapshot.excluded.length,
    dependencies: snapshot.dependencies,
    target: { path, range: spec.range },
    test,
    missing,
    timings: { snapshotMs: snapshot.elapsedMs },
  };
  const request: AskRequest = {
    instruction: spec.instruction,
    context: text,
    contextFile: path,
    language,
    intent: spec.intent,
    edit,
  };
  return {
    request,
    project: { target: { path, text, range: spec.range }, record, snapshot, test, verifier },
  };
}

function frameworkName(test: TestCommand): string {
  switch (test.runner) {
    case 'node-test':
      return 'node:test';
    case 'go':
      return 'go test';
    case 'cargo':
      return 'cargo test';
    case 'command':
      return `\`${test.source}\``;
    default:
      return test.runner;
  }
}

/** `.devcontainer/devcontainer.json`'s `image`, when the project names one. */
export function devcontainerImage(root: string): string | undefined {
  for (const file of ['.devcontainer/devcontainer.json', '.devcontainer.json']) {
    try {
      const raw = readFileSync(join(root, file), 'utf8').replace(/^\s*\/\/.*$/gm, '');
      const image = (JSON.parse(raw) as { image?: unknown }).image;
      if (typeof image === 'string' && image.trim()) return image.trim();
    } catch {
      // absent or not plain JSON: no image from it
    }
  }
  return undefined;
}
