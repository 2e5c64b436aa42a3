/**
 * Where the model records live: one append-only JSON Lines file of ask outcomes (modelRecord.ts),
 * in the extension's global storage or the CLI's data folder. Plain node:fs, so it loads in the
 * editor's extension host (Electron: no native addon) and in the CLI alike.
 *
 * Bounded: once the file passes `maxBytes` it is compacted — one line per ask (the last stored),
 * the newest kept up to `keepBytes` — into a temporary file that replaces it. A line that does not
 * parse (a torn write, a newer version) is skipped when reading, never fatal.
 */
import { appendFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isAskOutcome, outcomeOf, recordsByModel } from './modelRecord';
import type { AskOutcome, ModelRecord, RecordFilter } from './modelRecord';
import type { RunRecord } from '../types';

export const RECORDS_FILE = 'model-records.jsonl';
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
export const DEFAULT_KEEP_BYTES = 2 * 1024 * 1024;

export interface RecordStoreOptions {
  /** Past this size an append compacts the file. */
  readonly maxBytes?: number;
  /** What compaction keeps, newest first (must be below `maxBytes`). */
  readonly keepBytes?: number;
}

export interface ReadResult {
  readonly outcomes: AskOutcome[];
  /** Lines that were not outcomes (skipped). */
  readonly skipped: number;
}

export class RecordStore {
  private readonly maxBytes: number;
  private readonly keepBytes: number;
  /** Appends and compactions of this process run one at a time. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    options: RecordStoreOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.keepBytes = Math.min(options.keepBytes ?? DEFAULT_KEEP_BYTES, this.maxBytes);
  }

  /** Records a finished ask; a cancelled ask, or one with no candidate, is not recorded. */
  async addRecord(record: RunRecord, workspace?: string): Promise<AskOutcome | undefined> {
    const outcome = outcomeOf(record, { workspace });
    if (outcome) await this.add(outcome);
    return outcome;
  }

  add(outcome: AskOutcome): Promise<void> {
    const line = JSON.stringify(outcome) + '\n';
    const next = this.queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, line, 'utf8');
      const { size } = await stat(this.path);
      if (size > this.maxBytes) await this.compactNow();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Every outcome in the file, in stored order; a missing file is an empty record. */
  async read(): Promise<ReadResult> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { outcomes: [], skipped: 0 };
      throw error;
    }
    const outcomes: AskOutcome[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const value: unknown = JSON.parse(line);
        if (isAskOutcome(value)) outcomes.push(value);
        else skipped += 1;
      } catch {
        skipped += 1;
      }
    }
    return { outcomes, skipped };
  }

  /** Compacts now (also done by `add` past `maxBytes`). */
  compact(): Promise<void> {
    const next = this.queue.then(() => this.compactNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async compactNow(): Promise<void> {
    const { outcomes } = await this.read();
    const byAsk = new Map<string, AskOutcome>();
    for (const o of outcomes) byAsk.set(o.askId, o);
    const newestFirst = [...byAsk.values()].sort((a, b) => b.at.localeCompare(a.at));
    const kept: string[] = [];
    let bytes = 0;
    for (const o of newestFirst) {
      const line = JSON.stringify(o) + '\n';
      const size = Buffer.byteLength(line);
      if (bytes + size > this.keepBytes) break;
      kept.push(line);
      bytes += size;
    }
    const tmp = join(dirname(this.path), `.${RECORDS_FILE}.${process.pid}.tmp`);
    await writeFile(tmp, kept.reverse().join(''), 'utf8');
    await rename(tmp, this.path);
  }
}

/**
 * The CLI's records file: `$QUORUM_DATA_DIR`, else `$XDG_DATA_HOME/quorum`, else
 * `$HOME/.local/share/quorum`. Undefined when the environment names none of them, or when
 * `QUORUM_RECORDS=off`: then nothing is recorded.
 */
export function cliRecordsPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.QUORUM_RECORDS === 'off') return undefined;
  const dir =
    env.QUORUM_DATA_DIR ||
    (env.XDG_DATA_HOME && join(env.XDG_DATA_HOME, 'quorum')) ||
    (env.HOME && join(env.HOME, '.local', 'share', 'quorum'));
  return dir ? join(dir, RECORDS_FILE) : undefined;
}

/** Per-model records from a store file (missing file: none), for callers that only need the totals. */
export async function loadModelRecords(
  path: string,
  filter: RecordFilter = {},
): Promise<Map<string, ModelRecord>> {
  return recordsByModel((await new RecordStore(path).read()).outcomes, filter);
}
