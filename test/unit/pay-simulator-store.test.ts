import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  envelopeDueAt,
  ENVELOPE_LIFETIME_MS,
  RedPackets,
} from '../../local/wechat/pay/red-packets';
import type { Bill, Envelope } from '../../local/wechat/pay/store';
import { PayStore } from '../../local/wechat/pay/store';
import { billDueAt, CONFIRM_WINDOW_MS, TransferBills } from '../../local/wechat/pay/transfers';

/**
 * The WeChat Pay simulator settles only what its clock has made due (each row's `due_at`), so a
 * data folder written before that column existed must still see its open bills and envelopes
 * close, refund and report on time.
 */
const T0 = 1_780_000_000_000;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function oldDataFolder(bill: Bill, envelope: Envelope): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mashang-paystore-'));
  dirs.push(dir);
  const file = path.join(dir, 'wechatpay.sqlite');
  const sqlite = new Database(file);
  // The schema as it was before due_at.
  sqlite.exec(`
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE envelopes (mch_billno TEXT PRIMARY KEY, package TEXT NOT NULL UNIQUE,
      settled INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE TABLE bills (out_bill_no TEXT PRIMARY KEY, package_info TEXT UNIQUE,
      settled INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE TABLE callbacks (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, delivered INTEGER NOT NULL,
      doc TEXT NOT NULL);
  `);
  sqlite
    .prepare('INSERT INTO bills (out_bill_no, package_info, settled, doc) VALUES (?, ?, 0, ?)')
    .run(bill.out_bill_no, bill.package_info ?? null, JSON.stringify(bill));
  sqlite
    .prepare('INSERT INTO envelopes (mch_billno, package, settled, doc) VALUES (?, ?, 0, ?)')
    .run(envelope.mch_billno, envelope.package, JSON.stringify(envelope));
  sqlite.close();
  return file;
}

const waitingBill: Bill = {
  out_bill_no: 'OLD0001',
  params: '{}',
  transfer_bill_no: '1330000000000001',
  appid: 'wx-local-miniprogram',
  openid: 'o-user',
  transfer_amount: 100,
  transfer_remark: '扫码奖励',
  state: 'WAIT_USER_CONFIRM',
  package_info: 'pkg-old-0001',
  created_at: T0,
  updated_at: T0,
  ready_at: T0,
  creates: 1,
};

const sentEnvelope: Envelope = {
  mch_billno: 'OLDHB0001',
  params: {},
  send_listid: '1000041701201',
  detail_id: '1000041701201',
  package: 'hb-package-old',
  status: 'SENT',
  total_amount: 100,
  re_openid: 'o-user',
  created_at: T0,
  sent_at: T0,
  sends: 1,
};

describe('WeChat Pay simulator store', () => {
  it('settles bills and envelopes of a data folder from before due_at', () => {
    const file = oldDataFolder(waitingBill, sentEnvelope);
    const store = new PayStore(file, { bill: billDueAt, envelope: envelopeDueAt });
    const finished: Bill[] = [];
    let now = T0 + 1000;
    const settings = () => ({}) as never;
    const transfers = new TransferBills(
      store,
      () => now,
      settings,
      (bill) => finished.push(bill),
    );
    const envelopes = new RedPackets(store, () => now, settings);

    // Nothing is due yet: both stay as they are.
    transfers.settle(now);
    envelopes.settle(now);
    expect(store.bill('OLD0001')?.state).toBe('WAIT_USER_CONFIRM');
    expect(store.envelope('OLDHB0001')?.status).toBe('SENT');

    now = T0 + CONFIRM_WINDOW_MS;
    transfers.settle(now);
    expect(store.bill('OLD0001')).toMatchObject({ state: 'FAIL', fail_reason: 'OVERDUE_CLOSE' });
    expect(finished.map((bill) => bill.out_bill_no)).toEqual(['OLD0001']);

    now = T0 + ENVELOPE_LIFETIME_MS;
    envelopes.settle(now);
    expect(store.envelope('OLDHB0001')?.status).toBe('RFUND_ING');
    // Closed and refunding are what the clock shows from here: nothing more is due for the bill.
    expect(store.dueBills(now + CONFIRM_WINDOW_MS)).toEqual([]);
    store.close();
  });
});
