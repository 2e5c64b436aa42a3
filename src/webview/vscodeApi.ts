/**
 * The typed face of `acquireVsCodeApi()` (declared by @types/vscode-webview): every outgoing message
 * is a WebviewMessage, so the compiler rejects anything the host's guard would drop.
 */
import type { WebviewMessage } from '../protocol';

export interface PanelApi {
  post(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export function acquirePanelApi(): PanelApi {
  // acquireVsCodeApi may be called once per page load; the wrapper is shared by every view.
  const api = acquireVsCodeApi<unknown>();
  return {
    post: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
