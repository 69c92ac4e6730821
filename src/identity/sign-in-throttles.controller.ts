import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  clearedSignInThrottle,
  signInThrottlesView,
  type ClearedSignInThrottle,
  type SignInThrottlesView,
} from '../../contracts/identity.js';
import { ApiDoc, uuidParam } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from './auth-context.js';
import { SignInThrottleService } from './sign-in-throttle.service.js';

/** Sign-in throttling as ISA admins see it: who is held back and until when, and forgetting an account's count. */
@ApiTags('sign-in-throttles')
@ApiBearerAuth()
@Controller('sign-in-throttles')
export class SignInThrottlesController {
  constructor(private readonly throttle: SignInThrottleService) {}

  @Get()
  @ApiDoc('Accounts and sources whose sign-ins are being held back, and until when', signInThrottlesView)
  @Roles('isa_admin')
  current(): Promise<SignInThrottlesView> {
    return this.throttle.current();
  }

  @Delete('accounts/:id')
  @ApiDoc('Forget the failed sign-ins at an account, so its owner can sign in at once', clearedSignInThrottle)
  @Roles('isa_admin')
  clear(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<ClearedSignInThrottle> {
    return this.throttle.clearAccount(auth, id);
  }
}
