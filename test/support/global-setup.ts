import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildFunctions } from '../../cloudfunctions/build';
import { CREDENTIALS_FILE, loadOrCreateCredentials } from '../../local/wechat/pay/credentials';
import { RUN_MERCHANT_ENV } from './merchant';

/**
 * Builds the project's functions and the test fixture functions once per test run, and makes one
 * local merchant for every test stack of the run: two RSA-2048 key pairs per stack cost more than
 * many a test. The test processes start after this and inherit the variable naming it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await buildFunctions();
  await buildFunctions({ root: path.join(__dirname, '../fixtures/functions') });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mashang-test-merchant-'));
  loadOrCreateCredentials(dir);
  process.env[RUN_MERCHANT_ENV] = path.join(dir, CREDENTIALS_FILE);
  return () => rm(dir, { recursive: true, force: true });
}
