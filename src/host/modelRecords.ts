/**
 * Each model's record in the editor: every stored ask is added to a JSON Lines file in the
 * extension's global storage (core/records/recordStore.ts: plain node:fs, no native addon, so it
 * loads in Electron's extension host), and the panel's Models view and the CSV export read it.
 * No `vscode` here: the host passes the workspace folder in, and tests use a temporary folder.
 */
import { join } from 'node:path';
import { outcomesCsv, recordSummaries, recordsByModel, selectOutcomes } from '../core/records/modelRecord';
import { RECORDS_FILE, RecordStore } from '../core/records/recordStore';
import { recordsView } from '../core/records/recordsView';
import type { ModelRecordsView } from '../core/records/recordsView';
import type { StrategySettings } from '../core/strategy/plan';
import type { Logger, RunRecord } from '../core/types';

export class ModelRecordBook {
  readonly store: RecordStore;

  constructor(
    storageDir: string,
    /** The first workspace folder's path, when a folder is open. */
    private readonly workspace: () => string | undefined,
    private readonly logger: Logger,
  ) {
    this.store = new RecordStore(join(storageDir, RECORDS_FILE));
  }

  /** Adds a stored ask (again, after a re-run: the latest line of an ask counts). Never throws. */
  async add(record: RunRecord): Promise<void> {
    try {
      await this.store.addRecord(record, record.project?.root ?? this.workspace());
    } catch (error) {
      this.logger.warn(`could not add run ${record.askId} to the model records: ${String(error)}`);
    }
  }

  async view(enabled: ReadonlySet<string>): Promise<ModelRecordsView> {
    const { outcomes, skipped } = await this.store.read();
    if (skipped)
      this.logger.warn(`model records: skipped ${skipped} unreadable line(s) of ${this.store.path}`);
    return recordsView(outcomes, { workspace: this.workspace(), enabled });
  }

  /**
   * The ask's strategy with this editor's records (wins per dollar), as the CLI passes its own:
   * a cascade's tiers and a budget's choice follow them. `all`, no strategy, or settings that
   * already carry records are returned as they are; a store that cannot be read leaves them out.
   */
  async withRecords(settings: StrategySettings | undefined): Promise<StrategySettings | undefined> {
    if (!settings || settings.strategy === 'all' || settings.records) return settings;
    try {
      const { outcomes } = await this.store.read();
      return { ...settings, records: recordSummaries(recordsByModel(outcomes)) };
    } catch (error) {
      this.logger.warn(`model records: could not read ${this.store.path}: ${String(error)}`);
      return settings;
    }
  }

  /** Overall, then per workspace; demo asks left out. */
  async csv(): Promise<{ csv: string; asks: number }> {
    const { outcomes } = await this.store.read();
    return { csv: outcomesCsv(outcomes), asks: selectOutcomes(outcomes).length };
  }
}
