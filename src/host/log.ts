/**
 * The `Quorum` log channel, exposed to the core as its `Logger`. A LogOutputChannel lets the user pick
 * the level (Developer: Set Log Level) and timestamps every line for us.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/types';

export interface HostLog extends vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  readonly logger: Logger;
}

export function createHostLog(name = 'Quorum'): HostLog {
  const channel = vscode.window.createOutputChannel(name, { log: true });
  const logger: Logger = {
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
    debug: (m) => channel.debug(m),
  };
  return { channel, logger, dispose: () => channel.dispose() };
}
