import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { MailModule } from '../mail/mail.module.js';
import { AttestationsRepository } from './attestations.repository.js';
import { AuthController, InvitationsController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { AuthenticationReadModel } from './authentication.read-model.js';
import { DevicesRepository } from './devices.repository.js';
import { DevicesService } from './devices.service.js';
import { InvitationsRepository } from './invitations.repository.js';
import { LoginService } from './login.service.js';
import { MeController } from './me.controller.js';
import { MeService } from './me.service.js';
import { MfaService } from './mfa.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionCookies } from './session-cookie.js';
import { PasswordVerifier } from './passwords.js';
import { PasswordResetService } from './password-reset.service.js';
import { PasswordResetsRepository } from './password-resets.repository.js';
import { SessionsService } from './sessions.service.js';
import { SignInThrottleService } from './sign-in-throttle.service.js';
import { SignInThrottlesController } from './sign-in-throttles.controller.js';
import { SignInThrottlesRepository } from './sign-in-throttles.repository.js';
import { DevicesController, UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AgenciesModule, AuditModule, MailModule],
  providers: [
    AuthService,
    LoginService,
    SessionsService,
    MfaService,
    MeService,
    UsersService,
    DevicesService,
    SignInThrottleService,
    PasswordVerifier,
    AuthenticationReadModel,
    UsersRepository,
    SessionsRepository,
    DevicesRepository,
    InvitationsRepository,
    PasswordResetsRepository,
    PasswordResetService,
    AttestationsRepository,
    SignInThrottlesRepository,
    SessionCookies,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  controllers: [
    AuthController,
    InvitationsController,
    MeController,
    UsersController,
    DevicesController,
    SignInThrottlesController,
  ],
  exports: [AuthService, SessionCookies, UsersService, DevicesService, UsersRepository, DevicesRepository],
})
export class IdentityModule {}
