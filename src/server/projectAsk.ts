/**
 * Project asks through the gateway (issue 27 item 5): `POST /v1/runs` with `project` (a tar.gz of
 * the project, base64, the edited file's path in it, optionally its lines) is the CLI's edit ask,
 * run on the gateway: the archive is checked before the run is accepted (400 for an entry outside
 * the folder or a link, 413 over the caps), unpacked into a folder of the gateway's own when the
 * run starts, prepared by the same `prepareEditAsk` as `quorum ask --file F --project DIR`, and
 * every candidate is applied to a copy of it and checked against the project's own tests in the
 * sandbox. The folder is removed when the run ends. The archive is stored with the run's input, so
 * a restarted gateway or another replica can run it again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPipeline } from '../core/pipeline';
import type { Pipeline } from '../core/pipeline';
import type { QuorumConfig } from '../core/config';
import { ProjectError } from '../core/project/projectError';
import { UploadError, sizeOf, unpackUpload } from '../core/project/upload';
import { createProjectSandbox } from '../core/sandbox/projectRun';
import { DEFAULT_IMAGES } from '../core/sandbox/languages';
import { startAsk } from '../core/session';
import type { StrategySettings } from '../core/strategy/plan';
import type { AskRequest, ModelConfig } from '../core/types';
import type { AskDeps } from './askJob';
import { noModelFailure, settleRun } from './askJob';
import { HttpError, badField } from './httpError';
import { failureOf } from './runEntry';
import type { RunEntry } from './runEntry';

export interface ProjectUpload {
  /** base64 of a tar.gz of the project folder. */
  readonly archive: string;
  /** The edited file, relative to the project folder. */
  readonly file: string;
  readonly range?: { readonly startLine: number; readonly endLine: number };
}

const capsOf = (config: QuorumConfig) => ({
  maxBytes: config.project.maxBytes,
  maxFiles: config.project.maxFiles,
});

/** The archive's bytes, or 400 when `archive` is not base64. */
function bytesOf(upload: ProjectUpload): Buffer {
  const bytes = Buffer.from(upload.archive, 'base64');
  if (!bytes.length || bytes.toString('base64').replace(/=+$/, '') !== upload.archive.replace(/\s|=+$/g, ''))
    throw badField('project.archive', 'expected the base64 of a tar.gz of the project folder');
  return bytes;
}

const asHttp = (error: unknown): unknown =>
  UploadError.is(error)
    ? new HttpError(
        error.reason === 'too-large' ? 413 : 400,
        error.reason === 'too-large' ? 'project-too-large' : `project-${error.reason}`,
        error.message,
        error.advice,
        {},
        'project.archive',
      )
    : error;

/** Checks an upload before its run is accepted: readable, safe, under the caps, holding the file. */
export async function checkUpload(upload: ProjectUpload, config: QuorumConfig): Promise<void> {
  const bytes = bytesOf(upload);
  const { paths } = await unpackUpload(bytes, undefined, capsOf(config)).catch((error: unknown) => {
    throw asHttp(error);
  });
  const file = upload.file.replace(/^\.\/+/, '');
  if (!paths.has(file))
    throw badField(
      'project.file',
      `"${upload.file}" is not in the project archive (${paths.size} files; paths are relative to the project folder)`,
    );
  if (upload.range && upload.range.endLine < upload.range.startLine)
    throw badField('project.range', 'endLine is before startLine');
}

/** The 413 of a body over the upload limit, saying what the limit is and how to stay under it. */
export function uploadTooLarge(limitBytes: number): HttpError {
  return new HttpError(
    413,
    'too-large',
    `The body is over ${sizeOf(limitBytes)}, the most this gateway takes (a project archive, base64, included).`,
    'Send less context, exclude folders from the project (quorum.contextExclude, .gitignore), or ask the operator to raise server.maxUploadBytes.',
  );
}

export interface ProjectJob {
  readonly instruction: string;
  readonly intent: AskRequest['intent'];
  readonly upload: ProjectUpload;
  readonly models: readonly ModelConfig[];
  readonly execute: boolean;
  /** The ask's strategy (the body's over the config's); a cascade stops on an edit that fixes and breaks nothing. */
  readonly strategy?: StrategySettings;
}

/** Runs one project ask: unpack, prepare as the CLI does, ask, check each edit, remove the folder. */
export async function runProjectAsk(entry: RunEntry, job: ProjectJob, deps: AskDeps): Promise<void> {
  if (entry.cancelRequested) return entry.finish('cancelled');
  entry.setStatus('running');
  const dir = mkdtempSync(join(tmpdir(), 'quorum-upload-'));
  let pipeline: Pipeline | undefined;
  let projectSandbox: ReturnType<typeof createProjectSandbox> | undefined;
  try {
    await unpackUpload(bytesOf(job.upload), dir, capsOf(deps.config));
    const { gate, ...spec } = deps;
    pipeline = await buildPipeline({ ...spec, models: job.models, execute: job.execute });
    if (!pipeline.providers.length) return entry.finish('failed', undefined, noModelFailure(pipeline));
    const { config } = deps;
    projectSandbox = pipeline.sandbox
      ? createProjectSandbox({
          dockerHost: config.sandbox.dockerHost,
          pull: config.sandbox.pull,
          env: deps.env,
        })
      : undefined;
    const { prepareEditAsk } = await import('../core/project/editAsk.js');
    const prepared = await prepareEditAsk({
      file: join(dir, job.upload.file),
      range: job.upload.range,
      projectDir: dir,
      instruction: job.instruction,
      intent: job.intent,
      // The server's project settings, except a root of its own: the upload is the project.
      settings: { ...config.project, root: undefined },
      imageFor: (l) => config.sandbox.images[l] ?? DEFAULT_IMAGES[l] ?? 'python:3.12-slim',
      sandbox: projectSandbox,
      noSandboxReason: pipeline.executionDisabled ?? (job.execute ? undefined : 'execute: false'),
    });
    if (!prepared) throw new Error('the uploaded folder is not a project');
    const gated: Pipeline = gate ? { ...pipeline, providers: pipeline.providers.map(gate) } : pipeline;
    const handle = startAsk(
      prepared.request,
      { ...gated, project: prepared.project, ...(job.strategy ? { strategy: job.strategy } : {}) },
      (event) => entry.push(event.type, event),
      { askId: entry.id },
    );
    await settleRun(entry, handle);
  } catch (error) {
    deps.logger?.error(`run ${entry.id} failed: ${String(error)}`);
    const failure = ProjectError.is(error) || UploadError.is(error) ? error : failureOf(error);
    entry.finish('failed', entry.handle?.record(), { message: failure.message, advice: failure.advice });
  } finally {
    await projectSandbox?.dispose().catch(() => undefined);
    await pipeline?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
