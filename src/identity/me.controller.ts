import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  identityView,
  publishIdentitySchema,
  type IdentityView,
  type PublishIdentityInput,
  attestationView,
  attestSchema,
  deviceView,
  meView,
  mfaEnabled,
  mfaEnrolment,
  mfaVerifySchema,
  sessionView,
  type AttestationView,
  type AttestInput,
  type DeviceView,
  type MeView,
  type MfaEnabled,
  type MfaEnrolment,
  type MfaVerifyInput,
  type SessionView,
} from '../../contracts/identity.js';
import { ApiDoc, ApiZodBody, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Access, Auth, type AuthContext } from './auth-context.js';
import { DevicesService } from './devices.service.js';
import { MeService } from './me.service.js';
import { MfaService } from './mfa.service.js';
import { SessionCookies, type CookieAuthenticated } from './session-cookie.js';
import { SessionsService } from './sessions.service.js';

/** The signed-in person's own account: profile, attestation, MFA, sessions, devices. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly account: MeService,
    private readonly mfa: MfaService,
    private readonly sessions: SessionsService,
    private readonly devices: DevicesService,
    private readonly cookies: SessionCookies,
  ) {}

  @Get()
  @ApiDoc('Your account, and whether (and if not, why not) you may use shared spaces', meView)
  @Access('enrolment')
  me(@Auth() auth: AuthContext): Promise<MeView> {
    return this.account.me(auth);
  }

  @Post('attestation')
  @ApiDoc('Confirm you have read the current agreement and the sharing advice', attestationView, 201)
  @Access('session')
  @ApiZodBody(attestSchema)
  attest(@Auth() auth: AuthContext, @Body(zodPipe(attestSchema)) dto: AttestInput): Promise<AttestationView> {
    return this.account.attest(auth, dto);
  }

  @Post('mfa/enrol')
  @ApiDoc('Start two-factor enrolment: a new TOTP secret', mfaEnrolment, 201)
  @Access('enrolment')
  enrol(@Auth() auth: AuthContext, @Body(zodPipe(emptyBodySchema)) _: unknown): Promise<MfaEnrolment> {
    return this.mfa.startMfaEnrolment(auth);
  }

  @Post('mfa/verify')
  @ApiDoc('Finish two-factor enrolment with a code; returns recovery codes', mfaEnabled)
  @HttpCode(200)
  @Access('enrolment')
  @ApiZodBody(mfaVerifySchema)
  verify(@Auth() auth: AuthContext, @Body(zodPipe(mfaVerifySchema)) dto: MfaVerifyInput): Promise<MfaEnabled> {
    return this.mfa.completeMfaEnrolment(auth, dto);
  }

  @Get('sessions')
  @ApiDoc('Your live sessions, newest first', z.array(sessionView))
  @Access('session')
  list(@Auth() auth: AuthContext): Promise<SessionView[]> {
    return this.sessions.listSessions(auth);
  }

  @Delete('sessions/:id')
  @ApiDoc('End one of your sessions', null)
  @HttpCode(204)
  @Access('session')
  async revokeSession(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Req() req: CookieAuthenticated,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.sessions.revokeSession(auth, id);
    // Ending the very session this page is signed in with is signing out: its cookie goes too.
    if (id === auth.session.id) this.cookies.clearIfUsed(req, res);
  }

  @Get('devices')
  @ApiDoc('Your active devices', z.array(deviceView))
  myDevices(@Auth() auth: AuthContext): Promise<DeviceView[]> {
    return this.devices.listActive(auth, auth.user.id);
  }

  @Put('identity')
  @ApiDoc('Publish your identity key, signing your first device (needs a fresh step-up)', identityView)
  @ApiZodBody(publishIdentitySchema)
  publishIdentity(
    @Auth() auth: AuthContext,
    @Body(zodPipe(publishIdentitySchema)) dto: PublishIdentityInput,
  ): Promise<IdentityView> {
    return this.devices.publishIdentity(auth, dto);
  }
}
