import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  addLocalitySchema,
  localityView,
  type AddLocalityInput,
  type LocalityView,
} from '../../contracts/localities.js';
import { ApiDoc, ApiZodBody, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { LocalitiesService } from './localities.service.js';

/** The list of localities: everyone signed in reads it (to choose one for a family); the ISA team adds to it. */
@ApiTags('localities')
@ApiBearerAuth()
@Controller('localities')
export class LocalitiesController {
  constructor(private readonly localities: LocalitiesService) {}

  @Get()
  @ApiDoc('The localities (areas of the partnership) a family can be placed in', z.array(localityView))
  list(): Promise<LocalityView[]> {
    return this.localities.list();
  }

  @Post()
  @ApiDoc('Add a locality to the list', localityView, 201)
  @Roles('isa_admin')
  @ApiZodBody(addLocalitySchema)
  add(@Auth() auth: AuthContext, @Body(zodPipe(addLocalitySchema)) dto: AddLocalityInput): Promise<LocalityView> {
    return this.localities.add(auth, dto);
  }
}
