/**
 * The panel's HTML shell. Everything it loads comes from the extension's own dist/ and media/
 * through webview URIs; the CSP allows no inline code and only the nonce-tagged script.
 * Pure (no `vscode`): the CSP is asserted on directly in tests.
 */
import { randomBytes } from 'node:crypto';

export interface PanelAssets {
  /** `webview.cspSource` */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconsUri: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function panelHtml(assets: PanelAssets, nonce: string = createNonce()): string {
  const csp = contentSecurityPolicy(assets.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escapeAttr(assets.codiconsUri)}">
  <link rel="stylesheet" href="${escapeAttr(assets.styleUri)}">
  <title>Quorum</title>
</head>
<body>
  <script nonce="${nonce}" src="${escapeAttr(assets.scriptUri)}"></script>
</body>
</html>`;
}
