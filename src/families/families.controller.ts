import {
  exportRecordedView,
  recordExportSchema,
  type ExportRecordedView,
  type RecordExportInput,
} from '../../contracts/common.js';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  familyLocalityView,
  setFamilyLocalitySchema,
  type FamilyLocalityView,
  type SetFamilyLocalityInput,
} from '../../contracts/localities.js';
import {
  addFamilyMemberSchema,
  createFamilySchema,
  type CreateFamilyInput,
  familyMemberView,
  familyPlanView,
  familySummary,
  familyView,
  handOverSchema,
  planProgressRecordedView,
  planProgressSchema,
  planReviewSchema,
  planReviewView,
  planSavedView,
  savePlanSchema,
  type AddFamilyMemberInput,
  type FamilyMemberView,
  type FamilyPlanView,
  type FamilySummary,
  type FamilyView,
  type HandOverInput,
  type PlanProgressInput,
  type PlanProgressRecordedView,
  type PlanReviewInput,
  type PlanReviewView,
  type PlanSavedView,
  type SavePlanInput,
} from '../../contracts/families.js';
import { ApiDoc, ApiZodBody, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { FamiliesService } from './families.service.js';
import { FamilyLocalityService } from './family-locality.service.js';
import { FamilyPlansService } from './family-plans.service.js';

/** Families (pseudonymous), their members and lead worker. Visible to the family channel's members. */
@ApiTags('families')
@ApiBearerAuth()
@Controller('families')
export class FamiliesController {
  constructor(
    private readonly families: FamiliesService,
    private readonly plans: FamilyPlansService,
    private readonly locality: FamilyLocalityService,
  ) {}

  /** Opens a family: a new reference, its channel, and the caller as lead worker; its locality if chosen. */
  @Post()
  @ApiDoc('Open a family with you as its lead worker', familyView, 201)
  @ApiZodBody(createFamilySchema)
  create(@Auth() auth: AuthContext, @Body(zodPipe(createFamilySchema)) dto: CreateFamilyInput): Promise<FamilyView> {
    return this.families.create(auth, dto);
  }

  @Get()
  @ApiDoc('Families whose channel you are in', z.array(familySummary))
  list(@Auth() auth: AuthContext): Promise<FamilySummary[]> {
    return this.families.list(auth);
  }

  @Get(':id')
  @ApiDoc('A family: its members, lead worker and lead-worker history', familyView)
  show(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<FamilyView> {
    return this.families.show(auth, id);
  }

  @Post(':id/members')
  @ApiDoc('Add a member to a family (details sealed)', familyMemberView, 201)
  @ApiZodBody(addFamilyMemberSchema)
  addMember(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(addFamilyMemberSchema)) dto: AddFamilyMemberInput,
  ): Promise<FamilyMemberView> {
    return this.families.addMember(auth, id, dto);
  }

  /** Hands the family to another lead worker (recorded; consent re-checked for their agency). */
  @Post(':id/lead')
  @ApiDoc('Hand the family to another lead worker', familyView, 201)
  @ApiZodBody(handOverSchema)
  handOver(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(handOverSchema)) dto: HandOverInput,
  ): Promise<FamilyView> {
    return this.families.handOver(auth, id, dto);
  }

  /** Places the family in a locality from the list (or none): its lead worker or its agency's administrator. */
  @Post(':id/locality')
  @ApiDoc('Set the locality a family is supported in', familyLocalityView, 201)
  @ApiZodBody(setFamilyLocalitySchema)
  setLocality(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(setFamilyLocalitySchema)) dto: SetFamilyLocalityInput,
  ): Promise<FamilyLocalityView> {
    return this.locality.set(auth, id, dto);
  }

  /** The whole-family plan (latest version), progress reports and members it does not cover. */
  @Get(':id/plan')
  @ApiDoc('The whole-family plan, its progress and reviews, and the members it does not cover', familyPlanView)
  plan(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<FamilyPlanView> {
    return this.plans.show(auth, id);
  }

  @Post(':id/plan')
  @ApiDoc('Save a new version of the whole-family plan', planSavedView, 201)
  @ApiZodBody(savePlanSchema)
  savePlan(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(savePlanSchema)) dto: SavePlanInput,
  ): Promise<PlanSavedView> {
    return this.plans.save(auth, id, dto);
  }

  @Post(':id/plan/progress')
  @ApiDoc('Report progress on an objective of the plan', planProgressRecordedView, 201)
  @ApiZodBody(planProgressSchema)
  planProgress(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(planProgressSchema)) dto: PlanProgressInput,
  ): Promise<PlanProgressRecordedView> {
    return this.plans.progress(auth, id, dto);
  }

  /** Records a review of the plan and what it found (lead worker or chair); listed in the plan's view. */
  @Post(':id/plan/reviews')
  @ApiDoc('Record a review of the whole-family plan: met, partly met or not met', planReviewView, 201)
  @ApiZodBody(planReviewSchema)
  planReview(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(planReviewSchema)) dto: PlanReviewInput,
  ): Promise<PlanReviewView> {
    return this.plans.review(auth, id, dto);
  }

  /** Records that the caller exported the plan to their agency's case record (audited). */
  @Post(':id/plan/exports')
  @ApiDoc('Record that you exported the plan to your case record', exportRecordedView, 201)
  @ApiZodBody(recordExportSchema)
  planExported(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(recordExportSchema)) dto: RecordExportInput,
  ): Promise<ExportRecordedView> {
    return this.plans.recordExport(auth, id, dto);
  }
}
