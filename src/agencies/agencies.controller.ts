import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  agencyView,
  agreementVersion,
  noticeSchema,
  publishAgreementSchema,
  registerAgencySchema,
  signAgencySchema,
  signatureView,
  suspendSchema,
  type AgencyView,
  type AgreementVersion,
  type NoticeInput,
  type PublishAgreementInput,
  type RegisterAgencyInput,
  type SignAgencyInput,
  type SignatureView,
  type SuspendInput,
} from '../../contracts/agencies.js';
import { forbidden } from '../common/app-error.js';
import { ApiDoc, ApiZodBody, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Access, Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { AgenciesService } from './agencies.service.js';
import { AgencyStatusService } from './agency-status.service.js';

@ApiTags('agreements')
@ApiBearerAuth()
@Controller('agreements')
export class AgreementsController {
  constructor(private readonly agencies: AgenciesService) {}

  @Get()
  @ApiDoc('Published agreement versions, newest first', z.array(agreementVersion))
  @Access('session')
  list(): Promise<AgreementVersion[]> {
    return this.agencies.listAgreements();
  }

  @Get('current')
  @ApiDoc('The current agreement version (null before the first is published)', agreementVersion.nullable())
  @Access('session')
  current(): Promise<AgreementVersion | null> {
    return this.agencies.currentAgreementView();
  }

  @Post()
  @ApiDoc('Publish an agreement version (it is current at once)', agreementVersion, 201)
  @Roles('isa_admin')
  @ApiZodBody(publishAgreementSchema)
  publish(
    @Auth() auth: AuthContext,
    @Body(zodPipe(publishAgreementSchema)) dto: PublishAgreementInput,
  ): Promise<AgreementVersion> {
    return this.agencies.publishAgreement(auth, dto);
  }
}

/** The ISA signatory register. Only `isa_admin` changes it; everyone signed in can read who is in. */
@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies')
export class AgenciesController {
  constructor(
    private readonly agencies: AgenciesService,
    private readonly status: AgencyStatusService,
  ) {}

  @Get()
  @ApiDoc('The signatory register', z.array(agencyView))
  @Access('session')
  list(): Promise<AgencyView[]> {
    return this.agencies.list();
  }

  @Get(':id')
  @ApiDoc('One agency of the register', agencyView)
  @Access('session')
  show(@Param('id', uuidParam) id: string): Promise<AgencyView> {
    return this.agencies.show(id);
  }

  @Get(':id/signatures')
  @ApiDoc("An agency's signatures of the agreement, newest first", z.array(signatureView))
  @Roles('isa_admin', 'agency_admin', 'auditor')
  async signatures(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<SignatureView[]> {
    if (auth.user.role === 'agency_admin' && auth.user.agencyId !== id) {
      throw forbidden('other_agency', "You can only see your own agency's signatures.");
    }
    await this.agencies.get(id);
    return this.agencies.signatures(id);
  }

  @Post()
  @ApiDoc('Register an agency', agencyView, 201)
  @Roles('isa_admin')
  @ApiZodBody(registerAgencySchema)
  register(
    @Auth() auth: AuthContext,
    @Body(zodPipe(registerAgencySchema)) dto: RegisterAgencyInput,
  ): Promise<AgencyView> {
    return this.agencies.register(auth, dto);
  }

  @Post(':id/signatures')
  @ApiDoc("Record a signatory's signature of the agreement", agencyView, 201)
  @Roles('isa_admin')
  @ApiZodBody(signAgencySchema)
  sign(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(signAgencySchema)) dto: SignAgencyInput,
  ): Promise<AgencyView> {
    return this.agencies.sign(auth, id, dto);
  }

  @Post(':id/withdrawal-notice')
  @ApiDoc('Record notice of withdrawal (effective one calendar month later)', agencyView)
  @HttpCode(200)
  @Roles('isa_admin')
  @ApiZodBody(noticeSchema)
  notice(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(noticeSchema)) dto: NoticeInput,
  ): Promise<AgencyView> {
    return this.status.giveNotice(auth, id, dto);
  }

  @Post(':id/suspend')
  @ApiDoc('Suspend an agency from the agreement', agencyView)
  @HttpCode(200)
  @Roles('isa_admin')
  @ApiZodBody(suspendSchema)
  suspend(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(suspendSchema)) dto: SuspendInput,
  ): Promise<AgencyView> {
    return this.status.suspend(auth, id, dto);
  }

  @Post(':id/reinstate')
  @ApiDoc('Reinstate a suspended agency to its previous status', agencyView)
  @HttpCode(200)
  @Roles('isa_admin')
  reinstate(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<AgencyView> {
    return this.status.reinstate(auth, id);
  }
}
