import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  consentRegisterView,
  recordConsentSchema,
  recordLawfulBasisSchema,
  recordNoticeSchema,
  type ConsentRegisterView,
  type RecordConsentInput,
  type RecordLawfulBasisInput,
  type RecordNoticeInput,
} from '../../contracts/consent.js';
import { ApiDoc, ApiZodBody, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { ConsentRegisterService } from './consent-register.service.js';
import { ConsentService } from './consent.service.js';
import { LawfulBasesService } from './lawful-bases.service.js';

/** The consent register of a family; changes by its lead worker or the chair of its channel. */
@ApiTags('consent')
@ApiBearerAuth()
@Controller('families/:id')
export class ConsentController {
  constructor(
    private readonly registers: ConsentRegisterService,
    private readonly consent: ConsentService,
    private readonly lawfulBases: LawfulBasesService,
  ) {}

  /** Consent history, notices, lawful bases, which agencies may share and on what basis, decisions. */
  @Get('consent')
  @ApiDoc('The family’s consent register and who may share its information', consentRegisterView)
  register(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<ConsentRegisterView> {
    return this.registers.register(auth, id);
  }

  @Post('members/:memberId/consent')
  @ApiDoc('Record a family member’s consent decision (answers with the register)', consentRegisterView, 201)
  @ApiZodBody(recordConsentSchema)
  record(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('memberId', uuidParam) memberId: string,
    @Body(zodPipe(recordConsentSchema)) dto: RecordConsentInput,
  ): Promise<ConsentRegisterView> {
    return this.consent.recordConsent(auth, id, memberId, dto);
  }

  /** A fair-processing notice given to a family member (ISA 5.1). */
  @Post('members/:memberId/notices')
  @ApiDoc('Record a fair-processing notice given (answers with the register)', consentRegisterView, 201)
  @ApiZodBody(recordNoticeSchema)
  notice(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('memberId', uuidParam) memberId: string,
    @Body(zodPipe(recordNoticeSchema)) dto: RecordNoticeInput,
  ): Promise<ConsentRegisterView> {
    return this.consent.recordNotice(auth, id, memberId, dto);
  }

  /** A lawful basis to share with an agency without consent, approved by a manager (ISA 3.3.6). */
  @Post('lawful-bases')
  @ApiDoc('Record a lawful basis to share without consent (answers with the register)', consentRegisterView, 201)
  @ApiZodBody(recordLawfulBasisSchema)
  lawfulBasis(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(recordLawfulBasisSchema)) dto: RecordLawfulBasisInput,
  ): Promise<ConsentRegisterView> {
    return this.lawfulBases.recordLawfulBasis(auth, id, dto);
  }
}
