import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  acceptInvitationSchema,
  activatedUser,
  cookieLoginResult,
  currentSessionView,
  loginResult,
  loginSchema,
  logoutAllResult,
  passwordResetCompleteSchema,
  passwordResetDone,
  passwordResetRequested,
  passwordResetRequestSchema,
  type PasswordResetCompleteInput,
  type PasswordResetDone,
  type PasswordResetRequested,
  type PasswordResetRequestInput,
  stepUpSchema,
  stepUpView,
  type AcceptInvitationInput,
  type ActivatedUser,
  type CookieLoginResult,
  type CurrentSessionView,
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
import { PasswordResetService } from './password-reset.service.js';
import { csrfTokenFor, SessionCookies, type CookieAuthenticated } from './session-cookie.js';
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
    private readonly cookies: SessionCookies,
    private readonly resets: PasswordResetService,
  ) {}

  @Post('login')
  @ApiDoc(
    'Sign in with e-mail, password and (if enabled) a second factor; `session: "cookie"` for a web page',
    z.union([loginResult, cookieLoginResult]),
  )
  @HttpCode(200)
  @Access('public')
  @ApiZodBody(loginSchema)
  @ApiTooManyAttempts()
  @ApiResponse({
    status: 403,
    description: '`foreign_origin`: a cookie sign-in asked for by a page on another site.',
  })
  async signIn(
    @Body(zodPipe(loginSchema)) dto: LoginInput,
    @Meta() meta: RequestMeta,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResult | CookieLoginResult> {
    const { session: kind, ...credentials } = dto;
    if (kind !== 'cookie') return this.login.login(credentials, meta);
    // Another site's page must not sign the browser in to an account of its choosing (login CSRF).
    this.cookies.refuseOtherSites(req);
    // The token goes into the HttpOnly cookie only: the page's scripts (and anything injected into them)
    // never see it, and it cannot be copied out of the browser by them.
    const { token, ...signedIn } = await this.login.login(credentials, meta);
    this.cookies.issue(req, res, token, new Date(signedIn.session.absoluteExpiresAt));
    return { csrfToken: csrfTokenFor(token), ...signedIn };
  }

  @Get('session')
  @ApiDoc(
    'Whether your session is still live, and for a web page’s cookie session its CSRF token (after a reload)',
    currentSessionView,
  )
  @Access('enrolment')
  @ApiBearerAuth()
  current(@Auth() auth: AuthContext, @Req() req: CookieAuthenticated): CurrentSessionView {
    return this.sessions.current(auth, this.cookies.csrfTokenOf(req));
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

  @Post('password-reset')
  @ApiDoc(
    'Forgot your password: a single-use link is e-mailed if an active account has the address (the answer is the same either way)',
    passwordResetRequested,
    202,
  )
  @HttpCode(202)
  @Access('public')
  @ApiZodBody(passwordResetRequestSchema)
  @ApiResponse({ status: 429, description: '`rate_limited`: too many requests from this network address.' })
  requestPasswordReset(
    @Body(zodPipe(passwordResetRequestSchema)) dto: PasswordResetRequestInput,
    @Meta() meta: RequestMeta,
  ): Promise<PasswordResetRequested> {
    return this.resets.request(dto, meta);
  }

  @Post('password-reset/complete')
  @ApiDoc(
    'Choose a new password with the e-mailed token (and the authenticator code, when the account has one); ends every session',
    passwordResetDone,
  )
  @HttpCode(200)
  @Access('public')
  @ApiZodBody(passwordResetCompleteSchema)
  @ApiTooManyAttempts()
  @ApiResponse({
    status: 400,
    description:
      '`password_reset_invalid`: the link was used, has expired or never existed. `weak_password`: choose another.',
  })
  completePasswordReset(
    @Body(zodPipe(passwordResetCompleteSchema)) dto: PasswordResetCompleteInput,
    @Meta() meta: RequestMeta,
  ): Promise<PasswordResetDone> {
    return this.resets.complete(dto, meta);
  }

  @Post('logout')
  @ApiDoc('End this session (and clear a web page’s session cookie)', null)
  @HttpCode(204)
  @Access('enrolment')
  @ApiBearerAuth()
  async logout(
    @Auth() auth: AuthContext,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
    @Req() req: CookieAuthenticated,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.sessions.revokeSession(auth, auth.session.id);
    this.cookies.clearIfUsed(req, res);
  }

  @Post('logout-all')
  @ApiDoc('End every session of this account (and clear a web page’s session cookie)', logoutAllResult)
  @HttpCode(200)
  @Access('session')
  @ApiBearerAuth()
  async logoutAll(
    @Auth() auth: AuthContext,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
    @Req() req: CookieAuthenticated,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LogoutAllResult> {
    const result = await this.sessions.logoutEverywhere(auth);
    this.cookies.clearIfUsed(req, res);
    return result;
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
