import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { DevicesService } from './devices.service.js';
import {
  AuthController,
  DevicesController,
  InvitationsController,
  MeController,
  UsersController,
} from './identity.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AgenciesModule, AuditModule],
  providers: [AuthService, UsersService, DevicesService, { provide: APP_GUARD, useClass: AuthGuard }],
  controllers: [AuthController, InvitationsController, MeController, UsersController, DevicesController],
  exports: [AuthService, UsersService, DevicesService],
})
export class IdentityModule {}
