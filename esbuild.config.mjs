// Three bundles: the extension host (node/cjs, `vscode` external), the CLI (node/cjs) and the
// panel webview (browser/iife). The integration suite is bundled too, so it runs inside the
// real extension host without a TypeScript loader.
// The extension's heavy packages, which only the half of the core that loads on first use needs
// (the tokenizer's ranks, the provider SDKs, dockerode, sucrase, markdown-it), are files of their
// own under dist/vendor/, required when that half first runs: the activation bundle stays small.
// `--outdir DIR` builds into DIR instead of dist/ (to measure a production build without
// replacing the bundles the tests run).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const outArg = process.argv.indexOf('--outdir');
const out = outArg > 0 ? process.argv[outArg + 1] : 'dist';

/**
 * dockerode -> ssh2 optionally loads native addons inside try/catch; leave them out of the bundle.
 * The gateway's better-sqlite3 is a native addon loaded from node_modules (pg's pg-native is optional).
 */
const nodeExternals = ['vscode', 'cpu-features', '*.node', 'better-sqlite3', 'pg-native'];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: nodeExternals };

/**
 * Imported only by modules the extension loads with `import()` (coreLoader.ts, spend.ts, lm/): each
 * becomes dist/vendor/NAME.js, and the extension bundle requires it by that relative path. The
 * require sits inside the lazily initialised module that imports it (a dynamic `import()` of one
 * becomes a `require` too, which any extension host runs), so activation never reads these files.
 */
const LAZY_VENDORS = {
  'js-tiktoken/ranks/o200k_base': 'o200k_base',
  dockerode: 'dockerode',
  sucrase: 'sucrase',
  openai: 'openai',
  'groq-sdk': 'groq-sdk',
  ollama: 'ollama',
  'markdown-it': 'markdown-it',
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
export const lazyVendors = {
  name: 'lazy-vendors',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LAZY_VENDORS).map(escape).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-vendor' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-vendor' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`./vendor/${LAZY_VENDORS[args.path]}.js`)});`,
      loader: 'js',
    }));
    build.onResolve({ filter: /^\.\/vendor\//, namespace: 'lazy-vendor' }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};
const vendorBuilds = Object.entries(LAZY_VENDORS).map(([pkg, name]) => ({
  ...node,
  stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', loader: 'js' },
  outfile: `${out}/vendor/${name}.js`,
  sourcemap: false,
}));

/** Every bundle this config builds (test/unit/launchConfigs.test.ts checks the F5 configurations run them). */
export const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: `${out}/extension.js`, plugins: [lazyVendors] },
  ...vendorBuilds,
  { ...node, entryPoints: ['src/cli.ts'], outfile: `${out}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['src/webview/main.ts'],
    outfile: `${out}/webview.js`,
  },
];
if (!production && existsSync('test/integration/index.ts')) {
  builds.push({
    ...node,
    entryPoints: ['test/integration/index.ts'],
    outfile: `${out}/test/integration.js`,
    external: [...nodeExternals, 'mocha'],
  });
}

// Imported (for lazyVendors, by a build that checks the split) rather than run: build nothing.
const run = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (run) {
  // The panel's icon font ships inside dist/, so the .vsix needs no node_modules.
  mkdirSync(`${out}/codicons`, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf'])
    cpSync(`node_modules/@vscode/codicons/dist/${f}`, `${out}/codicons/${f}`);

  const present = builds.filter((b) => (b.entryPoints ?? []).every((e) => existsSync(e)));
  if (watch) {
    const contexts = await Promise.all(present.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(present.map((b) => esbuild.build(b)));
  }
}
