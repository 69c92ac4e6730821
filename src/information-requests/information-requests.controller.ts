import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  assignInformationRequestSchema,
  createInformationRequestSchema,
  declineInformationSchema,
  informationRequestsQuery,
  informationRequestView,
  provideInformationSchema,
  type AssignInformationRequestInput,
  type CreateInformationRequestInput,
  type DeclineInformationInput,
  type InformationRequestsQuery,
  type InformationRequestView,
  type ProvideInformationInput,
} from '../../contracts/information-requests.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { InformationRequestViews } from './information-request-views.service.js';
import { InformationRequestsService } from './information-requests.service.js';

/**
 * Information requests between agencies (ISA 3.3.9, 3.3.10). The question, the answer and a refusal's
 * explanation are sealed under each request's own conversation; the server sees who asked whom, about
 * what subject, by when, and the state.
 */
@ApiTags('information-requests')
@ApiBearerAuth()
@Controller('information-requests')
export class InformationRequestsController {
  constructor(
    private readonly requests: InformationRequestsService,
    private readonly views: InformationRequestViews,
  ) {}

  @Post()
  @ApiDoc('Ask a partner agency what it holds (question sealed)', informationRequestView, 201)
  @ApiZodBody(createInformationRequestSchema)
  create(
    @Auth() auth: AuthContext,
    @Body(zodPipe(createInformationRequestSchema)) dto: CreateInformationRequestInput,
  ): Promise<InformationRequestView> {
    return this.requests.create(auth, dto);
  }

  @Get()
  @ApiDoc(
    'Requests asked of your agency (inbox) and asked by you (outbox), overdue first',
    informationRequestView.array(),
  )
  @ApiZodQuery(informationRequestsQuery)
  list(
    @Auth() auth: AuthContext,
    @Query(zodPipe(informationRequestsQuery)) q: InformationRequestsQuery,
  ): Promise<InformationRequestView[]> {
    return this.views.list(auth, q);
  }

  @Get(':id')
  @ApiDoc('One request, with its sealed question and answer', informationRequestView)
  show(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<InformationRequestView> {
    return this.views.show(auth, id);
  }

  @Post(':id/accept')
  @ApiDoc('Accept a request asked of your agency (its admins or the assignee)', informationRequestView)
  @HttpCode(200)
  accept(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<InformationRequestView> {
    return this.requests.accept(auth, id);
  }

  @Post(':id/assign')
  @ApiDoc('Give a request to someone of your agency to answer (its admins)', informationRequestView)
  @HttpCode(200)
  @ApiZodBody(assignInformationRequestSchema)
  assign(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(assignInformationRequestSchema)) dto: AssignInformationRequestInput,
  ): Promise<InformationRequestView> {
    return this.requests.assign(auth, id, dto);
  }

  @Post(':id/provide')
  @ApiDoc('Answer with what your agency holds (sealed)', informationRequestView)
  @HttpCode(200)
  @ApiZodBody(provideInformationSchema)
  provide(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(provideInformationSchema)) dto: ProvideInformationInput,
  ): Promise<InformationRequestView> {
    return this.requests.provide(auth, id, dto);
  }

  @Post(':id/decline')
  @ApiDoc('Decline, explaining why in at least a sentence (sealed, with its length)', informationRequestView)
  @HttpCode(200)
  @ApiZodBody(declineInformationSchema)
  decline(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(declineInformationSchema)) dto: DeclineInformationInput,
  ): Promise<InformationRequestView> {
    return this.requests.decline(auth, id, dto);
  }

  @Post(':id/withdraw')
  @ApiDoc('Withdraw your request before it is answered', informationRequestView)
  @HttpCode(200)
  withdraw(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<InformationRequestView> {
    return this.requests.withdraw(auth, id);
  }

  @Post(':id/close')
  @ApiDoc('Close your request once it is answered', informationRequestView)
  @HttpCode(200)
  close(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<InformationRequestView> {
    return this.requests.close(auth, id);
  }
}
