import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const CONFIG = pathToFileURL(resolve(__dirname, '../../eslint.config.mjs')).href;

/** The layer rules of eslint.config.mjs, run alone (no type information needed) on probe files. */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const { LAYERS } = (await import(CONFIG)) as { LAYERS: Linter.Config[] };
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { '@typescript-eslint': tseslint.plugin as unknown as ESLint.Plugin },
      },
      ...LAYERS,
    ],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const RULE = '@typescript-eslint/no-restricted-imports';

describe('layering (eslint.config.mjs LAYERS)', () => {
  it('core imports nothing from vscode, host, cli, server, webview, demo or protocol', async () => {
    for (const source of [
      'vscode',
      '../host/log',
      '../cli/io',
      '../../cli/io',
      '../server/auth',
      '../webview/dom',
      '../demo/replayServer',
      '../protocol',
    ]) {
      const errors = await layerErrors(
        'src/core/judge/probe.ts',
        `import { x } from '${source}';\nvoid x;\n`,
      );
      assert.equal(errors.length, 1, `core importing ${source}: ${errors.join('; ')}`);
      assert.ok(errors[0]?.startsWith(RULE), errors[0]);
    }
    assert.deepEqual(
      await layerErrors(
        'src/core/probe.ts',
        "import { x } from './types';\nimport { y } from './judge/b4';\nvoid [x, y];\n",
      ),
      [],
    );
  });

  it('the gateway never imports the CLI (a new server -> cli import fails the lint)', async () => {
    const errors = await layerErrors(
      'src/server/routes/probe.ts',
      "import { UsageError } from '../../cli/io';\nvoid UsageError;\n",
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /what it shares with the CLI lives in src\/core/);
    assert.deepEqual(
      await layerErrors(
        'src/server/probe.ts',
        "import { x } from '../core/usageError';\nimport type { y } from '../protocol';\nvoid x;\nexport type Y = y;\n",
      ),
      [],
    );
  });

  it('the host and the extension entry never import the CLI or the gateway', async () => {
    for (const [file, source] of [
      ['src/host/probe.ts', '../cli/remoteAsk'],
      ['src/host/lm/probe.ts', '../../server/server'],
      ['src/extension.ts', './cli/io'],
    ] as const) {
      const errors = await layerErrors(file, `import { x } from '${source}';\nvoid x;\n`);
      assert.equal(errors.length, 1, `${file} importing ${source}`);
    }
    assert.deepEqual(
      await layerErrors('src/host/probe.ts', "import { x } from '../core/gatewayClient';\nvoid x;\n"),
      [],
    );
  });

  it('the CLI never imports the gateway, except cli/serve.ts, which starts it; neither imports the editor', async () => {
    const errors = await layerErrors(
      'src/cli/mcp.ts',
      "import { startServer } from '../server/server';\nvoid startServer;\n",
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /only cli\/serve\.ts/);
    assert.deepEqual(
      await layerErrors(
        'src/cli/serve.ts',
        "import { startServer } from '../server/server';\nvoid startServer;\n",
      ),
      [],
    );
    assert.deepEqual(
      await layerErrors(
        'src/cli/mcp.ts',
        "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nvoid McpServer;\n",
      ),
      [],
      'a package path with /server/ in it is not the gateway',
    );
    for (const file of ['src/cli/serve.ts', 'src/cli.ts', 'src/demo/probe.ts']) {
      const errors = await layerErrors(
        file,
        "import { x } from './host/panel';\nimport * as vscode from 'vscode';\nvoid [x, vscode];\n",
      );
      assert.equal(errors.length, 2, `${file}: ${errors.join('; ')}`);
    }
  });

  it('the webview imports protocol, core/types, and the rest of core only as types', async () => {
    const file = 'src/webview/probe.ts';
    assert.deepEqual(
      await layerErrors(
        file,
        "import { INTENTS } from '../core/types';\nimport type { SpendEstimate } from '../core/spend';\nimport { isHostMessage } from '../protocol';\nvoid [INTENTS, isHostMessage];\nexport type S = SpendEstimate;\n",
      ),
      [],
    );
    for (const source of ['../core/spend', '../host/panel', 'vscode', '../demo/demoAsks']) {
      const errors = await layerErrors(file, `import { x } from '${source}';\nvoid x;\n`);
      assert.equal(errors.length, 1, `webview importing ${source} as a value`);
    }
  });
});
