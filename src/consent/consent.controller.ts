import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { ConsentService } from './consent.service.js';
import {
  recordConsentSchema,
  recordLawfulBasisSchema,
  recordNoticeSchema,
  type RecordConsentDto,
  type RecordLawfulBasisDto,
  type RecordNoticeDto,
} from './dto/consent.dto.js';

/** The consent register of a family; changes by its lead worker or the chair of its channel. */
@ApiTags('consent')
@ApiBearerAuth()
@Controller('families/:id')
export class ConsentController {
  constructor(private readonly consent: ConsentService) {}

  /** Consent history, notices, lawful bases, which agencies may share and on what basis, decisions. */
  @Get('consent')
  register(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.consent.register(auth, id);
  }

  @Post('members/:memberId/consent')
  @ApiZodBody(recordConsentSchema)
  record(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('memberId', uuidParam) memberId: string,
    @Body(zodPipe(recordConsentSchema)) dto: RecordConsentDto,
  ) {
    return this.consent.recordConsent(auth, id, memberId, dto);
  }

  /** A fair-processing notice given to a family member (ISA 5.1). */
  @Post('members/:memberId/notices')
  @ApiZodBody(recordNoticeSchema)
  notice(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('memberId', uuidParam) memberId: string,
    @Body(zodPipe(recordNoticeSchema)) dto: RecordNoticeDto,
  ) {
    return this.consent.recordNotice(auth, id, memberId, dto);
  }

  /** A lawful basis to share with an agency without consent, approved by a manager (ISA 3.3.6). */
  @Post('lawful-bases')
  @ApiZodBody(recordLawfulBasisSchema)
  lawfulBasis(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(recordLawfulBasisSchema)) dto: RecordLawfulBasisDto,
  ) {
    return this.consent.recordLawfulBasis(auth, id, dto);
  }
}
