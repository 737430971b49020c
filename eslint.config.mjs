// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers (README, "Architecture") as `@typescript-eslint/no-restricted-imports` per folder. A rule names top-level
 * folders; a file `depth` folders down reaches one as `../`×depth, so each depth gets its own pattern and imports
 * inside a file's own folder (`./x`, or `../x` from a subfolder) never match. ESLint keeps the last block that sets a
 * rule for a file, so each file gets all the rules of its folder in one block.
 */

/**
 * @typedef {{ deny: string[] } | { allow: string[] } | { regex: string }} LayerTarget
 * @typedef {LayerTarget & { message: string, allowTypeImports?: boolean }} LayerRule
 */

/** What no folder below apps/ imports; apps/, worker.ts, tests, bench and scripts/ sit on top and may. */
const EVERYWHERE = [
  { deny: ['apps'], message: 'Nothing imports apps/: entry points and their wiring sit on top (tests may reach in).' },
  { deny: ['infra'], message: 'infra/ (binaries, dev server, embedded Postgres) is for apps/, tests and bench only.' },
  { deny: ['testing'], message: 'testing/ (stand-ins) is for tests, bench and the demo (apps/start.ts) only.' },
  {
    deny: ['workflows'],
    message: 'Workflow code is bundled by the worker from its path, never imported: use journey/definitions.',
  },
  {
    deny: ['activities'],
    message: 'activities/ are wired by apps/ alone: share through telegram/, journey/ or domain/ instead.',
  },
];

/** Temporal's sandbox replays workflow code: whatever its bundle reaches must be deterministic. */
const DETERMINISM = [
  {
    regex: `^(node:|(${builtinModules.filter((name) => !name.includes('/')).join('|')})(/|$))`,
    message: 'Workflows must be deterministic: no Node built-ins.',
  },
  {
    regex: '^(postgres|grammy|express|@temporalio/(client|worker|activity))(/|$)',
    message: 'Workflows do I/O only through activities.',
  },
];

const importsNoFolder = (/** @type {string} */ folder) => ({
  allow: [folder],
  message: `${folder}/ is at the bottom: it imports no other folder of the project.`,
});

/**
 * Each folder's own rules, bottom layer first. `deny` names folders it never imports, `allow` the only ones it may (its
 * own among them), `regex` matches the import as written (packages). A folder without an `allow` also gets EVERYWHERE.
 * @type {Record<string, LayerRule[]>}
 */
const LAYERS = {
  // Plain TypeScript that the workflow sandbox, activities, bots and the content loader share.
  domain: [
    { allow: ['domain'], message: 'domain/ imports no other folder of the project.' },
    { regex: '^(?!\\.)', message: 'domain/ imports no package and no Node built-in: the workflow bundle reaches it.' },
  ],
  lib: [importsNoFolder('lib')],
  db: [importsNoFolder('db')],
  locales: [importsNoFolder('locales')],
  // The definitions, the Temporal client and the operations on journeys that bots, payments, admin and apps use.
  journey: [
    { deny: ['db'], allowTypeImports: true, message: 'journey/ is handed the database: `import type` from db/ only.' },
    { allow: ['journey', 'domain', 'lib', 'db'], message: 'journey/ imports only domain/ and lib/ (and db/ types).' },
    {
      regex: '^(?!\\.|@temporalio/(client|common|workflow)$)',
      message: 'journey/ needs no package but the Temporal client (and, for the definitions, @temporalio/workflow).',
    },
  ],
  // Deterministic workflow code only.
  workflows: [
    ...DETERMINISM,
    { deny: ['activities'], allowTypeImports: true, message: 'Import activities with `import type`.' },
    {
      allow: ['workflows', 'domain', 'journey/definitions', 'activities'],
      message: 'Workflows import only domain/, journey/definitions and (as types) activities/.',
    },
  ],
  // telegram/ is what activities and bots share, so it imports neither of them (nor the workflows).
  telegram: [{ deny: ['bots'], message: 'telegram/ is shared by activities and bots: it imports neither.' }],
  activities: [{ deny: ['bots'], message: 'Activities never import bots/: what they share lives in telegram/.' }],
  // Bots reach journeys through journey/ and Telegram through telegram/ (the button codec, send keys, lesson
  // rendering): what activities and workflows do inside is theirs alone, not a protocol to copy.
  bots: [],
  payments: [{ deny: ['bots'], message: 'payments/ never imports bots/: the bots use payments, not the other way.' }],
  config: [],
  content: [],
  server: [],
  admin: [],
  infra: [],
  testing: [],
};

/** @param {LayerRule} rule @param {number} depth */
function pattern(rule, depth) {
  const up = `^(\\.\\./){${depth}}`;
  const regex =
    'regex' in rule
      ? rule.regex
      : 'deny' in rule
        ? `${up}(${rule.deny.join('|')})(/|$)`
        : `${up}(?!(${rule.allow.join('|')})(/|$))`;
  return { regex, caseSensitive: true, message: rule.message, allowTypeImports: rule.allowTypeImports ?? false };
}

/** @param {string[]} files @param {LayerRule[]} rules @param {number} depth */
function restrict(files, rules, depth) {
  const patterns = rules.map((rule) => pattern(rule, depth));
  return { files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } };
}

/** @param {string} folder @param {LayerRule[]} rules */
const layer = (folder, rules) =>
  [1, 2, 3].map((depth) => restrict([`${folder}/${'*/'.repeat(depth - 1)}*.ts`], rules, depth));

const layerRules = [
  ...Object.entries(LAYERS).flatMap(([folder, rules]) =>
    layer(
      folder,
      rules.some((rule) => 'allow' in rule)
        ? rules
        : [...rules, ...EVERYWHERE.filter((rule) => !rule.deny.includes(folder))],
    ),
  ),
  // The definitions are in the workflow bundle as well as in every client.
  restrict(
    ['journey/definitions.ts'],
    [
      ...DETERMINISM,
      { regex: '^(?!\\.\\./domain/)\\.', message: 'The workflow bundle reaches this file: domain/ only.' },
    ],
    1,
  ),
  ...layer('apps', [{ deny: ['testing'], message: 'Only the demo (apps/start.ts, apps/demo.ts) uses testing/.' }]),
  { files: ['apps/start.ts', 'apps/demo.ts'], rules: { '@typescript-eslint/no-restricted-imports': 'off' } },
];

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
  ...layerRules,
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
