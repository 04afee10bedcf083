import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

describe('updateOrInsert (server core)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ fixtures: true });
  });
  afterAll(() => stack.destroy());

  const run = async (event: object): Promise<string> => {
    const { status, body } = await stack.call('upsert', event);
    expect(status, JSON.stringify(body)).toBe(200);
    return body.outcome;
  };

  it('creates once, then updates, and treats an update that changes nothing as done', async () => {
    expect(await run({ name: 'label-job', label: 'a' })).toBe('inserted');
    expect(await run({ name: 'label-job', label: 'b' })).toBe('updated');
    // CloudBase reports 0 updated when the value is already there; that must not read as "missing".
    expect(await run({ name: 'label-job', label: 'b' })).toBe('unchanged');
    const { data } = await sdkFor(stack.url)
      .database()
      .collection('jobs')
      .where({ name: 'label-job' })
      .get();
    expect(data).toHaveLength(1);
    expect(data[0]!.label).toBe('b');
  });

  it('loses no increment when many callers create the same document at once', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, () => run({ name: 'race-job', increment: true })),
    );
    expect(outcomes.filter((outcome) => outcome === 'inserted')).toHaveLength(1);
    const { data } = await sdkFor(stack.url)
      .database()
      .collection('jobs')
      .where({ name: 'race-job' })
      .get();
    expect(data).toHaveLength(1);
    expect(data[0]!.runs).toBe(16);
  });
});
