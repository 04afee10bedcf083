/**
 * Activating code ranges (codeactive), asking WeChat about a code (codeactivequery), and the
 * operator's overview of an application's ranges.
 */
import type {
  ActivateRangeResult,
  ActivatedRangeView,
  CodeActivationView,
  ListRangesResult,
  QueryActivationRequest,
  RangeSegmentView,
} from '../../../typings/admin.js';
import { miniProgramAppid } from '../config.js';
import { type ActivatedRange, listActivations, recordActivation } from '../data/code-ranges.js';
import { countCodesInRange } from '../data/codes.js';
import { findCodeIndex, listImports } from '../data/package-codes.js';
import {
  type CodeRange,
  type WxaType,
  checkProductCode,
  checkWxaType,
  requireWithinApplication,
  segmentRanges,
} from '../domain/marketcode.js';
import { AppError } from '../errors.js';
import { marketcodeClient } from '../wechat/marketcode/client.js';
import { requireFinishedApplication, requireApplication, view } from './applications.js';

export interface ActivateInput extends CodeRange {
  applicationId: string;
  activityName: string;
  productBrand: string;
  productTitle: string;
  productCode: string;
  wxaAppid?: string;
  wxaPath: string;
  wxaType?: number;
}

export async function activateRange(
  input: ActivateInput,
  operator: string,
): Promise<ActivateRangeResult> {
  const application = await requireFinishedApplication(input.applicationId, operator);
  const range = { codeStart: input.codeStart, codeEnd: input.codeEnd };
  requireWithinApplication(application.ranges, range);
  checkProductCode(input.productCode);
  const wxaAppid = input.wxaAppid ?? miniProgramAppid();
  if (!wxaAppid) {
    throw new AppError('INVALID_ARGUMENT', '请填写跳转小程序的 appid（未配置 MP_APPID）');
  }
  const wxaType: WxaType = checkWxaType(input.wxaType ?? 0);
  const fields = {
    applicationId: application.applicationId,
    ...range,
    activityName: input.activityName.trim(),
    productBrand: input.productBrand.trim(),
    productTitle: input.productTitle.trim(),
    productCode: input.productCode,
    wxaAppid,
    wxaPath: input.wxaPath.trim(),
    wxaType,
  };
  await marketcodeClient().activate(fields);
  const activatedAt = Date.now();
  await recordActivation({ ...fields, activatedBy: operator, activatedAt });
  return { range: activationView({ ...fields, activatedAt }) };
}

export async function queryActivation(lookup: QueryActivationRequest): Promise<CodeActivationView> {
  const found = await marketcodeClient().queryActivation(lookup);
  // Where the package was imported here, add the code's index (WeChat answers with the raw code).
  const index = await findCodeIndex(found.code);
  return { ...found, ...(index === undefined ? {} : { index }) };
}

export async function listRanges(applicationId: string): Promise<ListRangesResult> {
  const application = await requireApplication(applicationId);
  const [imports, activations] = await Promise.all([
    listImports(application.applicationId),
    listActivations(application.applicationId),
  ]);
  const generated = application.ranges.map((range) => {
    const attempt = imports.find(
      (i) => i.codeStart === range.codeStart && i.codeEnd === range.codeEnd,
    );
    return {
      ...range,
      import: attempt
        ? {
            state: attempt.state,
            importedCount: attempt.importedCount,
            finishedAt: attempt.finishedAt ? new Date(attempt.finishedAt).toISOString() : undefined,
            error: attempt.error,
          }
        : null,
    };
  });
  const segments: RangeSegmentView[] = [];
  for (const segment of segmentRanges(application.ranges, activations)) {
    if (!segment.activation) {
      segments.push({
        codeStart: segment.codeStart,
        codeEnd: segment.codeEnd,
        state: 'not_activated',
        scannedCodes: 0,
      });
      continue;
    }
    const scannedCodes = await countCodesInRange(application.applicationId, segment);
    segments.push({
      codeStart: segment.codeStart,
      codeEnd: segment.codeEnd,
      state: scannedCodes > 0 ? 'scanned' : 'activated',
      scannedCodes,
      activation: activationView(segment.activation),
    });
  }
  return { application: view(application), generated, segments };
}

export function activationView(
  range: Omit<ActivatedRange, '_id' | 'activatedBy'>,
): ActivatedRangeView {
  return {
    applicationId: range.applicationId,
    codeStart: range.codeStart,
    codeEnd: range.codeEnd,
    activityName: range.activityName,
    productBrand: range.productBrand,
    productTitle: range.productTitle,
    productCode: range.productCode,
    wxaAppid: range.wxaAppid,
    wxaPath: range.wxaPath,
    wxaType: range.wxaType,
    activatedAt: new Date(range.activatedAt).toISOString(),
    ...(range.productId ? { productId: range.productId } : {}),
    ...(range.traceSteps ? { traceSteps: range.traceSteps } : {}),
    ...(range.salesRegions?.length ? { salesRegions: range.salesRegions } : {}),
    ...(range.diversionThreshold ? { diversionThreshold: range.diversionThreshold } : {}),
  };
}
