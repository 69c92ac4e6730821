import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { forbidden } from '../common/app-error.js';
import { ApiZodBody, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Access, Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { AgenciesService } from './agencies.service.js';
import {
  noticeSchema,
  publishAgreementSchema,
  registerAgencySchema,
  signAgencySchema,
  suspendSchema,
  type NoticeDto,
  type PublishAgreementDto,
  type RegisterAgencyDto,
  type SignAgencyDto,
  type SuspendDto,
} from './dto/agency.dto.js';

@ApiTags('agreements')
@ApiBearerAuth()
@Controller('agreements')
export class AgreementsController {
  constructor(private readonly agencies: AgenciesService) {}

  @Get()
  @Access('session')
  list() {
    return this.agencies.listAgreements();
  }

  @Get('current')
  @Access('session')
  current() {
    return this.agencies.currentAgreement();
  }

  @Post()
  @Roles('isa_admin')
  @ApiZodBody(publishAgreementSchema)
  publish(@Auth() auth: AuthContext, @Body(zodPipe(publishAgreementSchema)) dto: PublishAgreementDto) {
    return this.agencies.publishAgreement(auth, dto);
  }
}

/** The ISA signatory register. Only `isa_admin` changes it; everyone signed in can read who is in. */
@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Get()
  @Access('session')
  list() {
    return this.agencies.list();
  }

  @Get(':id')
  @Access('session')
  show(@Param('id', uuidParam) id: string) {
    return this.agencies.show(id);
  }

  @Get(':id/signatures')
  @Roles('isa_admin', 'agency_admin', 'auditor')
  async signatures(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    if (auth.user.role === 'agency_admin' && auth.user.agencyId !== id) {
      throw forbidden('other_agency', "You can only see your own agency's signatures.");
    }
    await this.agencies.get(id);
    return this.agencies.signatures(id);
  }

  @Post()
  @Roles('isa_admin')
  @ApiZodBody(registerAgencySchema)
  register(@Auth() auth: AuthContext, @Body(zodPipe(registerAgencySchema)) dto: RegisterAgencyDto) {
    return this.agencies.register(auth, dto);
  }

  @Post(':id/signatures')
  @Roles('isa_admin')
  @ApiZodBody(signAgencySchema)
  sign(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(signAgencySchema)) dto: SignAgencyDto,
  ) {
    return this.agencies.sign(auth, id, dto);
  }

  @Post(':id/withdrawal-notice')
  @HttpCode(200)
  @Roles('isa_admin')
  @ApiZodBody(noticeSchema)
  notice(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string, @Body(zodPipe(noticeSchema)) dto: NoticeDto) {
    return this.agencies.giveNotice(auth, id, dto);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles('isa_admin')
  @ApiZodBody(suspendSchema)
  suspend(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(suspendSchema)) dto: SuspendDto,
  ) {
    return this.agencies.suspend(auth, id, dto);
  }

  @Post(':id/reinstate')
  @HttpCode(200)
  @Roles('isa_admin')
  reinstate(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string, @Body(zodPipe(emptyBodySchema)) _: unknown) {
    return this.agencies.reinstate(auth, id);
  }
}
