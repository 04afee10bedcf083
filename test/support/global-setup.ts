import path from 'node:path';
import { buildFunctions } from '../../cloudfunctions/build';

/** Builds the project's functions and the test fixture functions once per test run. */
export default async function setup(): Promise<void> {
  await buildFunctions();
  await buildFunctions({ root: path.join(__dirname, '../fixtures/functions') });
}
