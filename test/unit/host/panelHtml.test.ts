// Pure (no `vscode`): also runs with plain mocha.
import { strict as assert } from 'node:assert';
import { contentSecurityPolicy, createNonce, panelHtml } from '../../../src/host/panelHtml';

const assets = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  codiconsUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css',
};

describe('panel HTML', () => {
  it('has a CSP that denies everything but the nonce script and local styles, fonts and images', () => {
    const csp = contentSecurityPolicy(assets.cspSource, 'N0NCE');
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-N0NCE'; style-src https://file+.vscode-resource.vscode-cdn.net; " +
        'font-src https://file+.vscode-resource.vscode-cdn.net; img-src https://file+.vscode-resource.vscode-cdn.net data:',
    );
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });

  it('loads exactly one script, tagged with the CSP nonce, and no inline code', () => {
    const html = panelHtml(assets, 'abc123');
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], /nonce="abc123"/);
    assert.match(
      scripts[0][1],
      /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"/,
    );
    assert.equal(scripts[0][2].trim(), '');
    assert.match(html, /script-src 'nonce-abc123'/);
    assert.match(html, /href="[^"]*media\/panel\.css"/);
    assert.match(html, /href="[^"]*dist\/codicons\/codicon\.css"/);
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/);
  });

  it('makes a fresh, unguessable nonce each time', () => {
    const a = createNonce();
    const b = createNonce();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9_-]{24}$/);
  });
});
