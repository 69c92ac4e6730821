import { Module } from '@nestjs/common';
import { Mailer } from './mailer.service.js';

/** Outgoing e-mail: invitations and password resets (docs/operations.md, "E-mail"). */
@Module({ providers: [Mailer], exports: [Mailer] })
export class MailModule {}
