import { runSummary } from '../core/runSummary';
import type { PullProgress, SessionEvent } from '../core/types';
import type { CliIo } from './io';
import { evidenceLine } from './projectReport';

/** A progress line per model on stderr, only when stderr is a terminal. */
export function attachProgress(io: CliIo): (event: SessionEvent) => void {
  if (!io.stderr.isTTY) return () => {};
  const chars = new Map<string, number>();
  const line = (text: string): void => void io.stderr.write(`\r\x1b[2K${text}\n`);
  return (event) => {
    switch (event.type) {
      case 'candidate-started':
        chars.set(event.candidateId, 0);
        line(`… ${event.candidateId}: asking ${event.model.model}`);
        break;
      case 'delta':
        chars.set(event.candidateId, (chars.get(event.candidateId) ?? 0) + event.text.length);
        break;
      case 'candidate-done':
        line(`✓ ${event.candidateId}: answered (${chars.get(event.candidateId) ?? 0} chars)`);
        break;
      case 'candidate-failed':
        line(`✗ ${event.candidateId}: ${event.error.message}`);
        break;
      case 'run-started':
        line(`▶ ${event.candidateId}: running in ${event.image}`);
        break;
      case 'run-done':
        line(`■ ${event.candidateId}: ${runSummary(event.run)}`);
        break;
      case 'run-failed':
        line(`✗ ${event.candidateId}: ${event.error.message}`);
        break;
      case 'baseline-done': {
        const statuses = Object.values(event.baseline.tests);
        const failing = statuses.filter((st) => st === 'failed' || st === 'error').length;
        line(
          event.baseline.state === 'ok'
            ? `▶ baseline: ${statuses.length} project tests, ${failing} failing`
            : `✗ baseline: no evidence (${event.baseline.state})`,
        );
        break;
      }
      case 'project-evidence':
        line(`▶ ${event.candidateId}: ${evidenceLine(event.evidence, undefined)}`);
        break;
      case 'judge-started':
        line('⚖ judging');
        break;
      case 'tier-started':
        line(
          `⇢ ${event.tier === undefined ? `round ${event.round}` : `tier ${event.tier}`}: asking ${event.modelIds.join(', ')}`,
        );
        break;
      case 'tier-done':
        line(
          `${event.stopped ? '■' : '⇣'} ${event.tier === undefined ? `round ${event.round}` : `tier ${event.tier}`}: ${event.why}`,
        );
        break;
      case 'judge-failed':
        line(`✗ judge: ${event.error.message}`);
        break;
      default:
        break;
    }
  };
}

/** Image pulls and one-time preparations as lines on stderr (always: a pull can take minutes). */
export function pullProgressPrinter(io: CliIo): (p: PullProgress) => void {
  return (p) => {
    const fraction = p.fraction === undefined ? '' : ` ${Math.round(p.fraction * 100)}%`;
    io.stderr.write(
      `${p.phase === 'prepare' ? 'preparing' : 'pulling'} ${p.image}: ${p.status}${fraction}\n`,
    );
  };
}
