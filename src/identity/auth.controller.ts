import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  acceptInvitationSchema,
  activatedUser,
  loginResult,
  loginSchema,
  logoutAllResult,
  stepUpSchema,
  stepUpView,
  type AcceptInvitationInput,
  type ActivatedUser,
  type LoginInput,
  type LoginResult,
  type LogoutAllResult,
  type StepUpInput,
  type StepUpView,
} from '../../contracts/identity.js';
import { Meta, type RequestMeta } from '../common/request-context.js';
import { ApiDoc, ApiZodBody, emptyBodySchema, zodPipe } from '../common/zod.js';
import { Access, Auth, type AuthContext } from './auth-context.js';
import { LoginService } from './login.service.js';
import { SessionsService } from './sessions.service.js';
import { UsersService } from './users.service.js';

/** The refusal sign-in and step-up share: wait, then try again (docs/operations.md, "Sign-in throttling"). */
const ApiTooManyAttempts = () =>
  ApiResponse({
    status: 429,
    description:
      '`too_many_attempts`: too many failed attempts at this e-mail address or from this network address; the ' +
      'same answer whether or not the address belongs to an account. `rate_limited`: too many requests. ' +
      'Either way, wait the `Retry-After` seconds (also in `details.retryAfterSeconds`).',
    headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } },
  });

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly login: LoginService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('login')
  @ApiDoc('Sign in with e-mail, password and (if enabled) a second factor', loginResult)
  @HttpCode(200)
  @Access('public')
  @ApiZodBody(loginSchema)
  @ApiTooManyAttempts()
  signIn(@Body(zodPipe(loginSchema)) dto: LoginInput, @Meta() meta: RequestMeta): Promise<LoginResult> {
    return this.login.login(dto, meta);
  }

  @Post('step-up')
  @ApiDoc('Enter the password (and authenticator code) again, to add a device in the next few minutes', stepUpView)
  @HttpCode(200)
  @Access('session')
  @ApiBearerAuth()
  @ApiZodBody(stepUpSchema)
  @ApiTooManyAttempts()
  stepUp(
    @Auth() auth: AuthContext,
    @Body(zodPipe(stepUpSchema)) dto: StepUpInput,
    @Meta() meta: RequestMeta,
  ): Promise<StepUpView> {
    return this.login.stepUp(auth, dto, meta);
  }

  @Post('logout')
  @ApiDoc('End this session', null)
  @HttpCode(204)
  @Access('enrolment')
  @ApiBearerAuth()
  async logout(@Auth() auth: AuthContext, @Body(zodPipe(emptyBodySchema)) _: unknown): Promise<void> {
    await this.sessions.revokeSession(auth, auth.session.id);
  }

  @Post('logout-all')
  @ApiDoc('End every session of this account', logoutAllResult)
  @HttpCode(200)
  @Access('session')
  @ApiBearerAuth()
  logoutAll(@Auth() auth: AuthContext, @Body(zodPipe(emptyBodySchema)) _: unknown): Promise<LogoutAllResult> {
    return this.sessions.logoutEverywhere(auth);
  }
}

@ApiTags('invitations')
@Controller('invitations')
export class InvitationsController {
  constructor(private readonly users: UsersService) {}

  @Post('accept')
  @ApiDoc('Accept an invitation: set your own password and activate the account', activatedUser)
  @HttpCode(200)
  @Access('public')
  @ApiZodBody(acceptInvitationSchema)
  accept(
    @Body(zodPipe(acceptInvitationSchema)) dto: AcceptInvitationInput,
    @Meta() meta: RequestMeta,
  ): Promise<ActivatedUser> {
    return this.users.acceptInvitation(dto, meta);
  }
}
