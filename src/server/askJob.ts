/**
 * One queued ask, run exactly as `quorum ask` runs it: the one pipeline builder (with the
 * gateway's long-lived sandbox injected), then `startAsk`, every session event pushed to the run.
 * Decides the run's final status from the record.
 */
import { buildPipeline } from '../core/pipeline';
import type { Pipeline, PipelineSpec } from '../core/pipeline';
import { startAsk } from '../core/session';
import type { AskHandle } from '../core/session';
import type { StrategySettings } from '../core/strategy/plan';
import type { AskRequest, ModelConfig, Provider } from '../core/types';
import type { RunFailure } from './runEntry';
import { failureOf } from './runEntry';
import type { RunEntry } from './runEntry';

export interface AskJob {
  readonly request: AskRequest;
  readonly models: readonly ModelConfig[];
  readonly execute: boolean;
  /** The ask's strategy (the body's over the config's); default the config's. */
  readonly strategy?: StrategySettings;
}

export type AskDeps = Pick<PipelineSpec, 'config' | 'keyFor' | 'env' | 'logger'> & {
  /** The gateway's sandbox, or null when execution is off on this server. */
  readonly sandbox: NonNullable<PipelineSpec['sandbox']> | null;
  /** Wraps each provider so its stream waits for a place at its endpoint (the gateway's ModelGate). */
  readonly gate?: (provider: Provider) => Provider;
};

export async function runAsk(entry: RunEntry, job: AskJob, deps: AskDeps): Promise<void> {
  if (entry.cancelRequested) return entry.finish('cancelled');
  entry.setStatus('running');
  let pipeline: Pipeline | undefined;
  try {
    const { gate, ...spec } = deps;
    pipeline = await buildPipeline({ ...spec, models: job.models, execute: job.execute });
    if (!pipeline.providers.length) return entry.finish('failed', undefined, noModelFailure(pipeline));
    const gated: Pipeline = gate ? { ...pipeline, providers: pipeline.providers.map(gate) } : pipeline;
    const session = job.strategy ? { ...gated, strategy: job.strategy } : gated;
    const handle = startAsk(job.request, session, (event) => entry.push(event.type, event), {
      askId: entry.id,
    });
    await settleRun(entry, handle);
  } catch (error) {
    deps.logger?.error(`run ${entry.id} failed: ${String(error)}`);
    entry.finish('failed', entry.handle?.record(), failureOf(error));
  } finally {
    await pipeline?.dispose();
  }
}

/** Why a run whose pipeline has no provider cannot start: the keys the server lacks. */
export function noModelFailure(pipeline: Pipeline): RunFailure {
  return {
    message: `No model can be asked: ${pipeline.missingKeys.join(', ')} need an API key.`,
    advice: "Set OPENAI_API_KEY / GROQ_API_KEY / QUORUM_<ID>_API_KEY in the server's environment.",
  };
}

/** Follows a started ask to its end: cancelled, completed when a model answered, else failed. */
export async function settleRun(entry: RunEntry, handle: AskHandle): Promise<void> {
  entry.handle = handle;
  // A DELETE that came while the pipeline was being built.
  if (entry.cancelRequested) handle.cancel();
  const record = await handle.done;
  if (record.cancelled) entry.finish('cancelled', record);
  else if (record.candidates.some((c) => c.status === 'done')) entry.finish('completed', record);
  else
    entry.finish('failed', record, {
      message: 'Every model failed.',
      advice: "Each candidate's error says why (keys, limits, the provider's status).",
    });
}
