// @vitest-environment jsdom
import { afterEach, describe, expect, test } from 'vitest';
import type { Envelope } from '../../typings/envelope';
import type { Page, PagedList as PagedListClass } from '../../miniprogram/admin/stores/paged-list';
import { cleanup, loadMiniprogramModule } from './harness';

interface Item {
  id: string;
}
type Reply = Envelope<Page<Item>>;

/** A list whose reads wait until the test answers them, in the order they were asked. */
function heldList() {
  const { PagedList } = loadMiniprogramModule('admin/stores/paged-list') as {
    PagedList: typeof PagedListClass;
  };
  const asked: { offset: number; answer: (reply: Reply) => void }[] = [];
  const list = new PagedList<Item>(
    (offset) => new Promise<Reply>((answer) => asked.push({ offset, answer })),
    (item) => item.id,
  );
  return { list, asked };
}

const page = (ids: string[], more: boolean): Reply => ({
  ok: true,
  data: { items: ids.map((id) => ({ id })), more },
});

afterEach(cleanup);

describe('a console list read in pages', () => {
  test('appends the next page from the offset shown, skipping items already shown', async () => {
    const { list, asked } = heldList();
    const first = list.load();
    expect(list.status).toBe('loading');
    asked[0]!.answer(page(['c', 'b'], true));
    await first;
    const more = list.loadMore();
    expect(list.loadingMore).toBe(true);
    // Another loadMore while one is in flight asks for nothing.
    expect(await list.loadMore()).toEqual({ ok: 'busy' });
    // 'b' moved down a place because 'd' was made since the first page.
    asked[1]!.answer(page(['b', 'a'], false));
    expect(await more).toMatchObject({ ok: true });
    expect(asked.map((read) => read.offset)).toEqual([0, 2]);
    expect(list.items.map((item) => item.id)).toEqual(['c', 'b', 'a']);
    expect(list.hasMore).toBe(false);
    expect(await list.loadMore()).toEqual({ ok: 'busy' });
  });

  test('drops the reply to a load that a newer one replaced', async () => {
    const { list, asked } = heldList();
    const stale = list.load();
    const fresh = list.load();
    asked[1]!.answer(page(['new'], false));
    asked[0]!.answer(page(['old'], false));
    await Promise.all([stale, fresh]);
    expect(list.items.map((item) => item.id)).toEqual(['new']);
    expect(list.status).toBe('ready');
  });

  test('a failed next page keeps what is shown and returns the error', async () => {
    const { list, asked } = heldList();
    const first = list.load();
    asked[0]!.answer(page(['b'], true));
    await first;
    const more = list.loadMore();
    asked[1]!.answer({ ok: false, error: { code: 'NETWORK_ERROR', message: '网络不可用' } });
    expect(await more).toEqual({
      ok: false,
      error: { code: 'NETWORK_ERROR', message: '网络不可用' },
    });
    expect(list.items.map((item) => item.id)).toEqual(['b']);
    expect(list.status).toBe('ready');
  });

  test('puts a saved item in place, or first when new', async () => {
    const { list, asked } = heldList();
    const first = list.load();
    asked[0]!.answer(page(['b', 'a'], false));
    await first;
    list.upsert({ id: 'a' });
    list.upsert({ id: 'c' });
    expect(list.items.map((item) => item.id)).toEqual(['c', 'b', 'a']);
  });
});
