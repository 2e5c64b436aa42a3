/** What every view receives: a way to talk to the host and a way to change local UI state. */
import type { WebviewMessage } from '../protocol';
import type { LocalAction } from './state';

export interface ViewContext {
  post(message: WebviewMessage): void;
  dispatch(action: LocalAction): void;
}
