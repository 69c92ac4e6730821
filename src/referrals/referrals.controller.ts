import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  decideReferralSchema,
  listReferralsQuery,
  rateReferralSchema,
  referralQueueView,
  referralReceipt,
  referralSettingsView,
  referralView,
  shareReferralSchema,
  startReferralSchema,
  submitReferralSchema,
  type DecideReferralInput,
  type ListReferralsQuery,
  type RateReferralInput,
  type ReferralAnswer,
  type ReferralQueueView,
  type ReferralReceipt,
  type ReferralSettingsView,
  type ReferralView,
  type ShareReferralInput,
  type StartReferralInput,
  type SubmitReferralInput,
} from '../../contracts/referrals.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, emptyBodySchema, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { REFERRAL_REF } from './referral-rules.js';
import { ReferralsService } from './referrals.service.js';

/** A referral named by its id or its reference number (MASH-2026-000123). */
const referralParam = zodPipe(
  z.union([z.uuid(), z.string().regex(REFERRAL_REF)], {
    message: 'must be a referral’s reference number (MASH-2026-000123) or id',
  }),
  'referral in the address',
);

/** The MASH hub: referrals, screening, sharing with partners, decisions (ISA 3.3.13). */
@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get('settings')
  @ApiDoc('The MASH hub, its concern categories and screening deadlines', referralSettingsView)
  settings(): Promise<ReferralSettingsView> {
    return this.referrals.settings();
  }

  @Get('queue')
  @ApiDoc('The hub’s open referrals, overdue first, with counts (hub staff)', referralQueueView)
  queue(@Auth() auth: AuthContext): Promise<ReferralQueueView> {
    return this.referrals.queue(auth);
  }

  @Get()
  @ApiDoc('Referrals you made, shared with you, or (hub staff) every one', z.array(referralReceipt))
  @ApiZodQuery(listReferralsQuery)
  list(
    @Auth() auth: AuthContext,
    @Query(zodPipe(listReferralsQuery)) q: ListReferralsQuery,
  ): Promise<ReferralReceipt[]> {
    return this.referrals.list(auth, q);
  }

  /** Starts a draft: its channel holds the hub's staff and you, so your client can seal the referral to them. */
  @Post()
  @ApiDoc('Start a referral to the MASH hub (a draft until submitted)', referralView, 201)
  @ApiZodBody(startReferralSchema)
  start(@Auth() auth: AuthContext, @Body(zodPipe(startReferralSchema)) dto: StartReferralInput): Promise<ReferralView> {
    return this.referrals.start(auth, dto);
  }

  @Get(':id')
  @ApiDoc('A referral: in full to the hub and partners, the receipt to its referrer', referralView)
  show(@Auth() auth: AuthContext, @Param('id', referralParam) id: string): Promise<ReferralAnswer> {
    return this.referrals.show(auth, id);
  }

  @Post(':id/submit')
  @ApiDoc('Submit a referral: its reference number and acknowledgement', referralReceipt, 201)
  @ApiZodBody(submitReferralSchema)
  submit(
    @Auth() auth: AuthContext,
    @Param('id', referralParam) id: string,
    @Body(zodPipe(submitReferralSchema)) dto: SubmitReferralInput,
  ): Promise<ReferralReceipt> {
    return this.referrals.submit(auth, id, dto);
  }

  @Post(':id/claim')
  @ApiDoc('Take a referral on for screening (hub staff)', referralView, 201)
  claim(
    @Auth() auth: AuthContext,
    @Param('id', referralParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<ReferralView> {
    return this.referrals.claim(auth, id);
  }

  @Post(':id/rating')
  @ApiDoc('Rate a referral red, amber or green (hub staff); moves the deadline', referralView, 201)
  @ApiZodBody(rateReferralSchema)
  rate(
    @Auth() auth: AuthContext,
    @Param('id', referralParam) id: string,
    @Body(zodPipe(rateReferralSchema)) dto: RateReferralInput,
  ): Promise<ReferralView> {
    return this.referrals.rate(auth, id, dto);
  }

  @Post(':id/shares')
  @ApiDoc('Bring a partner practitioner into a referral on consent or a lawful basis (hub staff)', referralView, 201)
  @ApiZodBody(shareReferralSchema)
  share(
    @Auth() auth: AuthContext,
    @Param('id', referralParam) id: string,
    @Body(zodPipe(shareReferralSchema)) dto: ShareReferralInput,
  ): Promise<ReferralView> {
    return this.referrals.share(auth, id, dto);
  }

  @Post(':id/decision')
  @ApiDoc('Decide on a referral (hub staff); early help links or opens a family', referralView, 201)
  @ApiZodBody(decideReferralSchema)
  decide(
    @Auth() auth: AuthContext,
    @Param('id', referralParam) id: string,
    @Body(zodPipe(decideReferralSchema)) dto: DecideReferralInput,
  ): Promise<ReferralView> {
    return this.referrals.decide(auth, id, dto);
  }

  @Post(':id/close')
  @ApiDoc('Close a decided referral (hub staff)', referralView, 201)
  close(
    @Auth() auth: AuthContext,
    @Param('id', referralParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<ReferralView> {
    return this.referrals.close(auth, id);
  }
}
