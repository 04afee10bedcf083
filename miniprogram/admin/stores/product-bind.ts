import { makeAutoObservable, observable, runInAction } from 'mobx-miniprogram';
import type { AdminProductView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import {
  type BindableRange,
  type DraftErrors,
  type StepDraft,
  bindableRanges,
  describeProductError,
  emptyStep,
  moveItem,
  stepDraft,
  stepErrors,
  stepInput,
} from '../pages/products/present';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';
import type { StepField } from './product-form';

/** Applications looked through for activated ranges (the server's most per call). */
export const APPLICATIONS_LIMIT = 100;

export type BindOutcome = { ok: true } | { ok: false; message: string };

/**
 * 绑定码段: the activated ranges of every application, which product each shows, and binding
 * this product (with the chosen range's own trace steps) to one of them.
 */
export class ProductBindStore {
  status: LoadStatus = 'idle';
  error: EnvelopeError | null = null;
  product: AdminProductView | null = null;
  ranges: BindableRange[] = [];
  /** productId → title, for ranges bound to another product. */
  titles: Record<string, string> = {};
  /** The range being bound ('' for none) and its own steps as edited. */
  selectedKey = '';
  steps: StepDraft[] = [];
  submitted = false;
  binding = false;

  private generation = 0;

  constructor() {
    makeAutoObservable<ProductBindStore, 'generation'>(this, {
      generation: false,
      ranges: observable.ref,
      steps: observable.ref,
      titles: observable.ref,
    });
  }

  get selected(): BindableRange | undefined {
    return this.ranges.find((range) => range.key === this.selectedKey);
  }

  get stepErrors(): DraftErrors {
    return Object.assign({}, ...this.steps.map((step, i) => stepErrors(step, `step.${i}`)));
  }

  async load(productId: string): Promise<void> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    this.selectedKey = '';
    const [product, applications, products] = await Promise.all([
      adminClient.getProduct({ productId }),
      adminClient.listApplications({ limit: APPLICATIONS_LIMIT }),
      // Names for ranges bound elsewhere; past the newest 100 a range reads 其他商品.
      adminClient.listProducts({ limit: 100 }),
    ]);
    const failed = !product.ok ? product.error : !applications.ok ? applications.error : null;
    if (failed || !product.ok || !applications.ok) {
      runInAction(() => {
        if (generation !== this.generation) return;
        this.error = failed;
        this.status = 'error';
      });
      return;
    }
    const listed = await Promise.all(
      applications.data.applications.map((application) =>
        adminClient.listRanges({ applicationId: application.applicationId }),
      ),
    );
    runInAction(() => {
      if (generation !== this.generation) return;
      const broken = listed.find((reply) => !reply.ok);
      if (broken && !broken.ok) {
        this.error = broken.error;
        this.status = 'error';
        return;
      }
      const seen = new Set<string>();
      const ranges: BindableRange[] = [];
      for (const reply of listed) {
        if (!reply.ok) continue;
        // A range scanned in part shows as two segments of one activation: list it once.
        for (const range of bindableRanges(
          reply.data.application.applicationId,
          reply.data.segments,
        )) {
          if (seen.has(range.key)) continue;
          seen.add(range.key);
          ranges.push(range);
        }
      }
      this.product = product.data.product;
      this.ranges = ranges;
      this.titles = products.ok
        ? Object.fromEntries(products.data.products.map((p) => [p.productId, p.title]))
        : {};
      this.status = 'ready';
    });
  }

  select(key: string): void {
    const range = this.ranges.find((item) => item.key === key);
    if (!range || key === this.selectedKey) {
      this.selectedKey = '';
      return;
    }
    this.selectedKey = key;
    this.submitted = false;
    this.steps = range.traceSteps.map(stepDraft);
  }

  addStep(): void {
    this.steps = [...this.steps, emptyStep()];
  }

  setStepField(index: number, field: StepField, value: string): void {
    this.steps = this.steps.map((step, i) => (i === index ? { ...step, [field]: value } : step));
  }

  moveStep(index: number, direction: -1 | 1): void {
    this.steps = moveItem(this.steps, index, direction);
  }

  removeStep(index: number): void {
    this.steps = this.steps.filter((_step, i) => i !== index);
  }

  /** Problems that stop a bind, as one line; '' when it can go. */
  check(): string {
    this.submitted = true;
    const problems = Object.values(this.stepErrors);
    return problems.length ? `还有 ${problems.length} 处需要修改：${problems[0]}` : '';
  }

  async bind(): Promise<BindOutcome> {
    const range = this.selected;
    if (!range || !this.product || this.binding) return { ok: false, message: '请先选择码段' };
    const problem = this.check();
    if (problem) return { ok: false, message: problem };
    this.binding = true;
    const reply = await adminClient.bindProduct({
      applicationId: range.applicationId,
      codeStart: range.codeStart,
      productId: this.product.productId,
      traceSteps: this.steps.map(stepInput),
    });
    return runInAction((): BindOutcome => {
      this.binding = false;
      if (!reply.ok)
        return { ok: false, message: `绑定失败：${describeProductError(reply.error)}` };
      const bound = reply.data.range;
      this.ranges = this.ranges.map((item) =>
        item.key === range.key
          ? { ...item, productId: bound.productId ?? '', traceSteps: bound.traceSteps ?? [] }
          : item,
      );
      this.selectedKey = '';
      return { ok: true };
    });
  }
}

export const productBindStore = new ProductBindStore();
