import type { TraceStep } from '../../../typings/scan';
import { formatZhDate, zhTime } from '../../utils/dayjs-zh';

export interface TraceStepDisplay {
  /** Position in the trace: names may repeat (two 物流 legs), so they cannot key the list. */
  key: number;
  name: string;
  time: string;
  /** "上海市浦东新区 · 张三": where and by whom, whichever is known. */
  where: string;
  note: string;
  images: string[];
}

/** Trace steps as the timeline shows them: dates in Chinese, missing parts left empty. */
export function presentTrace(steps: readonly TraceStep[]): TraceStepDisplay[] {
  return steps.map((step, key) => {
    const time = zhTime(step.time);
    return {
      key,
      name: step.name,
      time: time ? formatZhDate(time) : '',
      where: [step.place, step.operator].filter(Boolean).join(' · '),
      note: step.note ?? '',
      images: step.images ?? [],
    };
  });
}
