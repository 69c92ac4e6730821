import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import {
  addFamilyMemberSchema,
  handOverSchema,
  planProgressSchema,
  recordExportSchema,
  savePlanSchema,
  type AddFamilyMemberDto,
  type HandOverDto,
  type PlanProgressDto,
  type RecordExportDto,
  type SavePlanDto,
} from './dto/family.dto.js';
import { FamiliesService } from './families.service.js';
import { FamilyPlansService } from './family-plans.service.js';

/** Families (pseudonymous), their members and lead worker. Visible to the family channel's members. */
@ApiTags('families')
@ApiBearerAuth()
@Controller('families')
export class FamiliesController {
  constructor(
    private readonly families: FamiliesService,
    private readonly plans: FamilyPlansService,
  ) {}

  /** Opens a family: a new reference, its channel, and the caller as lead worker. */
  @Post()
  create(@Auth() auth: AuthContext, @Body(zodPipe(emptyBodySchema)) _: unknown) {
    return this.families.create(auth);
  }

  @Get()
  list(@Auth() auth: AuthContext) {
    return this.families.list(auth);
  }

  @Get(':id')
  show(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.families.show(auth, id);
  }

  @Post(':id/members')
  @ApiZodBody(addFamilyMemberSchema)
  addMember(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(addFamilyMemberSchema)) dto: AddFamilyMemberDto,
  ) {
    return this.families.addMember(auth, id, dto);
  }

  /** Hands the family to another lead worker (recorded; consent re-checked for their agency). */
  @Post(':id/lead')
  @ApiZodBody(handOverSchema)
  handOver(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(handOverSchema)) dto: HandOverDto,
  ) {
    return this.families.handOver(auth, id, dto);
  }

  /** The whole-family plan (latest version), progress reports and members it does not cover. */
  @Get(':id/plan')
  plan(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.plans.show(auth, id);
  }

  @Post(':id/plan')
  @ApiZodBody(savePlanSchema)
  savePlan(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(savePlanSchema)) dto: SavePlanDto,
  ) {
    return this.plans.save(auth, id, dto);
  }

  @Post(':id/plan/progress')
  @ApiZodBody(planProgressSchema)
  planProgress(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(planProgressSchema)) dto: PlanProgressDto,
  ) {
    return this.plans.progress(auth, id, dto);
  }

  /** Records that the caller exported the plan to their agency's case record (audited). */
  @Post(':id/plan/exports')
  @ApiZodBody(recordExportSchema)
  planExported(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(recordExportSchema)) dto: RecordExportDto,
  ) {
    return this.plans.recordExport(auth, id, dto);
  }
}
