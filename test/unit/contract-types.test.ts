/**
 * One source per type (issue 14): the campaign, amount-rule and payout shapes are declared once
 * in core/domain, the contract (typings/) names those same types, and the admin function's zod
 * schemas are held to them at compile time. These are type-level tests: `npm run typecheck`
 * (tsc -p .) is what fails when a shape drifts; an `@ts-expect-error` that no longer finds an
 * error fails it too, so each refusal below stays proven.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type {
  AmountRuleInput,
  CampaignFields,
  CampaignPayoutSettings,
  CampaignStatusKind,
  CampaignResult,
  CreateCampaignRequest,
} from '../../typings/admin';
import type { PayoutProviderKind, PayoutStateKind, RewardOffer } from '../../typings/reward';
import type { AmountRule } from '../../cloudfunctions/core/domain/amount';
import type {
  AmountDisplay,
  CampaignDefinition,
  CampaignStatus,
  ProviderSettings,
  RiskRules,
  Targeting,
} from '../../cloudfunctions/core/domain/campaign';
import type { PayoutProvider, PayoutState } from '../../cloudfunctions/core/domain/payout';
import { writeAction, type AdminActionTable } from '../../cloudfunctions/core/auth/admin-actions';

describe('the contract names the domain’s shapes', () => {
  it('uses the very types the domain declares', () => {
    expectTypeOf<AmountRuleInput>().toEqualTypeOf<AmountRule>();
    expectTypeOf<CampaignPayoutSettings>().toEqualTypeOf<ProviderSettings>();
    expectTypeOf<CampaignStatusKind>().toEqualTypeOf<CampaignStatus>();
    expectTypeOf<PayoutProviderKind>().toEqualTypeOf<PayoutProvider>();
    expectTypeOf<PayoutStateKind>().toEqualTypeOf<PayoutState>();
    expectTypeOf<CampaignFields['targeting']>().toEqualTypeOf<Targeting>();
    expectTypeOf<CampaignFields['risk']>().toEqualTypeOf<RiskRules>();
    expectTypeOf<CampaignFields['amountDisplay']>().toEqualTypeOf<AmountDisplay>();
    expectTypeOf<RewardOffer['amountDisplay']>().toEqualTypeOf<AmountDisplay>();
  });

  it('differs from the definition only where JSON does (ISO times, no perCode)', () => {
    type Shared = Exclude<keyof CampaignDefinition, 'startAt' | 'endAt' | 'allowTypedCodes'>;
    expectTypeOf<Exclude<keyof CampaignFields, Shared>>().toEqualTypeOf<
      'startAt' | 'endAt' | 'allowTypedCodes'
    >();
    expectTypeOf<CampaignFields['startAt']>().toEqualTypeOf<string>();
    expectTypeOf<keyof CampaignFields['limits']>().toEqualTypeOf<
      'perUserPerDay' | 'perUserPerCampaign'
    >();
  });
});

describe('a schema that drifts from the shapes fails to compile', () => {
  const fen = z.number().int().min(0);

  it('refuses a renamed field where the schema is written (satisfies)', () => {
    const faithful = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('fixed'), fen }),
      z.object({ kind: z.literal('uniform'), minFen: fen, maxFen: fen }),
      z.object({ kind: z.literal('tiers'), tiers: z.array(z.object({ fen, weight: fen })) }),
    ]) satisfies z.ZodType<AmountRule>;
    const renamed = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('fixed'), amountFen: fen }),
      z.object({ kind: z.literal('uniform'), minFen: fen, maxFen: fen }),
      z.object({ kind: z.literal('tiers'), tiers: z.array(z.object({ fen, weight: fen })) }),
    ]);
    // @ts-expect-error `fen` renamed `amountFen` in the schema: it no longer parses to an AmountRule
    expectTypeOf(renamed).toExtend<z.ZodType<AmountRule>>();
    expectTypeOf(faithful).toExtend<z.ZodType<AmountRule>>();

    const risk = z.object({
      openidBlacklist: z.array(z.string()),
      maxClaimsPerIpPerHour: z.number().int().nullable(),
      skipSuspicious: z.boolean(),
    });
    // @ts-expect-error `excludeSuspicious` renamed `skipSuspicious` in the schema
    expectTypeOf(risk).toExtend<z.ZodType<RiskRules>>();
  });

  it('refuses, in the admin action table, a request shape the schema does not parse to', () => {
    // The contract's request is built from the domain's definition, so a field renamed in the
    // domain reaches the contract; a schema that still spells the other name (here the reverse:
    // the schema renamed, the shapes not) turns the table's entry into the reason it fails.
    const { budgetFen: _dropped, ...shape } = {
      name: z.string(),
      startAt: z.string(),
      endAt: z.string(),
      budgetFen: fen,
      amount: z.custom<AmountRule>(),
      firstScanOnly: z.boolean(),
      allowTypedCodes: z.boolean().optional(),
      amountDisplay: z.enum(['shown', 'hidden-until-opened']),
      targeting: z.custom<Targeting>(),
      limits: z.object({ perUserPerDay: fen, perUserPerCampaign: fen }),
      payout: z.custom<ProviderSettings>(),
      risk: z.custom<RiskRules>(),
    };
    const run = async (): Promise<CampaignResult> => ({}) as CampaignResult;
    const audit = () => ({ target: '', summary: '' });
    const faithful = writeAction(z.object({ ...shape, budgetFen: fen }), run, audit);
    const renamed = writeAction(z.object({ ...shape, budgetYuanFen: fen }), run, audit);

    type Entry<D> = AdminActionTable<{ createCampaign: D }>['createCampaign'];
    expectTypeOf(faithful).toEqualTypeOf<Entry<typeof faithful>>();
    expectTypeOf<
      Entry<typeof renamed>
    >().toEqualTypeOf<"createCampaign: the schema rejects some AdminActions['createCampaign']['request']">();
    expectTypeOf(renamed).not.toEqualTypeOf<Entry<typeof renamed>>();
    expectTypeOf<z.output<typeof faithful.input>>().toExtend<CreateCampaignRequest>();
  });
});
