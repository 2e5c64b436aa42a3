import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const CORE_IS_PURE =
  'src/core is pure: it imports only src/core (no vscode, host, cli, server, webview, demo or protocol); pass what it needs through an interface.';
const WEBVIEW_ONLY =
  'The webview imports only ../protocol, ../core/types and, type-only, the rest of ../core (its own bundle, no node, no vscode).';
/**
 * Relative imports of the given top-level parts of src/ (`../cli/io`, `../../cli`, `./server/app`);
 * package paths such as `@modelcontextprotocol/sdk/server/mcp.js` do not match.
 */
const layers = (...names) => `^(\\.{1,2}/)+(${names.join('|')})(\\.js)?(/|$)`;

/**
 * The layers: core <- protocol (types and guards) <- cli, server, host, webview; demo (the local
 * replay server) beside core, used by cli and host. cli and server never import each other, except
 * cli/serve.ts, the `quorum serve` command that starts the gateway. Each block names
 * the imports its layer may not make, so a break fails the lint suite (test/unit/layering.test.ts
 * proves each one bites).
 */
export const LAYERS = [
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: CORE_IS_PURE }],
          patterns: [
            {
              regex: layers('host', 'cli', 'server', 'webview', 'demo', 'protocol', 'extension'),
              message: CORE_IS_PURE,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The gateway runs without VS Code.' }],
          patterns: [
            {
              regex: layers('cli', 'host', 'webview', 'extension'),
              message:
                'The gateway imports core and protocol only; what it shares with the CLI lives in src/core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/host/**/*.ts', 'src/extension.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: layers('cli', 'server', 'webview'),
              message:
                'The host imports core, protocol and demo; what it shares with the CLI or the gateway lives in src/core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'src/cli.ts'],
    ignores: ['src/cli/serve.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The CLI runs without VS Code.' }],
          patterns: [
            {
              regex: layers('server', 'host', 'webview', 'extension'),
              message:
                'The CLI imports core, protocol and demo; only cli/serve.ts, the command that starts the gateway, imports src/server.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/serve.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The CLI runs without VS Code.' }],
          patterns: [
            { regex: layers('host', 'webview', 'extension'), message: 'The CLI never imports the editor.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/demo/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The demo server runs in the editor and in the CLI alike.' }],
          patterns: [
            {
              regex: layers('host', 'cli', 'server', 'webview', 'extension'),
              message:
                'The demo (a local server and its recordings) imports core only: the editor and the CLI both start it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: WEBVIEW_ONLY }],
          patterns: [
            { regex: layers('host', 'cli', 'server', 'demo', 'extension'), message: WEBVIEW_ONLY },
            // core/types.ts imports nothing (its tables are plain data); the rest of core is type-only here.
            { regex: '^(\\.{1,2}/)+core/(?!types$)', allowTypeImports: true, message: WEBVIEW_ONLY },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.vscode-test/**',
      '.test-output/**',
      'test/fixtures/**',
      // The sample workspace the walkthrough opens: the user's code, not Quorum's.
      'sample/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './src/webview/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...LAYERS,
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
