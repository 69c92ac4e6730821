import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  programmeReport,
  reportPeriodQuery,
  reviewReport,
  type ProgrammeReport,
  type ReportPeriodQuery,
  type ReviewReport,
} from '../../contracts/reports.js';
import { ApiDoc, ApiZodQuery, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { ReportsService } from './reports.service.js';

/**
 * Reports for the agreement's review (ISA administrators, and auditors who read the same evidence) and for
 * evaluating the programme (ISA administrators for every agency, each agency's data-protection lead for theirs).
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('review')
  @ApiDoc(
    'The ISA review report (clause 11): signatures, withdrawals, retention, overdue work, the audit log’s check',
    reviewReport,
  )
  @Roles('isa_admin', 'auditor')
  @ApiZodQuery(reportPeriodQuery)
  review(@Auth() auth: AuthContext, @Query(zodPipe(reportPeriodQuery)) q: ReportPeriodQuery): Promise<ReviewReport> {
    return this.reports.reviewReport(auth, q);
  }

  @Get('programme')
  @ApiDoc(
    'The programme report (clause 2.2): counts by quarter and locality, every count under 5 hidden',
    programmeReport,
  )
  @Roles('isa_admin', 'agency_admin')
  @ApiZodQuery(reportPeriodQuery)
  programme(
    @Auth() auth: AuthContext,
    @Query(zodPipe(reportPeriodQuery)) q: ReportPeriodQuery,
  ): Promise<ProgrammeReport> {
    return this.reports.programmeReport(auth, q);
  }
}
