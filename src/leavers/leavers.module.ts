import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module.js';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { HandOverController } from './hand-over.controller.js';
import { HandOverService } from './hand-over.service.js';

/** Leavers and withdrawals carried through: a leaver's actions and families handed over, nothing dropped. */
@Module({
  imports: [ActionsModule, AgenciesModule, FamiliesModule, IdentityModule],
  providers: [HandOverService],
  controllers: [HandOverController],
})
export class LeaversModule {}
