/**
 * Core types the panel needs, derived from the protocol itself. The webview may import only
 * ../protocol, so instead of reaching into ../core it names the shapes the messages carry.
 */
import type { HostMessage } from '../protocol';

type Msg<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;

export type SessionEvent = Msg<'session/event'>['event'];
type Ev<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>;

export type RunRecord = Msg<'record/show'>['record'];
export type CandidateRecord = RunRecord['candidates'][number];
export type ModelConfig = Ev<'candidate-started'>['model'];
export type Extraction = Ev<'candidate-done'>['extraction'];
export type Usage = NonNullable<Ev<'candidate-done'>['usage']>;
export type CandidateTiming = Ev<'candidate-done'>['timing'];
export type ProviderFailure = Ev<'candidate-failed'>['error'];
export type RunResult = Ev<'run-done'>['run'];
export type SandboxFailure = Ev<'run-failed'>['error'];
export type Verdict = Ev<'verdict'>['verdict'];
export type TestMatrix = NonNullable<Verdict['matrix']>;
export type CellResult = TestMatrix['cells'][string][string];
export type Language = NonNullable<Extraction['language']>;
export type Intent = RunRecord['request']['intent'];
