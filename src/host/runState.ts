/**
 * What the host knows about the ask shown in the panel: each candidate's code and language, the pick
 * and the context, built from the live event stream or from a stored RunRecord. Pure (no `vscode`):
 * candidate actions (insert, diff, re-run) look their code up here.
 */
import type { Language, RunRecord, SessionEvent, Extraction, ModelConfig, Verdict } from '../core/types';

export interface CandidateCode {
  readonly id: string;
  readonly model: ModelConfig;
  readonly code: string;
  readonly language: Language | null;
}

interface Entry {
  model: ModelConfig;
  extraction?: Extraction;
}

export function codeOfExtraction(
  extraction: Extraction | undefined,
): { code: string; language: Language | null } | undefined {
  const block = extraction?.main ?? extraction?.blocks[0];
  return block ? { code: block.code, language: block.language ?? extraction?.language ?? null } : undefined;
}

export class RunState {
  private entries = new Map<string, Entry>();
  private verdictValue: Verdict | undefined;
  private recordValue: RunRecord | undefined;
  askId: string | undefined;
  /** The selection or file the ask was made about, for diffs against the selection. */
  context: string | undefined;

  /** Starts a new live ask; its id is known from the moment Run is pressed. */
  begin(askId: string, context: string | undefined): void {
    this.entries = new Map();
    this.verdictValue = undefined;
    this.recordValue = undefined;
    this.askId = askId;
    this.context = context;
  }

  apply(event: SessionEvent): void {
    switch (event.type) {
      case 'session-started':
        this.askId = event.askId;
        break;
      case 'candidate-started':
        this.entries.set(event.candidateId, { model: event.model });
        break;
      case 'candidate-done': {
        const entry = this.entries.get(event.candidateId);
        if (entry) entry.extraction = event.extraction;
        break;
      }
      case 'verdict':
        this.verdictValue = event.verdict;
        break;
      case 'session-done':
      case 'record-updated':
        this.load(event.record);
        break;
      default:
        break;
    }
  }

  /** Shows a finished or stored run. */
  load(record: RunRecord): void {
    this.recordValue = record;
    this.askId = record.askId;
    this.context = record.request.context;
    this.verdictValue = record.verdict;
    this.entries = new Map(
      record.candidates.map((c) => [c.id, { model: c.model, extraction: c.extraction }]),
    );
  }

  get record(): RunRecord | undefined {
    return this.recordValue;
  }

  get pick(): string | null {
    return this.verdictValue?.pick ?? null;
  }

  candidate(id: string): CandidateCode | undefined {
    const entry = this.entries.get(id);
    const code = codeOfExtraction(entry?.extraction);
    return entry && code ? { id, model: entry.model, ...code } : undefined;
  }

  /** Every candidate that has code, in answer order. */
  candidates(): CandidateCode[] {
    return [...this.entries.keys()].flatMap((id) => {
      const c = this.candidate(id);
      return c ? [c] : [];
    });
  }
}
