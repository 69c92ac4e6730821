// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'data/**',
      'coverage/**',
      'node_modules/**',
      'bench/results/**',
      '*.cjs',
      'eslint.config.js',
      'client/cli/bin/*.mjs',
      'client/cli/agent/*.mjs',
      'bench/*.mjs',
      'client/web/*.mjs',
      'scripts/*.mjs',
      'client/web/vite.config.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Nest's DI needs runtime class references for injected parameters; type-only imports would break it.
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  // Boundaries (docs/ARCHITECTURE.md): the client never reaches into the server, the server never into
  // the client, and contracts/ stands alone so both sides (and a browser) can load it.
  {
    files: ['client/**/*.ts', 'client/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src/**'], message: 'client/ imports contracts/, never the server (src/).' }] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/client/**'], message: 'src/ imports contracts/, never the client.' }] },
      ],
    },
  },
  {
    files: ['contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\./)',
              message: 'contracts/ imports only zod and its own files: both sides and the browser load it.',
            },
          ],
        },
      ],
    },
  },
  {
    // The SDK runs in browsers: browser.ts and index.ts are the web client's entries, so nothing but the
    // Node entry and the file stores may need Node (test/browser/sdk-stores.browser-spec.ts bundles the
    // SDK for Chromium, and the bundle fails on any Node built-in, however it is spelt).
    files: ['client/sdk/**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      'client/sdk/node.ts',
      'client/sdk/store/file-*.ts',
      'client/sdk/store/private-file.ts',
      'client/sdk/crypto/**', // its own rule below, stricter
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src/**'], message: 'client/ imports contracts/, never the server (src/).' },
            { regex: '^node:', message: 'The SDK runs in browsers: Node only in node.ts and the file stores.' },
          ],
        },
      ],
    },
  },
  {
    // The crypto layer is pure: no network, no storage (STYLE.md).
    files: ['client/sdk/crypto/**/*.ts'],
    ignores: ['**/*.spec.ts'], // tests may read their vector files
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/**', // the client boundary above, which this rule replaces for these files
                '**/transport/**',
                '**/store/**',
                'socket.io-client',
                'node:http',
                'node:https',
                'node:net',
                'node:fs',
                'node:fs/promises',
              ],
              message: 'sdk/crypto does no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
