// Three bundles: the extension host (node/cjs, `vscode` external), the CLI (node/cjs) and the
// panel webview (browser/iife). The integration suite is bundled too, so it runs inside the
// real extension host without a TypeScript loader.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** dockerode -> ssh2 optionally loads native addons inside try/catch; leave them out of the bundle. */
const nodeExternals = ['vscode', 'cpu-features', '*.node'];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: nodeExternals };

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
  },
];
if (!production && existsSync('test/integration/index.ts')) {
  builds.push({
    ...node,
    entryPoints: ['test/integration/index.ts'],
    outfile: 'dist/test/integration.js',
    external: [...nodeExternals, 'mocha'],
  });
}

// The panel's icon font ships inside dist/, so the .vsix needs no node_modules.
mkdirSync('dist/codicons', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf'])
  cpSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);

const present = builds.filter((b) => b.entryPoints.every((e) => existsSync(e)));
if (watch) {
  const contexts = await Promise.all(present.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(present.map((b) => esbuild.build(b)));
}
