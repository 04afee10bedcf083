/**
 * The phone around the pages: the shell document (shell.ts) plays it, and each page document
 * (page.ts, one iframe per page of the stack) reaches it as `window.parent.__mashangDevice`.
 * Pages only ask; the device owns the user, the launch options, the page stack and the overlays.
 */
import type { EnterOptions, PreviewDemoInfo } from '../protocol';

export interface ToastOptions {
  title: string;
  icon?: 'success' | 'error' | 'loading' | 'none';
  duration?: number;
  mask?: boolean;
}

export interface ModalOptions {
  title?: string;
  content?: string;
  showCancel?: boolean;
  cancelText?: string;
  confirmText?: string;
}

/** What `wx.scanCode` resolves with (WeChat's fields). */
export interface ScanCodeResult {
  result: string;
  scanType: string;
  charSet: string;
  rawData: string;
  /** Present when the code opens this Mini Program: the path with its query (code_ticket). */
  path?: string;
}

/** WeChat's own payout pages: the red envelope (wx.sendBizRedPacket) and 确认收款 (v3). */
export type PayoutSheetKind = 'red-packet' | 'transfer';

/** What `<picker>` asks the phone to show (its bottom sheet), by mode. */
export type PickerSheetOptions =
  | { mode: 'selector'; items: string[]; value: number }
  | { mode: 'multiSelector'; columns: string[][]; value: number[] }
  | { mode: 'date'; value: string; start?: string; end?: string; fields: 'day' | 'month' | 'year' }
  | { mode: 'time'; value: string; start?: string; end?: string };

/** 确定's value in WeChat's form: an index, indexes per column, `YYYY-MM-DD` or `hh:mm`. */
export type PickerSheetValue = number | number[] | string;

export interface CallLogEntry {
  name: string;
  action?: string;
  status: number | 'network';
  ms: number;
  outcome: string;
}

/** The page document as the device sees it (set by page.ts once the page is on screen). */
export interface PageHandle {
  route: string;
  query: Record<string, string>;
  /** The page's `this` (getCurrentPages). */
  instance: unknown;
  show(): void;
  hide(): void;
  unload(): void;
}

export interface Device {
  /** The openid every call of this page is made as. */
  openid(): string;
  launchOptions(): EnterOptions;
  enterOptions(): EnterOptions;
  demo(): PreviewDemoInfo | undefined;
  /** Every page route the app declares, main package first. */
  pages(): string[];

  pageReady(frame: Window, handle: PageHandle): void;
  currentPages(): unknown[];
  setTitle(frame: Window, title: string): void;
  /** `navigateTo` / `redirectTo` / `reLaunch` to a route + query; `navigateBack` by delta. */
  navigate(
    kind: 'navigateTo' | 'redirectTo' | 'reLaunch',
    route: string,
    query: Record<string, string>,
  ): void;
  navigateBack(delta: number): void;

  showToast(options: ToastOptions): void;
  hideToast(): void;
  showModal(options: ModalOptions): Promise<{ confirm: boolean; cancel: boolean }>;
  /** WeChat's action sheet: resolves the index tapped, or null for 取消. */
  showActionSheet(options: { alertText?: string; itemList: string[] }): Promise<number | null>;
  /**
   * `<picker>`'s bottom sheet: resolves 确定's value, or null for 取消. `onColumnChange` hears each
   * column a multiSelector user turns (WeChat's `columnchange`).
   */
  showPicker(
    options: PickerSheetOptions,
    onColumnChange?: (column: number, index: number) => void,
  ): Promise<PickerSheetValue | null>;
  /**
   * A stand-in for the page WeChat shows to take a payout; resolves true when the user accepts
   * (拆红包 / 确认收款), false when they close it.
   */
  showPayoutSheet(kind: PayoutSheetKind): Promise<boolean>;
  /** Resolves with what the user "scanned", or rejects with `{ errMsg: 'scanCode:fail cancel' }`. */
  scanCode(): Promise<ScanCodeResult>;
  setClipboard(text: string): void;
  clipboard(): string;
  /** Keeps a downloaded file for the app's lifetime (wx.downloadFile); returns its temp path. */
  keepTempFile(file: Blob, name: string): string;
  /** Whether `path` is a file downloadFile kept. */
  hasTempFile(path: string): boolean;
  /** Hands a kept file to the browser (wx.openDocument); false when no such temp path. */
  openTempFile(path: string): boolean;
  logCall(entry: CallLogEntry): void;
}

declare global {
  interface Window {
    __mashangDevice?: Device;
  }
}
