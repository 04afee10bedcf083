/**
 * The simulator's own state in its own SQLite file (`<data>/wechat.sqlite`, WAL): tokens,
 * applications, activations, tickets, counters and settings. Codes themselves are never stored
 * (see codes.ts): an application row holds its slice of the global code space.
 *
 * better-sqlite3 is synchronous, so each method is atomic with respect to other requests, and every
 * write is committed before the reply leaves.
 */
import Database from 'better-sqlite3';

export type TokenEndpoint = 'token' | 'stable_token';

export interface TokenRow {
  token: string;
  endpoint: TokenEndpoint;
  appid: string;
  issued_at: number;
  /** Natural end of life (ms). */
  expires_at: number;
  /** When a newer token makes it invalid (ms), or null while it is the latest. */
  revoked_at: number | null;
}

export interface ApplicationRow {
  application_id: number;
  appid: string;
  isv_application_id: string;
  code_count: number;
  /** First global index of this application's codes. */
  code_offset: number;
  /** Codes per entry of code_generate_list, fixed when the application is made. */
  range_size: number;
  created_at: number;
  finish_at: number;
}

export interface ActivationFields {
  activity_name: string;
  product_brand: string;
  product_title: string;
  product_code: string;
  wxa_appid: string;
  wxa_path: string;
  wxa_type: number;
}

export interface ActivationRow extends ActivationFields {
  seq: number;
  application_id: number;
  code_start: number;
  code_end: number;
  created_at: number;
}

export interface TicketRow {
  ticket: string;
  openid: string;
  application_id: number;
  code_index: number;
  expires_at: number;
}

/**
 * Above 2^32 so a client that truncates to 32 bits fails at once, far below 2^53 so JSON numbers
 * (which is how WeChat sends this uint64) stay exact in JavaScript.
 */
export const APPLICATION_ID_BASE = 5_000_000_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    endpoint TEXT NOT NULL,
    appid TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS tokens_latest ON tokens (endpoint, appid, issued_at);
  CREATE TABLE IF NOT EXISTS applications (
    application_id INTEGER PRIMARY KEY,
    appid TEXT NOT NULL,
    isv_application_id TEXT NOT NULL,
    code_count INTEGER NOT NULL,
    code_offset INTEGER NOT NULL UNIQUE,
    range_size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    finish_at INTEGER NOT NULL,
    UNIQUE (appid, isv_application_id)
  );
  CREATE TABLE IF NOT EXISTS activations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL,
    code_start INTEGER NOT NULL,
    code_end INTEGER NOT NULL,
    activity_name TEXT NOT NULL,
    product_brand TEXT NOT NULL,
    product_title TEXT NOT NULL,
    product_code TEXT NOT NULL,
    wxa_appid TEXT NOT NULL,
    wxa_path TEXT NOT NULL,
    wxa_type INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS activations_by_start ON activations (application_id, code_start);
  CREATE TABLE IF NOT EXISTS tickets (
    ticket TEXT PRIMARY KEY,
    openid TEXT NOT NULL,
    application_id INTEGER NOT NULL,
    code_index INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
`;

export class SimulatorStore {
  private readonly sqlite: Database.Database;

  constructor(file: string) {
    this.sqlite = new Database(file);
    this.sqlite.pragma('journal_mode = WAL');
    this.sqlite.pragma('synchronous = NORMAL');
    this.sqlite.exec(SCHEMA);
  }

  close(): void {
    this.sqlite.close();
  }

  readMeta<T>(key: string): T | undefined {
    const row = this.sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  writeMeta(key: string, value: unknown): void {
    this.sqlite
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, JSON.stringify(value));
  }

  increment(name: string): void {
    this.sqlite
      .prepare(
        'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1',
      )
      .run(name);
  }

  counters(): Record<string, number> {
    const rows = this.sqlite.prepare('SELECT name, value FROM counters').all() as {
      name: string;
      value: number;
    }[];
    return Object.fromEntries(rows.map((row) => [row.name, row.value]));
  }

  // Tokens

  insertToken(row: TokenRow): void {
    this.sqlite
      .prepare(
        `INSERT INTO tokens (token, endpoint, appid, issued_at, expires_at, revoked_at)
         VALUES (@token, @endpoint, @appid, @issued_at, @expires_at, @revoked_at)`,
      )
      .run(row);
  }

  findToken(token: string): TokenRow | undefined {
    return this.sqlite.prepare('SELECT * FROM tokens WHERE token = ?').get(token) as
      TokenRow | undefined;
  }

  /** The newest token of an endpoint and appid that nothing has revoked. */
  latestToken(endpoint: TokenEndpoint, appid: string): TokenRow | undefined {
    return this.sqlite
      .prepare(
        `SELECT * FROM tokens WHERE endpoint = ? AND appid = ? AND revoked_at IS NULL
         ORDER BY issued_at DESC, rowid DESC LIMIT 1`,
      )
      .get(endpoint, appid) as TokenRow | undefined;
  }

  /** Makes every still-unrevoked token of the endpoint and appid invalid from `at` on. */
  revokeTokens(endpoint: TokenEndpoint, appid: string, at: number): void {
    this.sqlite
      .prepare(
        'UPDATE tokens SET revoked_at = ? WHERE endpoint = ? AND appid = ? AND revoked_at IS NULL',
      )
      .run(at, endpoint, appid);
  }

  /** Forgets tokens and tickets that ended more than a day ago (they answer as unknown then). */
  prune(now: number): void {
    const horizon = now - 24 * 3600_000;
    this.sqlite
      .prepare('DELETE FROM tokens WHERE MIN(expires_at, COALESCE(revoked_at, expires_at)) < ?')
      .run(horizon);
    this.sqlite.prepare('DELETE FROM tickets WHERE expires_at < ?').run(horizon);
  }

  tokenCounts(now: number): Record<TokenEndpoint, number> {
    const rows = this.sqlite
      .prepare(
        `SELECT endpoint, COUNT(*) AS valid FROM tokens
         WHERE expires_at > @now AND (revoked_at IS NULL OR revoked_at > @now) GROUP BY endpoint`,
      )
      .all({ now }) as { endpoint: TokenEndpoint; valid: number }[];
    const counts: Record<TokenEndpoint, number> = { token: 0, stable_token: 0 };
    for (const row of rows) counts[row.endpoint] = row.valid;
    return counts;
  }

  // Applications

  /**
   * Creates an application at the end of the used code space. Returns undefined when the space
   * cannot hold it (never in practice: it holds 6·10^14 codes).
   */
  createApplication(
    fields: Omit<ApplicationRow, 'application_id' | 'code_offset'>,
    codeSpace: number,
  ): ApplicationRow | undefined {
    return this.sqlite.transaction(() => {
      const used = this.sqlite
        .prepare(
          'SELECT COALESCE(MAX(code_offset + code_count), 0) AS next, COUNT(*) AS n FROM applications',
        )
        .get() as { next: number; n: number };
      if (used.next + fields.code_count > codeSpace) return undefined;
      const row: ApplicationRow = {
        ...fields,
        application_id: APPLICATION_ID_BASE + used.n + 1,
        code_offset: used.next,
      };
      this.sqlite
        .prepare(
          `INSERT INTO applications (application_id, appid, isv_application_id, code_count,
             code_offset, range_size, created_at, finish_at)
           VALUES (@application_id, @appid, @isv_application_id, @code_count, @code_offset,
             @range_size, @created_at, @finish_at)`,
        )
        .run(row);
      return row;
    })();
  }

  applicationById(applicationId: number): ApplicationRow | undefined {
    return this.sqlite
      .prepare('SELECT * FROM applications WHERE application_id = ?')
      .get(applicationId) as ApplicationRow | undefined;
  }

  applicationByIsvId(appid: string, isvApplicationId: string): ApplicationRow | undefined {
    return this.sqlite
      .prepare('SELECT * FROM applications WHERE appid = ? AND isv_application_id = ?')
      .get(appid, isvApplicationId) as ApplicationRow | undefined;
  }

  /** The application whose slice of the code space holds a global index. */
  applicationAt(globalIndex: number): ApplicationRow | undefined {
    const row = this.sqlite
      .prepare(
        'SELECT * FROM applications WHERE code_offset <= ? ORDER BY code_offset DESC LIMIT 1',
      )
      .get(globalIndex) as ApplicationRow | undefined;
    return row && globalIndex < row.code_offset + row.code_count ? row : undefined;
  }

  applications(): ApplicationRow[] {
    return this.sqlite
      .prepare('SELECT * FROM applications ORDER BY application_id')
      .all() as ApplicationRow[];
  }

  /** Brings pending applications' finish time forward to `finishAt` at the latest. */
  expediteApplications(now: number, finishAt: number): void {
    this.sqlite
      .prepare('UPDATE applications SET finish_at = ? WHERE finish_at > ? AND finish_at > ?')
      .run(finishAt, now, finishAt);
  }

  // Activations

  insertActivation(row: Omit<ActivationRow, 'seq'>): void {
    this.sqlite
      .prepare(
        `INSERT INTO activations (application_id, code_start, code_end, activity_name, product_brand,
           product_title, product_code, wxa_appid, wxa_path, wxa_type, created_at)
         VALUES (@application_id, @code_start, @code_end, @activity_name, @product_brand,
           @product_title, @product_code, @wxa_appid, @wxa_path, @wxa_type, @created_at)`,
      )
      .run(row);
  }

  /** The latest activation covering a code: a later activation wins where segments overlap. */
  activationFor(applicationId: number, codeIndex: number): ActivationRow | undefined {
    return this.sqlite
      .prepare(
        `SELECT * FROM activations
         WHERE application_id = ? AND code_start <= ? AND code_end >= ?
         ORDER BY seq DESC LIMIT 1`,
      )
      .get(applicationId, codeIndex, codeIndex) as ActivationRow | undefined;
  }

  activationCounts(): Map<number, number> {
    const rows = this.sqlite
      .prepare('SELECT application_id, COUNT(*) AS n FROM activations GROUP BY application_id')
      .all() as { application_id: number; n: number }[];
    return new Map(rows.map((row) => [row.application_id, row.n]));
  }

  // Tickets

  insertTicket(row: TicketRow): void {
    this.sqlite
      .prepare(
        `INSERT INTO tickets (ticket, openid, application_id, code_index, expires_at)
         VALUES (@ticket, @openid, @application_id, @code_index, @expires_at)`,
      )
      .run(row);
  }

  findTicket(ticket: string): TicketRow | undefined {
    return this.sqlite.prepare('SELECT * FROM tickets WHERE ticket = ?').get(ticket) as
      TicketRow | undefined;
  }

  liveTickets(now: number): number {
    return (
      this.sqlite.prepare('SELECT COUNT(*) AS n FROM tickets WHERE expires_at > ?').get(now) as {
        n: number;
      }
    ).n;
  }
}
