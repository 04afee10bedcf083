// @ts-check
// CommonJS on purpose: package.json has no "type": "module", and a typeless ESM config makes Node
// reparse it with a warning on every run.
const js = require('@eslint/js');
const globals = require('globals');
const tseslint = require('typescript-eslint');

/** The Mini Program runtime's globals (base library), instead of Node's or the browser's. */
const miniprogramGlobals = {
  wx: 'readonly',
  App: 'readonly',
  Page: 'readonly',
  Component: 'readonly',
  Behavior: 'readonly',
  getApp: 'readonly',
  getCurrentPages: 'readonly',
  requirePlugin: 'readonly',
};

module.exports = tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'miniprogram/miniprogram_npm/**',
      'miniprogram/admin/miniprogram_npm/**',
      'cloudfunctions/*/index.js',
      'cloudfunctions/*/index.js.map',
      'test/fixtures/functions/*/index.js',
      '.mashang/**',
      'test/artifacts/**',
      'local/tools/dist/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names document an intentionally unused parameter or binding.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.cjs', 'eslint.config.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    ignores: ['miniprogram/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Component tests run pages in jsdom: DOM globals are real there.
    files: ['test/component/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Test doubles stand in for loosely typed SDK objects; `any` there is honest, not a shortcut.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['miniprogram/**'],
    languageOptions: { globals: { ...globals.es2020, ...miniprogramGlobals } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // Only miniprogramRoot is uploaded: code outside it (the shared typings) may be imported
      // for types only, and Node built-ins do not exist on a phone.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/typings/*'],
              allowTypeImports: true,
              message: 'typings/ 不在小程序包内：只能 import type。',
            },
            { group: ['node:*'], message: '小程序运行时没有 Node 内置模块。' },
          ],
        },
      ],
    },
  },
);
