import type { CliContext } from '../../context.js';
import { table } from '../../output.js';

/** `agreements list`: published versions, newest first. */
export async function listAgreements(ctx: CliContext): Promise<void> {
  const { client } = await ctx.sessionClient();
  const list = await client.agreements();
  ctx.print(list, () =>
    table(list, [
      ['label', 'VERSION'],
      ['publishedOn', 'PUBLISHED'],
      ['reviewDue', 'REVIEW DUE'],
      ['textRef', 'TEXT'],
      ['id', 'ID'],
    ]),
  );
}

export interface PublishOpts {
  label: string;
  publishedOn: string;
  textRef: string;
}

/** `agreements publish`: a new version; agencies must re-sign and users re-confirm. */
export async function publishAgreement(ctx: CliContext, opts: PublishOpts): Promise<void> {
  const { client } = await ctx.sessionClient();
  const version = await client.publishAgreement(opts);
  ctx.print(version, `Published agreement v${version.label}; review due ${version.reviewDue}.\n`);
}
