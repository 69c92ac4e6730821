import type { Command } from 'commander';
import type { NotificationView } from '../../sdk/index.js';
import type { Action } from '../cli.js';
import { CliUsageError, type CliContext } from '../context.js';
import { isId } from '../names.js';

/** A notification in plain words: what happened and which records (by id) to look at. */
export function describeNotification(n: NotificationView): string {
  const r = n.refs;
  switch (n.kind) {
    case 'action_assigned':
      return `An action was handed to you: ${r.actionId} (see \`strongroom actions show ${r.actionId}\`).`;
    case 'lead_worker_assigned':
      return `You are now the lead worker of family ${r.familyId} (see \`strongroom families show ${r.familyId}\`).`;
    case 'hand_over_needed':
      return `A leaver's open actions or families wait to be handed over (see \`strongroom users hand-over ${r.userId}\`).`;
    case 'lead_worker_left':
      return `The lead worker of family ${r.familyId} has left: it needs a new one (\`strongroom users hand-over ${r.userId}\`).`;
    case 'agency_withdrawn':
      return `A partner agency has withdrawn from the agreement: ${r.agencyId} (see \`strongroom agencies show ${r.agencyId}\`).`;
    case 'consultation_requested':
      return `Another agency consults yours on a request for information from the public, due in 5 days (see \`strongroom sar consultations\`).`;
  }
}

export interface NotificationsOpts {
  unread?: boolean;
}

/** `notifications`: yours, newest first. */
export async function listNotifications(ctx: CliContext, opts: NotificationsOpts): Promise<void> {
  const { client } = await ctx.sessionClient();
  const list = await client.notifications({ unread: opts.unread });
  ctx.print(list, () =>
    list.length
      ? list
          .map(
            (n) =>
              `${n.readAt ? ' ' : '*'} ${n.createdAt.slice(0, 16).replace('T', ' ')}  ${describeNotification(n)}\n` +
              `  (id ${n.id})\n`,
          )
          .join('') + (list.some((n) => !n.readAt) ? 'Marked * : not read yet.\n' : '')
      : opts.unread
        ? 'No unread notifications.\n'
        : 'No notifications.\n',
  );
}

export interface ReadNotificationsOpts {
  all?: boolean;
}

/** `notifications read ID|--all`. */
export async function readNotifications(ctx: CliContext, opts: ReadNotificationsOpts, id?: string): Promise<void> {
  if (!opts.all === !id) throw new CliUsageError('Give one notification id, or --all.');
  if (id && !isId(id))
    throw new CliUsageError(`"${id}" is not a notification id: \`strongroom notifications\` shows them.`);
  const { client } = await ctx.sessionClient();
  const result = id ? await client.markNotificationRead(id.trim()) : await client.markAllNotificationsRead();
  ctx.print(result, `${result.marked} marked read.\n`);
}

export function registerNotificationCommands(program: Command, action: Action): void {
  const notifications = program
    .command('notifications')
    .description('Your notifications: actions and families handed to you, leavers to hand over, withdrawals')
    .option('--unread', 'only those not read yet')
    .addHelpText('after', '\nThey arrive at once in the web client too. Mark them read with `notifications read`.')
    .action(action(listNotifications));
  notifications
    .command('read [id]')
    .description('Mark one notification read, or all with --all')
    .option('--all', 'every notification of yours')
    .action(action(readNotifications));
}
