import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  consultationsQuery,
  consultationView,
  createConsultation,
  createSubjectAccessRequest,
  extendSubjectAccessRequest,
  recordSubjectAccessExport,
  setSubjectAccessStatus,
  subjectAccessExportRecordedView,
  subjectAccessQuery,
  subjectAccessRequestView,
  type ConsultationsQuery,
  type ConsultationView,
  type CreateConsultation,
  type CreateSubjectAccessRequest,
  type ExtendSubjectAccessRequest,
  type RecordSubjectAccessExport,
  type SetSubjectAccessStatus,
  type SubjectAccessExportRecordedView,
  type SubjectAccessQuery,
  type SubjectAccessRequestView,
} from '../../contracts/subject-access.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { SubjectAccessService } from './subject-access.service.js';

/**
 * The subject-access register (ISA 10): an agency's data-protection lead (agency_admin) records and
 * follows their agency's requests from the public; ISA administrators read every agency's. Consultation
 * tasks are listed for, and marked done by, the admins of the agency asked.
 */
@ApiTags('subject-access')
@ApiBearerAuth()
@Controller('subject-access')
export class SubjectAccessController {
  constructor(private readonly sar: SubjectAccessService) {}

  @Post()
  @ApiDoc(
    'Record a request from the public for their information (deadline one calendar month on)',
    subjectAccessRequestView,
    201,
  )
  @Roles('agency_admin')
  @ApiZodBody(createSubjectAccessRequest)
  create(
    @Auth() auth: AuthContext,
    @Body(zodPipe(createSubjectAccessRequest)) dto: CreateSubjectAccessRequest,
  ): Promise<SubjectAccessRequestView> {
    return this.sar.create(auth, dto);
  }

  @Get()
  @ApiDoc(
    'Your agency’s requests (every agency’s for an ISA administrator), nearest deadline first',
    z.array(subjectAccessRequestView),
  )
  @Roles('agency_admin', 'isa_admin')
  @ApiZodQuery(subjectAccessQuery)
  list(
    @Auth() auth: AuthContext,
    @Query(zodPipe(subjectAccessQuery)) q: SubjectAccessQuery,
  ): Promise<SubjectAccessRequestView[]> {
    return this.sar.list(auth, q);
  }

  // Declared before `:id`, which would take "consultations" for an id.
  @Get('consultations')
  @ApiDoc('Consultation tasks asked of your agency, nearest due day first', z.array(consultationView))
  @Roles('agency_admin', 'isa_admin')
  @ApiZodQuery(consultationsQuery)
  consultations(
    @Auth() auth: AuthContext,
    @Query(zodPipe(consultationsQuery)) q: ConsultationsQuery,
  ): Promise<ConsultationView[]> {
    return this.sar.consultations(auth, q.open);
  }

  @Post('consultations/:id/done')
  @HttpCode(200)
  @ApiDoc('Mark a consultation task asked of your agency done', consultationView)
  @Roles('agency_admin')
  consultationDone(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<ConsultationView> {
    return this.sar.consultationDone(auth, id);
  }

  @Get(':id')
  @ApiDoc('One request, with its consultation tasks', subjectAccessRequestView)
  @Roles('agency_admin', 'isa_admin')
  get(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<SubjectAccessRequestView> {
    return this.sar.get(auth, id);
  }

  @Post(':id/extension')
  @HttpCode(200)
  @ApiDoc('Extend the deadline, once, by up to two months, with the reason', subjectAccessRequestView)
  @Roles('agency_admin')
  @ApiZodBody(extendSubjectAccessRequest)
  extend(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(extendSubjectAccessRequest)) dto: ExtendSubjectAccessRequest,
  ): Promise<SubjectAccessRequestView> {
    return this.sar.extend(auth, id, dto);
  }

  @Post(':id/status')
  @HttpCode(200)
  @ApiDoc('Mark the request answered or closed', subjectAccessRequestView)
  @Roles('agency_admin')
  @ApiZodBody(setSubjectAccessStatus)
  setStatus(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(setSubjectAccessStatus)) dto: SetSubjectAccessStatus,
  ): Promise<SubjectAccessRequestView> {
    return this.sar.setStatus(auth, id, dto);
  }

  @Post(':id/consultations')
  @ApiDoc('Ask the agency the information came from: a task for its admins, due in 5 days', consultationView, 201)
  @Roles('agency_admin')
  @ApiZodBody(createConsultation)
  consult(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(createConsultation)) dto: CreateConsultation,
  ): Promise<ConsultationView> {
    return this.sar.consult(auth, id, dto);
  }

  @Post(':id/exports')
  @ApiDoc(
    'Record (audited, counts only) that the subject’s information was gathered into a file',
    subjectAccessExportRecordedView,
    201,
  )
  @Roles('agency_admin')
  @ApiZodBody(recordSubjectAccessExport)
  recordExport(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(recordSubjectAccessExport)) dto: RecordSubjectAccessExport,
  ): Promise<SubjectAccessExportRecordedView> {
    return this.sar.recordExport(auth, id, dto);
  }
}
