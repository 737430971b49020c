// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', '.data', '.tools', 'dist', 'coverage', '.stryker-tmp', 'reports'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'os', 'child_process'],
              message: 'Workflows must be deterministic: no Node built-ins.',
            },
            {
              group: [
                'postgres',
                'grammy',
                'express',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Workflows do I/O only through activities.',
            },
            {
              group: ['../activities/*', '../activities'],
              allowTypeImports: true,
              message: 'Import activities with `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    // Bots reach journeys through the Temporal client (services/) and Telegram through telegram/ (the button codec, send
    // keys, lesson rendering): what activities and workflows do inside is theirs alone, not a protocol to copy.
    files: ['bots/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities', '**/activities/**', '**/workflows', '**/workflows/**'],
              message: 'Bots never import activities/ or workflows/: share through telegram/ or lib/.',
            },
          ],
        },
      ],
    },
  },
  {
    // telegram/ is what activities and bots share, so it imports neither of them (nor the workflows).
    files: ['telegram/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities', '**/activities/**', '**/bots', '**/bots/**', '**/workflows', '**/workflows/**'],
              message: 'telegram/ is shared by activities and bots: it imports neither, nor workflows/.',
            },
          ],
        },
      ],
    },
  },
  {
    // A worker must outlive a Postgres restart: postgres.js can crash the process when the server goes away under an
    // open `sql.begin` (porsager/postgres#1155, #1201). Activities write with single statements (CTEs) instead.
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='begin']",
          message: 'No transaction blocks in activities: make it one statement (a CTE), retried as a step.',
        },
      ],
    },
  },
);
