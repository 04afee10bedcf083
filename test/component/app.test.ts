// @vitest-environment jsdom
import { afterEach, expect, test, vi } from 'vitest';
import { cleanup, loadMiniprogramModule, stubWx } from './harness';

type AppOptions = { onLaunch(): void };

/** simulate has no App(): capture the options app.ts registers. */
function loadApp(): AppOptions {
  let registered: AppOptions | undefined;
  vi.stubGlobal('App', (options: AppOptions) => (registered = options));
  loadMiniprogramModule('app');
  if (!registered) throw new Error('app.ts 没有调用 App()');
  return registered;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  cleanup();
});

test('initialises CloudBase with the configured environment and user tracing', () => {
  const init = vi.fn();
  stubWx({ cloud: { init } });
  loadApp().onLaunch();
  expect(init).toHaveBeenCalledWith({ env: 'mashang-dev', traceUser: true });
});

test('explains in Chinese when the base library has no wx.cloud', () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  stubWx({ cloud: undefined });
  expect(() => loadApp().onLaunch()).not.toThrow();
  expect(error).toHaveBeenCalledWith(expect.stringContaining('当前基础库不支持云开发'));
});
