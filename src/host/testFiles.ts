/**
 * Workspace test files the user pointed at ("Quorum: Use Tests from This File"): their asserts
 * become trusted cases of every ask's judge, weighed above the tests the models wrote. The list is
 * per workspace (workspaceState); a file that is gone or unreadable is skipped with a log line.
 */
import * as vscode from 'vscode';
import type { Logger, TestCase } from '../core/types';

const STATE_KEY = 'quorum.testFiles';
/** A test file larger than this is not sent to the judge (it runs inside every harness). */
const MAX_BYTES = 64 * 1024;

export class TrustedTestFiles {
  constructor(
    private readonly state: vscode.Memento,
    private readonly logger: Logger,
  ) {}

  list(): vscode.Uri[] {
    return this.state.get<string[]>(STATE_KEY, []).map((u) => vscode.Uri.parse(u));
  }

  /** Adds the file, or removes it when it is already used; returns whether it is used now. */
  async toggle(uri: vscode.Uri): Promise<boolean> {
    const current = this.state.get<string[]>(STATE_KEY, []);
    const key = uri.toString();
    const used = !current.includes(key);
    await this.state.update(STATE_KEY, used ? [...current, key] : current.filter((u) => u !== key));
    return used;
  }

  /** The files' contents as the judge's trusted tests. */
  async read(): Promise<TestCase[]> {
    const tests: TestCase[] = [];
    for (const uri of this.list()) {
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (bytes.byteLength > MAX_BYTES) {
          this.logger.warn(`test file ${uri.fsPath} is over ${MAX_BYTES} bytes; not used`);
          continue;
        }
        tests.push({
          id: vscode.workspace.asRelativePath(uri),
          model: 'user',
          code: Buffer.from(bytes).toString('utf8'),
        });
      } catch (error) {
        this.logger.warn(`test file ${uri.fsPath} cannot be read: ${String(error)}`);
      }
    }
    return tests;
  }
}
