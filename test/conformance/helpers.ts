/** Small assertions shared by the conformance tests. */

/** What wx-server-sdk rejects with: `errCode` (CloudBase's number) and `errMsg`. */
export interface SdkError {
  errCode?: number;
  errMsg: string;
  code?: string;
  message?: string;
}

/** Awaits a call that must fail and returns its error (fails the test if it resolved). */
export async function errorOf(attempt: Promise<unknown>): Promise<SdkError> {
  try {
    const result = await attempt;
    throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('expected a failure')) throw error;
    const failure = error as Partial<SdkError> & { message?: string };
    return { ...failure, errMsg: failure.errMsg ?? failure.message ?? String(error) };
  }
}

export function sorted(values: number[], direction: 1 | -1 = 1): number[] {
  return [...values].sort((a, b) => (a - b) * direction);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
