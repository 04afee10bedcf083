/**
 * The WeChat platform simulator of the local stack: it plays the Official Account APIs the
 * functions call (tokens, the six marketcode APIs) and the consumer's camera (scan a code, get a
 * code_ticket), so the whole code pipeline runs without WeChat. Mounted at `/wechat` by the stack;
 * the functions reach it through WECHAT_API_BASE. Module map:
 * - server.ts: the HTTP routes (WeChat's paths and the `/_sim/` control endpoints)
 * - tokens.ts: access tokens of /cgi-bin/token and /cgi-bin/stable_token
 * - applications.ts: applycode, applycodequery, applycodedownload
 * - activations.ts: codeactive, codeactivequery, tickettocode, scans
 * - codes.ts: the code space (index ↔ code, URL, matrix) and package lines; packages.ts: the
 *   encrypted download
 * - faults.ts: injected errors and latency; store.ts: SQLite state; config.ts: the knobs
 * - oa-push.ts: the user's follow, unfollow and channel-QR scan, pushed to the OA's server URL
 * - oa-apis.ts: parametric QR codes, tags, user info; oa-messages.ts: customer-service messages
 *   (with the sending window and the user's chat); oa-media.ts: temporary media; oa-drafts.ts:
 *   the account's drafts
 */
import { CodeActivations } from './activations';
import { CodeApplications, rangesOf, statusOf } from './applications';
import { DEFAULT_CONFIG, type SimulatorConfig } from './config';
import { FaultInjector, FAULTABLE_APIS, type Fault, type WechatApi } from './faults';
import { OaApis } from './oa-apis';
import { OaPushes } from './oa-push';
import { SimulatorStore, type TokenEndpoint } from './store';
import { TokenIssuer } from './tokens';

export interface WechatSimulatorOptions {
  /** SQLite file for the simulator's state; its directory must exist. */
  file: string;
  /**
   * The stack's effective settings, read on every call: OA_APPID and OA_SECRET are the only
   * credentials the token endpoints accept; MARKETCODE_KEY encrypts packages.
   */
  settings: () => Readonly<Record<string, string | undefined>>;
  /** Overrides of the stored knobs, applied at start (and stored). */
  config?: Partial<SimulatorConfig>;
  log?: (line: string) => void;
}

export interface SimulatorState {
  /** The simulator's clock (ms since the epoch, including any advance). */
  now: number;
  config: SimulatorConfig;
  tokens: Record<TokenEndpoint, { requests: number; issued: number; valid: number }>;
  /** Requests received per API, faulted or not. */
  calls: Record<WechatApi, number>;
  applications: {
    application_id: number;
    isv_application_id: string;
    code_count: number;
    status: string;
    ranges: number;
    activations: number;
  }[];
  codesAllocated: number;
  tickets: { issued: number; live: number };
  faults: Fault[];
}

const CONFIG_KEY = 'config';
const CLOCK_KEY = 'clockOffsetMs';

export class WechatSimulator {
  readonly tokens: TokenIssuer;
  readonly applications: CodeApplications;
  readonly activations: CodeActivations;
  readonly faults = new FaultInjector();
  readonly oaPushes: OaPushes;
  readonly oa: OaApis;
  readonly log: (line: string) => void;
  private readonly store: SimulatorStore;
  private currentConfig: SimulatorConfig;
  private clockOffsetMs: number;

  constructor(private readonly options: WechatSimulatorOptions) {
    this.store = new SimulatorStore(options.file);
    this.log = options.log ?? (() => {});
    this.currentConfig = {
      ...DEFAULT_CONFIG,
      ...this.store.readMeta<Partial<SimulatorConfig>>(CONFIG_KEY),
    };
    this.clockOffsetMs = this.store.readMeta<number>(CLOCK_KEY) ?? 0;
    const now = () => this.now();
    const config = () => this.currentConfig;
    this.tokens = new TokenIssuer(this.store, now, () => ({
      appid: options.settings().OA_APPID,
      secret: options.settings().OA_SECRET,
    }));
    this.applications = new CodeApplications(this.store, now, config);
    this.activations = new CodeActivations(this.store, this.applications, now, config);
    this.oa = new OaApis(this.store, now, config);
    this.oaPushes = new OaPushes(
      this.store,
      options.settings,
      this.log,
      (openid) => this.oa.messages.openWindow(openid),
      (ticket) => this.oa.sceneOf(ticket),
    );
    if (options.config) this.configure(options.config);
  }

  /** Wall clock plus the advances tests asked for (kept across restarts, like the data). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): number {
    this.clockOffsetMs += ms;
    this.store.writeMeta(CLOCK_KEY, this.clockOffsetMs);
    return this.now();
  }

  config(): SimulatorConfig {
    return { ...this.currentConfig };
  }

  configure(changes: Partial<SimulatorConfig>): SimulatorConfig {
    this.currentConfig = { ...this.currentConfig, ...changes };
    this.store.writeMeta(CONFIG_KEY, this.currentConfig);
    if (changes.finishDelayMs !== undefined)
      this.applications.finishDelayChanged(changes.finishDelayMs);
    return this.config();
  }

  packageKey(): string | undefined {
    return this.options.settings().MARKETCODE_KEY;
  }

  countCall(api: WechatApi | 'scan'): void {
    this.store.increment(`requests:${api}`);
  }

  state(): SimulatorState {
    const now = this.now();
    const counters = this.store.counters();
    const valid = this.store.tokenCounts(now);
    const activations = this.store.activationCounts();
    const applications = this.store.applications();
    const tokenState = (endpoint: TokenEndpoint) => ({
      requests: counters[`requests:${endpoint}`] ?? 0,
      issued: counters[`issued:${endpoint}`] ?? 0,
      valid: valid[endpoint],
    });
    return {
      now,
      config: this.config(),
      tokens: { token: tokenState('token'), stable_token: tokenState('stable_token') },
      calls: Object.fromEntries(
        FAULTABLE_APIS.map((api) => [api, counters[`requests:${api}`] ?? 0]),
      ) as Record<WechatApi, number>,
      applications: applications.map((application) => ({
        application_id: application.application_id,
        isv_application_id: application.isv_application_id,
        code_count: application.code_count,
        status: statusOf(application, now),
        ranges: rangesOf(application).length,
        activations: activations.get(application.application_id) ?? 0,
      })),
      codesAllocated: applications.reduce((sum, application) => sum + application.code_count, 0),
      tickets: { issued: counters['issued:ticket'] ?? 0, live: this.store.liveTickets(now) },
      faults: this.faults.pending(),
    };
  }

  close(): void {
    this.store.close();
  }
}
