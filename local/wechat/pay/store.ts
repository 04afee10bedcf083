/**
 * The WeChat Pay simulator's state in its own SQLite file (`<data>/wechatpay.sqlite`, WAL):
 * envelopes (v2), transfer bills (v3), callbacks to deliver, counters. Rows hold their entity as
 * JSON beside the columns that are looked up or must be unique. better-sqlite3 is synchronous, so
 * each request's read-decide-write is atomic, and committed before the reply leaves.
 *
 * Envelopes and bills keep `due_at`, when the clock next moves them (NULL once nothing will), so
 * settling before every call reads only what is due: a run with thousands of bills waiting for
 * their users does not read them all per call.
 */
import Database from 'better-sqlite3';

export type EnvelopeStatus = 'SENDING' | 'SENT' | 'FAILED' | 'RECEIVED' | 'RFUND_ING' | 'REFUND';

export interface Envelope {
  mch_billno: string;
  /** The business fields of the first accepted send: a later send must repeat them exactly. */
  params: Record<string, string>;
  send_listid: string;
  detail_id: string;
  package: string;
  status: EnvelopeStatus;
  total_amount: number;
  re_openid: string;
  /** Simulator clock (ms). */
  created_at: number;
  /** When SENDING (after a PROCESSING fault) becomes SENT. */
  sent_at: number;
  received_at?: number;
  refund_at?: number;
  /** sendminiprogramhb calls that named this billno and got its result (replays included). */
  sends: number;
}

export type BillState =
  'ACCEPTED' | 'WAIT_USER_CONFIRM' | 'SUCCESS' | 'FAIL' | 'CANCELING' | 'CANCELLED';

export interface Bill {
  out_bill_no: string;
  /** The create body's fields (canonical JSON): a later create must repeat them exactly. */
  params: string;
  transfer_bill_no: string;
  appid: string;
  openid: string;
  transfer_amount: number;
  transfer_remark: string;
  notify_url?: string;
  state: BillState;
  fail_reason?: string;
  package_info?: string;
  created_at: number;
  updated_at: number;
  /** ACCEPTED (after a PROCESSING/ACCEPTED fault) becomes WAIT_USER_CONFIRM at this time. */
  ready_at: number;
  /** CANCELING becomes CANCELLED at this time. */
  cancelled_at?: number;
  /** Create calls that named this out_bill_no and got its bill (replays included). */
  creates: number;
}

export interface Callback {
  id: string;
  out_bill_no: string;
  state: string;
  notify_url: string;
  /** The JSON body, encrypted once; headers are signed per attempt. */
  body: string;
  attempts: number;
  delivered: boolean;
  /** Status or error of the last attempt. */
  last_result?: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS envelopes (
    mch_billno TEXT PRIMARY KEY,
    package TEXT NOT NULL UNIQUE,
    settled INTEGER NOT NULL,
    doc TEXT NOT NULL,
    due_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS bills (
    out_bill_no TEXT PRIMARY KEY,
    package_info TEXT UNIQUE,
    settled INTEGER NOT NULL,
    doc TEXT NOT NULL,
    due_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS callbacks (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    delivered INTEGER NOT NULL,
    doc TEXT NOT NULL
  );
`;

const FINAL_ENVELOPE: ReadonlySet<EnvelopeStatus> = new Set(['FAILED', 'RECEIVED', 'REFUND']);
const FINAL_BILL: ReadonlySet<BillState> = new Set(['SUCCESS', 'FAIL', 'CANCELLED']);

/** When the clock next moves an entity (simulator ms), or null when nothing will. */
export interface DueTimes {
  envelope(envelope: Envelope): number | null;
  bill(bill: Bill): number | null;
}

export class PayStore {
  private readonly sqlite: Database.Database;
  /** One transaction function for every request (better-sqlite3 builds one per `transaction()`). */
  private readonly inTransaction: (work: () => unknown) => unknown;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    file: string,
    private readonly due: DueTimes,
  ) {
    this.sqlite = new Database(file);
    this.sqlite.pragma('journal_mode = WAL');
    this.sqlite.pragma('synchronous = NORMAL');
    this.inTransaction = this.sqlite.transaction((work: () => unknown) => work());
    this.sqlite.exec(SCHEMA);
    this.atomically(() => this.addDueTimes());
  }

  /** A data folder from before `due_at`: the column added and filled for what is still open. */
  private addDueTimes(): void {
    for (const table of ['envelopes', 'bills'] as const) {
      const columns = this.sqlite.prepare(`PRAGMA table_info(${table})`).all() as {
        name: string;
      }[];
      if (!columns.some((column) => column.name === 'due_at')) {
        this.sqlite.exec(`ALTER TABLE ${table} ADD COLUMN due_at INTEGER`);
        if (table === 'envelopes')
          for (const envelope of this.envelopes(true)) this.saveEnvelope(envelope);
        else for (const bill of this.bills(true)) this.saveBill(bill);
      }
      this.sqlite.exec(
        `CREATE INDEX IF NOT EXISTS ${table}_due_at ON ${table} (due_at) WHERE due_at IS NOT NULL`,
      );
    }
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.statements.clear();
    this.sqlite.close();
  }

  /** Runs `work` in one transaction. */
  atomically<T>(work: () => T): T {
    return this.inTransaction(work) as T;
  }

  /** Increments a counter and returns its new value. */
  next(name: string): number {
    return (
      this.prepare(
        `INSERT INTO counters (name, value) VALUES (?, 1)
           ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
      ).get(name) as { value: number }
    ).value;
  }

  counters(): Record<string, number> {
    const rows = this.prepare('SELECT name, value FROM counters').all() as {
      name: string;
      value: number;
    }[];
    return Object.fromEntries(rows.map((row) => [row.name, row.value]));
  }

  envelope(mchBillno: string): Envelope | undefined {
    return parse(this.prepare('SELECT doc FROM envelopes WHERE mch_billno = ?').get(mchBillno));
  }

  envelopeByPackage(pkg: string): Envelope | undefined {
    return parse(this.prepare('SELECT doc FROM envelopes WHERE package = ?').get(pkg));
  }

  saveEnvelope(envelope: Envelope): void {
    this.prepare(
      `INSERT INTO envelopes (mch_billno, package, settled, doc, due_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (mch_billno) DO UPDATE SET settled = excluded.settled, doc = excluded.doc,
           due_at = excluded.due_at`,
    ).run(
      envelope.mch_billno,
      envelope.package,
      FINAL_ENVELOPE.has(envelope.status) ? 1 : 0,
      JSON.stringify(envelope),
      FINAL_ENVELOPE.has(envelope.status) ? null : this.due.envelope(envelope),
    );
  }

  envelopes(onlyOpen = false): Envelope[] {
    const sql = `SELECT doc FROM envelopes ${onlyOpen ? 'WHERE settled = 0' : ''} ORDER BY rowid`;
    return (this.prepare(sql).all() as { doc: string }[]).map((row) => JSON.parse(row.doc));
  }

  bill(outBillNo: string): Bill | undefined {
    return parse(this.prepare('SELECT doc FROM bills WHERE out_bill_no = ?').get(outBillNo));
  }

  billByPackage(packageInfo: string): Bill | undefined {
    return parse(this.prepare('SELECT doc FROM bills WHERE package_info = ?').get(packageInfo));
  }

  saveBill(bill: Bill): void {
    this.prepare(
      `INSERT INTO bills (out_bill_no, package_info, settled, doc, due_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (out_bill_no) DO UPDATE SET package_info = excluded.package_info,
           settled = excluded.settled, doc = excluded.doc, due_at = excluded.due_at`,
    ).run(
      bill.out_bill_no,
      bill.package_info ?? null,
      FINAL_BILL.has(bill.state) ? 1 : 0,
      JSON.stringify(bill),
      FINAL_BILL.has(bill.state) ? null : this.due.bill(bill),
    );
  }

  // The due queries name their index: left to choose, SQLite reads the whole table in rowid order
  // rather than sort the few due rows, and every call then reads every bill ever made.

  /** Envelopes the clock moves at or before `now`. */
  dueEnvelopes(now: number): Envelope[] {
    return (
      this.prepare(
        'SELECT doc FROM envelopes INDEXED BY envelopes_due_at WHERE due_at <= ? ORDER BY rowid',
      ).all(now) as {
        doc: string;
      }[]
    ).map((row) => JSON.parse(row.doc));
  }

  /** Bills the clock moves at or before `now`. */
  dueBills(now: number): Bill[] {
    return (
      this.prepare(
        'SELECT doc FROM bills INDEXED BY bills_due_at WHERE due_at <= ? ORDER BY rowid',
      ).all(now) as {
        doc: string;
      }[]
    ).map((row) => JSON.parse(row.doc));
  }

  bills(onlyOpen = false): Bill[] {
    const sql = `SELECT doc FROM bills ${onlyOpen ? 'WHERE settled = 0' : ''} ORDER BY rowid`;
    return (this.prepare(sql).all() as { doc: string }[]).map((row) => JSON.parse(row.doc));
  }

  saveCallback(callback: Callback): void {
    this.prepare(
      `INSERT INTO callbacks (id, seq, delivered, doc) VALUES (?, (SELECT COUNT(*) FROM callbacks), ?, ?)
         ON CONFLICT (id) DO UPDATE SET delivered = excluded.delivered, doc = excluded.doc`,
    ).run(callback.id, callback.delivered ? 1 : 0, JSON.stringify(callback));
  }

  callbacks(onlyPending = false): Callback[] {
    const sql = `SELECT doc FROM callbacks ${onlyPending ? 'WHERE delivered = 0' : ''} ORDER BY seq`;
    return (this.prepare(sql).all() as { doc: string }[]).map((row) => JSON.parse(row.doc));
  }
}

function parse<T>(row: unknown): T | undefined {
  return row === undefined ? undefined : (JSON.parse((row as { doc: string }).doc) as T);
}
