/**
 * Where the editor's asks go when `quorum.server.url` names a Quorum gateway, and the token it
 * needs. The token lives in SecretStorage bound to the gateway's URL, like the API keys are bound
 * to their endpoint: pointing the setting at another server does not send it there.
 */
import * as vscode from 'vscode';
import type { SettingsSnapshot } from './config';
import type { GatewayTarget } from './gatewayClient';

const SECRET = 'quorum.gatewayToken';

interface StoredToken {
  readonly url: string;
  readonly token: string;
}

export class GatewayAccess {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly settings: SettingsSnapshot,
  ) {}

  /** The gateway to use, with its token when one is stored for this URL; undefined: ask locally. */
  async target(): Promise<GatewayTarget | undefined> {
    const url = this.settings.gatewayUrl;
    if (!url) return undefined;
    const stored = parse(await this.secrets.get(SECRET));
    return { url, token: stored?.url === url ? stored.token : undefined };
  }

  async setToken(token: string): Promise<void> {
    const url = this.settings.gatewayUrl;
    if (!url) throw new Error('Set quorum.server.url to the gateway first.');
    await this.secrets.store(SECRET, JSON.stringify({ url, token } satisfies StoredToken));
  }

  /** Asks for the token in a password box; returns whether one was stored. */
  async promptToken(): Promise<boolean> {
    const url = this.settings.gatewayUrl;
    if (!url) {
      void vscode.window.showWarningMessage('Quorum: set quorum.server.url to the gateway first.');
      return false;
    }
    const token = await vscode.window.showInputBox({
      title: `Quorum: token for ${url}`,
      prompt: "A bearer token from the gateway's QUORUM_SERVER_TOKENS. Stored in VS Code's SecretStorage.",
      password: true,
      ignoreFocusOut: true,
    });
    if (!token) return false;
    await this.setToken(token.trim());
    return true;
  }
}

function parse(raw: string | undefined): StoredToken | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<StoredToken>;
    return typeof value.url === 'string' && typeof value.token === 'string'
      ? (value as StoredToken)
      : undefined;
  } catch {
    return undefined;
  }
}
