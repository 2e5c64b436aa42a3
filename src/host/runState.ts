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
  /** An edit ask: the file's whole new text, once the answer was read as an edit that applies. */
  newText?: string;
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
  /**
   * An edit ask: a candidate's code is the edited file's whole new text (not the answer's block),
   * and Apply replaces the whole file with it.
   */
  editAsk = false;

  /** Starts a new live ask; its id is known from the moment Run is pressed. */
  begin(askId: string, context: string | undefined): void {
    this.entries = new Map();
    this.verdictValue = undefined;
    this.recordValue = undefined;
    this.askId = askId;
    this.context = context;
    this.editAsk = false;
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
      case 'project-ready':
        this.editAsk = true;
        break;
      case 'project-evidence': {
        const entry = this.entries.get(event.candidateId);
        if (entry && event.evidence.edit.ok) entry.newText = event.evidence.edit.newText;
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
    this.editAsk = record.request.edit !== undefined;
    this.entries = new Map(
      record.candidates.map((c) => [
        c.id,
        {
          model: c.model,
          extraction: c.extraction,
          newText: c.project?.edit.ok ? c.project.edit.newText : undefined,
        },
      ]),
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
    if (this.editAsk) {
      // An edit that did not apply has nothing to insert: its error is shown on its card.
      const language = entry?.extraction?.language ?? null;
      return entry?.newText !== undefined
        ? { id, model: entry.model, code: entry.newText, language }
        : undefined;
    }
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
