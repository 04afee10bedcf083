import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `codeScanners`: one document per (code, user), unique. Inserting it is how a scan learns that
 * its user is new to the code: of any number of simultaneous first scans by one user, exactly one
 * insert succeeds, so the code's distinct-scanner counter is incremented once per user.
 */
const CODE_SCANNERS = 'codeScanners';

/** True when this user had never scanned this code. */
export async function claimScanner(code: string, openid: string, at: number): Promise<boolean> {
  try {
    await db()
      .collection(CODE_SCANNERS)
      .add({ data: { code, openid, firstScannedAt: at } });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
