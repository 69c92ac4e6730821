import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import {
  approveDeviceSchema,
  identityView,
  type ApproveDeviceInput,
  type IdentityView,
  createdUser,
  createUserSchema,
  deviceView,
  disabledUser,
  disableUserSchema,
  listUsersQuery,
  lookupUserQuery,
  registerDeviceSchema,
  revokeDeviceSchema,
  searchUsersQuery,
  USER_SEARCH_LIMIT,
  userDirectoryEntry,
  userView,
  type CreatedUser,
  type CreateUserInput,
  type DeviceView,
  type DisabledUser,
  type DisableUserInput,
  type ListUsersQuery,
  type LookupUserQuery,
  type RegisterDeviceInput,
  type RevokeDeviceInput,
  type SearchUsersQuery,
  type UserDirectoryEntry,
  type UserView,
} from '../../contracts/identity.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from './auth-context.js';
import { DevicesService } from './devices.service.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly devices: DevicesService,
  ) {}

  @Post()
  @ApiDoc(
    'Create an invited account; e-mails the invitation (when the server sends e-mail) and returns its one-time token',
    createdUser,
    201,
  )
  @Roles('isa_admin', 'agency_admin')
  @ApiZodBody(createUserSchema)
  create(
    @Auth() auth: AuthContext,
    @Body(zodPipe(createUserSchema)) dto: CreateUserInput,
    @Req() req: Request,
  ): Promise<CreatedUser> {
    // The address the administrator reached the server at (behind TRUST_PROXY, the proxy's): links use it
    // when PUBLIC_URL is not set.
    return this.users.invite(auth, dto, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
  }

  @Get()
  @ApiDoc("Accounts, by display name (an agency admin's own agency only)", z.array(userView))
  @Roles('isa_admin', 'agency_admin')
  @ApiZodQuery(listUsersQuery)
  list(@Auth() auth: AuthContext, @Query(zodPipe(listUsersQuery)) q: ListUsersQuery): Promise<UserView[]> {
    return this.users.list(auth, q.agencyId);
  }

  /**
   * Finds a colleague to add to a channel by their exact work e-mail address: only active people of
   * agencies party to the agreement, and only what a partner needs (no listing of everyone).
   */
  @Get('lookup')
  @ApiDoc('Find a colleague in a partner agency by exact e-mail address', userDirectoryEntry)
  @ApiZodQuery(lookupUserQuery)
  lookup(@Query(zodPipe(lookupUserQuery)) q: LookupUserQuery): Promise<UserDirectoryEntry> {
    return this.users.lookup(q.email);
  }

  /**
   * Finds colleagues to start a conversation with, by name and/or agency: the same people as `lookup`
   * (active, of agencies party to the agreement), a handful at a time rather than a listing of everyone.
   */
  @Get('search')
  @ApiDoc(
    `Find colleagues in partner agencies by name and/or agency (at most ${USER_SEARCH_LIMIT}, by name)`,
    z.array(userDirectoryEntry),
  )
  @ApiZodQuery(searchUsersQuery)
  search(@Query(zodPipe(searchUsersQuery)) q: SearchUsersQuery): Promise<UserDirectoryEntry[]> {
    return this.users.search(q);
  }

  @Post(':id/disable')
  @ApiDoc('Off-board a leaver: disable the account and end its sessions', disabledUser)
  @HttpCode(200)
  @Roles('isa_admin', 'agency_admin')
  @ApiZodBody(disableUserSchema)
  disable(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(disableUserSchema)) dto: DisableUserInput,
  ): Promise<DisabledUser> {
    return this.users.disable(auth, id, dto);
  }

  /** Active devices' public keys, which any partner needs in order to encrypt to this user. */
  @Get(':id/devices')
  @ApiDoc("A user's active devices' public keys", z.array(deviceView))
  userDevices(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<DeviceView[]> {
    return this.devices.listActive(auth, id);
  }

  /** A person's identity key: its fingerprint is their safety number. */
  @Get(':id/identity')
  @ApiDoc("A person's identity key (protocol v2)", identityView)
  identity(@Param('id', uuidParam) id: string): Promise<IdentityView> {
    return this.devices.identity(id);
  }
}

@ApiTags('devices')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post()
  @ApiDoc('Register a device: its public keys and a proof of possession', deviceView, 201)
  @ApiZodBody(registerDeviceSchema)
  register(
    @Auth() auth: AuthContext,
    @Body(zodPipe(registerDeviceSchema)) dto: RegisterDeviceInput,
  ): Promise<DeviceView> {
    return this.devices.register(auth, dto);
  }

  /** One device's public keys, revoked ones too: clients need them to check the signatures of older messages. */
  @Get(':id')
  @ApiDoc("One device's public keys (revoked ones too)", deviceView)
  get(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<DeviceView> {
    return this.devices.get(auth, id);
  }

  @Post(':id/approval')
  @ApiDoc('Approve one of your waiting devices with your identity key’s signature', deviceView)
  @HttpCode(200)
  @ApiZodBody(approveDeviceSchema)
  approve(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(approveDeviceSchema)) dto: ApproveDeviceInput,
  ): Promise<DeviceView> {
    return this.devices.approve(auth, id, dto);
  }

  @Post(':id/revoke')
  @ApiDoc('Revoke a device', deviceView)
  @HttpCode(200)
  @ApiZodBody(revokeDeviceSchema)
  revoke(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(revokeDeviceSchema)) dto: RevokeDeviceInput,
  ): Promise<DeviceView> {
    return this.devices.revoke(auth, id, dto?.reason);
  }
}
