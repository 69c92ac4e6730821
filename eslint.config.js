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
      'bench/*.mjs',
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
