import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Meta, type RequestMeta } from '../common/request-context.js';
import { ApiZodBody, ApiZodQuery, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Access, Auth, type AuthContext, Roles } from './auth-context.js';
import { AuthService } from './auth.service.js';
import { DevicesService } from './devices.service.js';
import {
  acceptInvitationSchema,
  attestSchema,
  createUserSchema,
  disableUserSchema,
  listUsersQuery,
  lookupUserQuery,
  loginSchema,
  mfaVerifySchema,
  registerDeviceSchema,
  revokeDeviceSchema,
  type AcceptInvitationDto,
  type AttestDto,
  type CreateUserDto,
  type DisableUserDto,
  type LoginDto,
  type MfaVerifyDto,
  type RegisterDeviceDto,
} from './dto/identity.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Access('public')
  @ApiZodBody(loginSchema)
  login(@Body(zodPipe(loginSchema)) dto: LoginDto, @Meta() meta: RequestMeta) {
    return this.auth.login(dto, meta);
  }

  @Post('logout')
  @HttpCode(204)
  @Access('enrolment')
  @ApiBearerAuth()
  async logout(@Auth() auth: AuthContext, @Body(zodPipe(emptyBodySchema)) _: unknown) {
    await this.auth.revokeSession(auth, auth.session.id);
  }

  @Post('logout-all')
  @HttpCode(200)
  @Access('session')
  @ApiBearerAuth()
  logoutAll(@Auth() auth: AuthContext, @Body(zodPipe(emptyBodySchema)) _: unknown) {
    return this.auth.logoutEverywhere(auth);
  }
}

@ApiTags('invitations')
@Controller('invitations')
export class InvitationsController {
  constructor(private readonly users: UsersService) {}

  @Post('accept')
  @HttpCode(200)
  @Access('public')
  @ApiZodBody(acceptInvitationSchema)
  accept(@Body(zodPipe(acceptInvitationSchema)) dto: AcceptInvitationDto, @Meta() meta: RequestMeta) {
    return this.users.acceptInvitation(dto, meta);
  }
}

/** The signed-in person's own account: profile, attestation, MFA, sessions, devices. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly auth: AuthService,
    private readonly devices: DevicesService,
  ) {}

  @Get()
  @Access('enrolment')
  me(@Auth() auth: AuthContext) {
    return this.auth.me(auth);
  }

  @Post('attestation')
  @Access('session')
  @ApiZodBody(attestSchema)
  attest(@Auth() auth: AuthContext, @Body(zodPipe(attestSchema)) dto: AttestDto) {
    return this.auth.attest(auth, dto);
  }

  @Post('mfa/enrol')
  @Access('enrolment')
  enrol(@Auth() auth: AuthContext, @Body(zodPipe(emptyBodySchema)) _: unknown) {
    return this.auth.startMfaEnrolment(auth);
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @Access('enrolment')
  @ApiZodBody(mfaVerifySchema)
  verify(@Auth() auth: AuthContext, @Body(zodPipe(mfaVerifySchema)) dto: MfaVerifyDto) {
    return this.auth.completeMfaEnrolment(auth, dto);
  }

  @Get('sessions')
  @Access('session')
  sessions(@Auth() auth: AuthContext) {
    return this.auth.listSessions(auth);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @Access('session')
  async revokeSession(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    await this.auth.revokeSession(auth, id);
  }

  @Get('devices')
  myDevices(@Auth() auth: AuthContext) {
    return this.devices.listActive(auth.user.id);
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly devices: DevicesService,
  ) {}

  @Post()
  @Roles('isa_admin', 'agency_admin')
  @ApiZodBody(createUserSchema)
  create(@Auth() auth: AuthContext, @Body(zodPipe(createUserSchema)) dto: CreateUserDto) {
    return this.users.create(auth, dto);
  }

  @Get()
  @Roles('isa_admin', 'agency_admin')
  @ApiZodQuery(listUsersQuery)
  list(@Auth() auth: AuthContext, @Query(zodPipe(listUsersQuery)) q: { agencyId?: string }) {
    return this.users.list(auth, q.agencyId);
  }

  /**
   * Finds a colleague to add to a channel by their exact work e-mail address: only active people of
   * agencies party to the agreement, and only what a partner needs (no listing of everyone).
   */
  @Get('lookup')
  @ApiZodQuery(lookupUserQuery)
  lookup(@Query(zodPipe(lookupUserQuery)) q: { email: string }) {
    return this.users.lookup(q.email);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Roles('isa_admin', 'agency_admin')
  @ApiZodBody(disableUserSchema)
  disable(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(disableUserSchema)) dto: DisableUserDto,
  ) {
    return this.users.disable(auth, id, dto);
  }

  /** Active devices' public keys, which any partner needs in order to encrypt to this user. */
  @Get(':id/devices')
  userDevices(@Param('id', uuidParam) id: string) {
    return this.devices.listActive(id);
  }
}

@ApiTags('devices')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post()
  @ApiZodBody(registerDeviceSchema)
  register(@Auth() auth: AuthContext, @Body(zodPipe(registerDeviceSchema)) dto: RegisterDeviceDto) {
    return this.devices.register(auth, dto);
  }

  /** One device's public keys, revoked ones too: clients need them to check the signatures of older messages. */
  @Get(':id')
  get(@Param('id', uuidParam) id: string) {
    return this.devices.get(id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiZodBody(revokeDeviceSchema)
  revoke(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(revokeDeviceSchema)) dto: { reason?: string } | undefined,
  ) {
    return this.devices.revoke(auth, id, dto?.reason);
  }
}
