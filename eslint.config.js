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

// Architecture boundaries (README, "Architecture"): each is an import pattern, so breaking one is a
// lint error. One rule per file in flat config (a later block replaces an earlier one's options),
// so each folder's block lists every pattern that applies to it.

/** The local stack runs on a developer's machine: nothing deployed may depend on it. */
const noLocal = {
  regex: '(^|/)local(/|$)',
  message: '云函数不能引用 local/：本地栈不随云函数部署。',
};

/** Only core/data/** queries collections and cloud storage: the SDK's handles are theirs. */
const noDatabaseHandle = {
  regex: '(^|/)cloud(\\.js)?$',
  importNames: ['db'],
  message: '只有 core/data/** 访问集合：把查询写成 core/data 里的函数再调用它。',
};
const noSdkHandles = {
  regex: '(^|/)cloud(\\.js)?$',
  importNames: ['db', 'cloud'],
  message:
    '只有 core/data/** 访问集合与云存储（core/data/storage.ts）；身份只从 core/caller.ts 取。',
};

/** core/cloud.ts initialises the SDK once; everything else goes through it. */
const noSdk = {
  regex: '^wx-server-sdk$',
  message: 'wx-server-sdk 只在 core/cloud.ts 初始化：用 core/data 的函数或 core/caller.ts。',
};

/**
 * The domain is pure rules: it imports other domain modules (./), the error type, the shared
 * typings, and libraries that only compute (hashing, randomness, QR matrices, PNG and JPEG bytes).
 */
const domainOnly = [
  {
    regex: '^\\.\\./(?!errors\\.js$|\\.\\./\\.\\./typings/)',
    message: 'core/domain 只依赖 domain、../errors.js 与 typings/：数据、微信、云开发都在外层。',
  },
  {
    regex: '^(?![.]|node:crypto$|pngjs$|jpeg-js$|qrcode$)',
    message: 'core/domain 不做 I/O：只能用纯计算的库（node:crypto、pngjs、jpeg-js、qrcode）。',
  },
];

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
  {
    files: ['cloudfunctions/**/*.ts'],
    ignores: [
      'cloudfunctions/core/data/**',
      'cloudfunctions/core/domain/**',
      'cloudfunctions/core/cloud.ts',
      'cloudfunctions/core/caller.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [noLocal, noSdk, noSdkHandles] },
      ],
    },
  },
  {
    // The caller's identity comes from the SDK's context (cloud.getWXContext()), and only here.
    files: ['cloudfunctions/core/caller.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [noLocal, noSdk, noDatabaseHandle] },
      ],
    },
  },
  {
    files: ['cloudfunctions/core/data/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noLocal, noSdk] }],
    },
  },
  {
    files: ['cloudfunctions/core/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noLocal, ...domainOnly] }],
    },
  },
);
