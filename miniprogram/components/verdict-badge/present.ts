import type { SuspicionReason, Verdict, VerdictKind } from '../../../typings/scan';
import { formatZhDateTime, relativeToNow, zhTime } from '../../utils/dayjs-zh';

/** Colour family of the badge: green genuine, blue genuine-but-seen, orange risk, grey, red. */
export type VerdictTone = 'genuine' | 'repeat' | 'risk' | 'inactive' | 'invalid';

export interface VerdictDisplay {
  tone: VerdictTone;
  /** A vant icon name. */
  icon: string;
  title: string;
  headline: string;
  facts: string[];
  reasons: string[];
  advice: string;
}

const REASON_TEXT: Record<SuspicionReason, string> = {
  TOO_MANY_SCANS: '短时间内被查询次数过多',
  TOO_MANY_SCANNERS: '被多位不同的用户查询',
  TOO_MANY_PLACES: '在多个不同地点被查询',
};

const TONE: Record<VerdictKind, { tone: VerdictTone; icon: string; title: string }> = {
  GENUINE_FIRST: { tone: 'genuine', icon: 'passed', title: '正品验证通过' },
  GENUINE_REPEAT: { tone: 'repeat', icon: 'passed', title: '正品验证通过' },
  SUSPICIOUS: { tone: 'risk', icon: 'warning-o', title: '疑似风险码' },
  NOT_ACTIVATED: { tone: 'inactive', icon: 'clock-o', title: '防伪码未激活' },
  INVALID: { tone: 'invalid', icon: 'close', title: '未查到此防伪码' },
};

/** "3月2日 17:30（3 天前）": the date people compare with their purchase, and how long ago. */
function firstScanText(iso: string | undefined, now: number): string | null {
  const time = zhTime(iso);
  if (!time) return null;
  const relative = relativeToNow(time, now);
  const absolute = formatZhDateTime(time, now);
  return relative ? `${absolute}（${relative}）` : absolute;
}

/** The scan history lines shared by repeat and suspicious verdicts. */
function historyFacts(verdict: Verdict, now: number): string[] {
  const facts = [`累计查询 ${verdict.scanCount} 次`];
  if (verdict.distinctScanners > 1) facts.push(`共 ${verdict.distinctScanners} 人查询过`);
  const first = firstScanText(verdict.firstScannedAt, now);
  if (first) facts.push(`首次查询 ${first}`);
  if (verdict.firstScanPlace) facts.push(`首次查询地 ${verdict.firstScanPlace}`);
  return facts;
}

/** Everything the badge says about a verdict, in Chinese. */
export function presentVerdict(verdict: Verdict, now: number = Date.now()): VerdictDisplay {
  const base = TONE[verdict.kind] ?? TONE.INVALID;
  switch (verdict.kind) {
    case 'GENUINE_FIRST':
      return {
        ...base,
        headline: '你是第一位扫码者',
        facts: ['此码为首次查询'],
        reasons: [],
        advice: '这是品牌登记的正品，请放心使用',
      };
    case 'GENUINE_REPEAT': {
      const byCaller = verdict.firstScanByCaller === true;
      return {
        ...base,
        headline: byCaller ? '你之前查询过此码' : `此码已被查询 ${verdict.scanCount} 次`,
        facts: historyFacts(verdict, now),
        reasons: [],
        // A genuine code scanned first by someone else may be a refilled or swapped item.
        advice: byCaller
          ? '首次查询由你本人完成'
          : '如果首次查询不是你本人，请留意包装是否被拆封或调换',
      };
    }
    case 'SUSPICIOUS':
      return {
        ...base,
        headline: '此码查询记录异常，请谨慎辨别',
        facts: historyFacts(verdict, now),
        reasons: (verdict.reasons ?? []).map((reason) => REASON_TEXT[reason] ?? '查询记录异常'),
        advice: '建议通过品牌官方渠道核实商品来源',
      };
    case 'NOT_ACTIVATED':
      return {
        ...base,
        headline: '此码尚未激活',
        facts: [],
        reasons: [],
        advice: '商品可能尚未完成出厂登记，请向购买渠道或品牌方核实',
      };
    default:
      return {
        ...base,
        headline: '此码不在品牌登记范围内',
        facts: [],
        reasons: [],
        advice: '请核对防伪码是否输入正确，谨防假冒商品',
      };
  }
}
