/**
 * Every ask is kept as a RunRecord JSON file in the extension's global storage, newest first, with a
 * bounded count so the folder cannot grow without end. Plain node:fs (no `vscode`), so it is tested on
 * a temporary folder.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '../core/types';
import type { HistoryEntry } from '../protocol';

export const DEFAULT_HISTORY_LIMIT = 50;

const SAFE_ID = /^[A-Za-z0-9._-]{1,200}$/;

function fileNameOf(record: RunRecord): string {
  // The time prefix makes a plain name sort equal to a time sort; the id keeps names unique.
  const stamp = record.startedAt.replace(/[^0-9]/g, '').padEnd(17, '0');
  return `${stamp}-${record.askId}.json`;
}

export function entryOf(record: RunRecord): HistoryEntry {
  return {
    askId: record.askId,
    startedAt: record.startedAt,
    instruction: record.request.instruction.slice(0, 200),
    pick: record.verdict?.pick,
    demo: record.demo,
  };
}

export class RunHistory {
  constructor(
    private readonly dir: string,
    private readonly limit = DEFAULT_HISTORY_LIMIT,
    /** Called with each stored run (the model records); awaited, so listeners of the save see it. */
    private readonly afterSave?: (record: RunRecord) => Promise<void>,
  ) {}

  async save(record: RunRecord): Promise<void> {
    if (!SAFE_ID.test(record.askId)) throw new Error(`Refusing to store a run with id "${record.askId}".`);
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, fileNameOf(record)), JSON.stringify(record, null, 2), 'utf8');
    await this.prune();
    await this.afterSave?.(record);
  }

  /** Newest first. Unreadable files are skipped, not fatal: history is a convenience. */
  async list(): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for (const name of await this.files()) {
      const record = await this.readFile(name);
      if (record) entries.push(entryOf(record));
    }
    return entries;
  }

  async load(askId: string): Promise<RunRecord | undefined> {
    if (!SAFE_ID.test(askId)) return undefined;
    const name = (await this.files()).find((f) => f.endsWith(`-${askId}.json`));
    return name ? this.readFile(name) : undefined;
  }

  private async files(): Promise<string[]> {
    try {
      const names = await readdir(this.dir);
      return names.filter((n) => n.endsWith('.json')).sort((a, b) => b.localeCompare(a));
    } catch {
      return [];
    }
  }

  private async readFile(name: string): Promise<RunRecord | undefined> {
    try {
      const parsed = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as Partial<RunRecord>;
      return parsed.version === 1 && typeof parsed.askId === 'string' ? (parsed as RunRecord) : undefined;
    } catch {
      return undefined;
    }
  }

  private async prune(): Promise<void> {
    const stale = (await this.files()).slice(this.limit);
    await Promise.all(stale.map((n) => rm(join(this.dir, n), { force: true })));
  }
}
