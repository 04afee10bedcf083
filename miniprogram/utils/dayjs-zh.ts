import * as dayjsModule from 'dayjs';

/**
 * dayjs with its Simplified Chinese locale, for the landing page's times.
 *
 * The Mini Program npm build ships only dayjs's main file, so `dayjs/locale/zh-cn` does not exist
 * on a phone: the locale is declared here (the parts we format with). The import works both as a
 * literal CommonJS compile (the namespace is the function itself) and through a bundler's interop
 * (the function sits on `default`), which the web preview uses.
 */
const dayjs: typeof dayjsModule =
  (dayjsModule as unknown as { default?: typeof dayjsModule }).default ?? dayjsModule;

const ZH_CN: ILocale = {
  name: 'zh-cn',
  weekStart: 1,
  formats: { LT: 'HH:mm', L: 'YYYY/MM/DD', LL: 'YYYY年M月D日' },
  relativeTime: {
    future: '%s后',
    past: '%s前',
    s: '几秒',
    m: '1 分钟',
    mm: '%d 分钟',
    h: '1 小时',
    hh: '%d 小时',
    d: '1 天',
    dd: '%d 天',
  },
};

// Registered without becoming the global default (third argument), so nothing else changes.
dayjs.locale(ZH_CN, undefined, true);

/** A dayjs instance in zh-cn, or null for a missing or unparsable time. */
export function zhTime(iso: string | undefined): dayjsModule.Dayjs | null {
  if (!iso) return null;
  const time = dayjs(iso);
  return time.isValid() ? time.locale(ZH_CN.name) : null;
}

/**
 * "3 分钟前", "5 小时前", "2 天前" in the zh-cn wording, only up to a week: past that a relative
 * figure is vaguer than the date itself, so the caller shows only the date ('' here).
 */
export function relativeToNow(time: dayjsModule.Dayjs, now: number = Date.now()): string {
  const minutes = Math.floor((now - time.valueOf()) / 60_000);
  const words = ZH_CN.relativeTime;
  if (minutes < 0) return '';
  if (minutes < 1) return '刚刚';
  const [amount, one, many] =
    minutes < 60
      ? [minutes, words.m, words.mm]
      : minutes < 24 * 60
        ? [Math.floor(minutes / 60), words.h, words.hh]
        : [Math.floor(minutes / (24 * 60)), words.d, words.dd];
  if (amount > 7 && one === words.d) return '';
  const phrase = amount === 1 ? (one ?? '') : (many ?? '').replace('%d', String(amount));
  return (words.past ?? '%s').replace('%s', phrase);
}

/** "2025年3月2日 17:30", the year left out when it is this year (as people say it). */
export function formatZhDateTime(time: dayjsModule.Dayjs, now: number = Date.now()): string {
  const sameYear = time.year() === dayjs(now).year();
  return time.format(sameYear ? 'M月D日 HH:mm' : 'YYYY年M月D日 HH:mm');
}

/** "2025年3月2日", or with the minute when one was recorded (a trace step may carry only a day). */
export function formatZhDate(time: dayjsModule.Dayjs): string {
  const hasClockTime = time.hour() !== 0 || time.minute() !== 0;
  return time.format(hasClockTime ? 'YYYY年M月D日 HH:mm' : 'YYYY年M月D日');
}
