/**
 * The core's serializable shapes the panel renders. Type-only: nothing of the core's code reaches
 * the webview bundle, and the types are the core's own, not rebuilt from the protocol.
 */
export type {
  AskTimeline,
  CandidateRecord,
  CandidateTiming,
  CellResult,
  Extraction,
  Intent,
  JudgeFailure,
  Language,
  MatrixCase,
  ModelConfig,
  ProviderFailure,
  RunRecord,
  RunResult,
  SandboxFailure,
  SessionEvent,
  SessionEventBody,
  TestMatrix,
  Usage,
  Verdict,
} from '../core/types';
export type { ProjectEvidence, TestClass } from '../core/project/types';
export type { StrategyRecord } from '../core/strategy/types';
