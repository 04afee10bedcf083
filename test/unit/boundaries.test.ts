/**
 * The architecture as build errors (issue 14): ESLint's import rules refuse a boundary break, and
 * no module depends on itself through others.
 */
import { ESLint } from 'eslint';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** The boundary errors ESLint reports for `code` placed at `filePath` (nothing is written). */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((message) => message.message);
}

describe('import boundaries', () => {
  it('refuses a domain module that reads data, calls WeChat or the SDK, or does I/O', async () => {
    const file = 'cloudfunctions/core/domain/boundary-probe.ts';
    const errors = await boundaryErrors(
      file,
      [
        "import { findCode } from '../data/codes.js';",
        "import type { OaXmlFields } from '../wechat/oa/message-xml.js';",
        "import { cloud } from '../cloud.js';",
        "import * as sdk from 'wx-server-sdk';",
        "import { readFile } from 'node:fs/promises';",
        'export const probe = [findCode, cloud, sdk, readFile] as unknown as OaXmlFields;',
        '',
      ].join('\n'),
    );
    expect(errors).toHaveLength(5);
    expect(errors[0]).toContain('core/domain 只依赖 domain');
  });

  it('lets a domain module use other rules, the error type, typings and pure libraries', async () => {
    const errors = await boundaryErrors(
      'cloudfunctions/core/domain/boundary-probe.ts',
      [
        "import { createHash } from 'node:crypto';",
        "import QRCode from 'qrcode';",
        "import { AppError } from '../errors.js';",
        "import { MAX_TIERS } from './amount.js';",
        "import type { Verdict } from '../../../typings/scan.js';",
        'export const probe = [createHash, QRCode, AppError, MAX_TIERS] as unknown as Verdict;',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
  });

  it('keeps collections, cloud storage and the SDK inside core/data (identity in core/caller.ts)', async () => {
    const code = [
      "import { cloud, db } from '../cloud.js';",
      "import * as sdk from 'wx-server-sdk';",
      'export const probe = [cloud, db, sdk];',
      '',
    ].join('\n');
    const outside = await boundaryErrors('cloudfunctions/core/oa/boundary-probe.ts', code);
    expect(outside).toHaveLength(3);
    expect(outside.filter((message) => message.includes('只有 core/data/**'))).toHaveLength(2);
    const inData = await boundaryErrors('cloudfunctions/core/data/boundary-probe.ts', code);
    expect(inData).toHaveLength(1);
    expect(inData[0]).toContain('wx-server-sdk 只在 core/cloud.ts 初始化');
    // The caller module reads the identity from the SDK's context: `cloud` there, never `db`.
    const caller = await boundaryErrors(
      'cloudfunctions/core/caller.ts',
      "import { cloud, db } from './cloud.js';\nexport const probe = [cloud, db];\n",
    );
    expect(caller).toHaveLength(1);
    expect(caller[0]).toContain("'db' import");
  });

  it('keeps the local stack out of every cloud function', async () => {
    for (const file of [
      'cloudfunctions/scan/boundary-probe.ts',
      'cloudfunctions/core/data/boundary-probe.ts',
      'cloudfunctions/core/domain/boundary-probe.ts',
    ]) {
      const depth = file.split('/').length - 1;
      const errors = await boundaryErrors(
        file,
        `import { startStack } from '${'../'.repeat(depth)}local/stack.js';\nexport const probe = startStack;\n`,
      );
      expect(
        errors.some((message) => message.includes('不能引用 local/')),
        file,
      ).toBe(true);
    }
  });

  it('lets the Mini Program import typings/ for types only', async () => {
    const file = 'miniprogram/services/boundary-probe.ts';
    expect(
      await boundaryErrors(
        file,
        "import { Envelope } from '../../typings/envelope';\nexport type Probe = Envelope<string>;\n",
      ),
    ).toHaveLength(1);
    expect(
      await boundaryErrors(
        file,
        "import type { Envelope } from '../../typings/envelope';\nexport type Probe = Envelope<string>;\n",
      ),
    ).toEqual([]);
  });
});

describe('import cycles', () => {
  it('has none in the functions, the local stack, the Mini Program or the typings (type imports count)', async () => {
    const tree = await parseDependencyTree(
      ['cloudfunctions/**/*.ts', 'local/**/*.ts', 'miniprogram/**/*.ts', 'typings/**/*.ts'],
      {
        tsconfig: 'tsconfig.json',
        // Type-only imports are kept: a cycle through types still ties the modules together.
        transform: false,
        skipDynamicImports: false,
        exclude: /node_modules|miniprogram_npm/,
      },
    );
    expect(Object.keys(tree).length).toBeGreaterThan(200);
    expect(parseCircular(tree, true).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });
});
