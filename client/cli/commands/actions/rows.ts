import type { ActionView, SecureSession } from '../../../sdk/node.js';
import { table } from '../../output.js';
import { mapInOrder, Names, openText } from '../../secure.js';

/** Actions with their descriptions decrypted here, for tables and --json alike. */
export async function described(s: SecureSession, actions: ActionView[]) {
  const names = new Names(s);
  return mapInOrder(actions, async (a) => ({
    ...a,
    text: await openText(s, a.channelId, 'action', a.description, { recordId: a.id }),
    short: a.id.slice(0, 8),
    owner: (await names.load(a.channelId)).of(a.ownerId),
  }));
}

export const actionTable = (rows: Awaited<ReturnType<typeof described>>) =>
  table(rows, [
    ['short', 'ID'],
    ['status', 'STATUS'],
    ['dueOn', 'DUE'],
    ['owner', 'OWNER'],
    ['text', 'ACTION'],
  ]);
