import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  SCHEDULE_CLASSES,
  scheduleQuery,
  scheduleView,
  setScheduleRequest,
  type ScheduleClass,
  type ScheduleQuery,
  type ScheduleView,
  type SetScheduleRequest,
} from '../../contracts/retention.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { RetentionSchedulesService } from './retention-schedules.service.js';

/**
 * Retention schedules: anyone signed in reads an agency's schedule (partners know each other's, ISA 7);
 * an agency's data-protection lead sets its own agency's periods, an ISA administrator any agency's.
 */
@ApiTags('retention')
@ApiBearerAuth()
@Controller('retention/schedules')
export class RetentionSchedulesController {
  constructor(private readonly schedules: RetentionSchedulesService) {}

  @Get()
  @ApiDoc(
    'An agency’s retention schedule (yours unless agencyId is given): each record class’s period, bounds and what it counts from',
    scheduleView,
  )
  @ApiZodQuery(scheduleQuery)
  show(@Auth() auth: AuthContext, @Query(zodPipe(scheduleQuery)) q: ScheduleQuery): Promise<ScheduleView> {
    return this.schedules.schedule(q.agencyId ?? auth.user.agencyId);
  }

  @Put(':agencyId/:recordClass')
  @ApiDoc(
    'Set an agency’s retention period for a record class, within its bounds; records already made keep theirs',
    scheduleView,
  )
  @Roles('isa_admin', 'agency_admin')
  @ApiZodBody(setScheduleRequest)
  set(
    @Auth() auth: AuthContext,
    @Param('agencyId', uuidParam) agencyId: string,
    @Param(
      'recordClass',
      zodPipe(z.enum(SCHEDULE_CLASSES, { message: 'must be a record class' }), 'record class in the address'),
    )
    recordClass: ScheduleClass,
    @Body(zodPipe(setScheduleRequest)) dto: SetScheduleRequest,
  ): Promise<ScheduleView> {
    return this.schedules.set(auth, agencyId, recordClass, dto.days);
  }
}
