import { AppError, forbidden, unauthorized } from '../common/app-error.js';
import { ChannelsService } from '../channels/channels.service.js';
import { Channel } from '../channels/entities/channel.entity.js';
import { Message } from './entities/message.entity.js';
import { decideSend, sizeRefusal, type SendDecision, type SendFacts, type SendRules } from './send-decision.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const ALICE = '00000000-0000-4000-8000-00000000000a';
const MALLORY = '00000000-0000-4000-8000-00000000000b';
const CHANNEL = '00000000-0000-4000-8000-0000000000c1';
const OTHER_CHANNEL = '00000000-0000-4000-8000-0000000000c2';
const SIG = Buffer.alloc(64, 1);
const OTHER_SIG = Buffer.alloc(64, 2);

// The membership rule is the channels module's own (read, not copied); rotation is given per row.
const channelRules = Object.create(ChannelsService.prototype) as ChannelsService;
const rules = (due: string | null = null): SendRules => ({
  membershipRefusal: (member, exists, now) => channelRules.membershipRefusal(member, exists, now),
  rotationDue: () => due,
});

const channel = (): Channel => Object.assign(new Channel(), { id: CHANNEL, currentEpoch: 3 });
const earlier = (over: Partial<Message> = {}): Message =>
  Object.assign(new Message(), { senderUserId: ALICE, channelId: CHANNEL, signature: SIG, seq: '7' }, over);

/** A member's good send; each row changes what it is about. */
const facts = (over: Partial<SendFacts> = {}): SendFacts => ({
  now: NOW,
  send: { userId: ALICE, channelId: CHANNEL, epoch: 3, signature: SIG },
  senderRefusal: null,
  member: { role: 'member', endsAt: null },
  channel: channel(),
  sharingRefusal: null,
  earlier: null,
  deviceActive: true,
  inEpoch: true,
  signature: 'ok',
  ...over,
});

const sessionEnded = unauthorized('invalid_session', 'This session has ended or was revoked. Sign in again.');
const agencyBlocked = forbidden('agency_not_signed', 'Your agency has not signed the agreement.', {
  agencyStatus: 'pending',
});
const PAST = new Date(NOW.getTime() - 1000);
const FUTURE = new Date(NOW.getTime() + 86_400_000);

interface Refusal {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
const NOT_A_MEMBER: Refusal = { status: 403, code: 'not_a_member', message: 'You are not a member of this channel.' };
const NO_CHANNEL: Refusal = { status: 404, code: 'not_found', message: 'Channel was not found.' };
const ENDED: Refusal = {
  status: 403,
  code: 'membership_ended',
  message: 'Your time-limited access to this channel has ended.',
};
const OBSERVER: Refusal = { status: 403, code: 'observer_read_only', message: 'Observers can read but not send.' };
const REUSED: Refusal = {
  status: 409,
  code: 'client_message_id_reused',
  message: 'This client message id was already used for a different message.',
};
/** The sender's own message in this channel: the refusal names its place, for the sender to compare. */
const REUSED_OWN: Refusal = { ...REUSED, details: { seq: 7 } };
const NOT_YOUR_DEVICE: Refusal = {
  status: 403,
  code: 'not_your_device',
  message: 'Send from one of your own active devices.',
};
const BAD_SIGNATURE: Refusal = {
  status: 400,
  code: 'invalid_signature',
  message: 'The message signature does not verify for this channel and device.',
};
const stale = (rotationRequired: boolean, reason: string): Refusal => ({
  status: 409,
  code: 'epoch_stale',
  message: 'The conversation has a new key since this was encrypted: encrypt it again and resend.',
  details: { currentEpoch: 3, rotationRequired, reason },
});
const NOT_IN_EPOCH: Refusal = {
  status: 409,
  code: 'epoch_stale',
  message: 'This device does not hold the conversation’s current key: make a new key, then send.',
  details: { currentEpoch: 3, rotationRequired: true, reason: 'device_not_in_epoch' },
};
const asRefusal = (e: AppError): Refusal => ({
  status: e.status,
  code: e.code,
  message: e.message,
  ...(e.details ? { details: e.details } : {}),
});

type Expected = 'store' | 'duplicate' | Refusal;
type Row = [name: string, facts: Partial<SendFacts>, expected: Expected, due?: string];
const rows: Row[] = [
  ['a member’s good send is stored', {}, 'store'],

  // The sender's own access comes first of all.
  [
    'a refused session is refused as such, before membership and signature',
    { senderRefusal: sessionEnded, member: null, signature: 'bad' },
    asRefusal(sessionEnded),
  ],
  [
    'a blocked agency is refused as such, even for a non-member',
    { senderRefusal: agencyBlocked, member: null },
    asRefusal(agencyBlocked),
  ],

  // A non-member learns nothing: not about signatures, devices, earlier copies or epochs.
  [
    'a non-member with a bad signature is told not_a_member, not invalid_signature',
    { member: null, signature: 'bad' },
    NOT_A_MEMBER,
  ],
  [
    'a non-member signing with someone else’s device is told not_a_member',
    { member: null, signature: 'not_your_device' },
    NOT_A_MEMBER,
  ],
  ['a non-member with a revoked device is told not_a_member', { member: null, deviceActive: false }, NOT_A_MEMBER],
  [
    'a non-member replaying a stored message’s clientMessageId is told not_a_member, not given the message',
    { member: null, earlier: earlier() },
    NOT_A_MEMBER,
  ],
  [
    'a non-member reusing someone’s clientMessageId is told not_a_member, not client_message_id_reused',
    { member: null, send: { userId: MALLORY, channelId: CHANNEL, epoch: 3, signature: OTHER_SIG }, earlier: earlier() },
    NOT_A_MEMBER,
  ],
  [
    'a non-member on a stale epoch is told not_a_member',
    { member: null, send: { userId: ALICE, channelId: CHANNEL, epoch: 2, signature: SIG } },
    NOT_A_MEMBER,
  ],
  [
    'a send to a channel that does not exist is not_found, whatever the signature',
    { member: null, channel: null, signature: 'bad' },
    NO_CHANNEL,
  ],
  [
    'an observer whose end date passed is told membership_ended, not about the signature',
    { member: { role: 'observer', endsAt: PAST }, signature: 'bad' },
    ENDED,
  ],
  ['a member whose end date is now is told membership_ended', { member: { role: 'member', endsAt: NOW } }, ENDED],

  // Then the role and the agency's right to share.
  [
    'an observer (still in time) may not send, whatever the signature',
    { member: { role: 'observer', endsAt: FUTURE }, signature: 'bad' },
    OBSERVER,
  ],
  [
    'an agency that may not share into the family channel is refused before the retry lookup and the signature',
    { sharingRefusal: agencyBlocked, earlier: earlier(), signature: 'bad' },
    asRefusal(agencyBlocked),
  ],

  // Then the retry lookup: the stored copy answers, even if the device or epoch moved on since.
  ['a retry with the same clientMessageId returns the stored message', { earlier: earlier() }, 'duplicate'],
  [
    'a retry after the device was revoked still returns the stored message',
    { earlier: earlier(), deviceActive: false },
    'duplicate',
  ],
  [
    'a retry after the epoch moved on still returns the stored message',
    { earlier: earlier(), send: { userId: ALICE, channelId: CHANNEL, epoch: 2, signature: SIG }, inEpoch: false },
    'duplicate',
    'epoch_message_limit',
  ],
  [
    'the same clientMessageId with another signature is client_message_id_reused, naming the sender’s own message',
    { earlier: earlier({ signature: OTHER_SIG }) },
    REUSED_OWN,
  ],
  [
    'the same clientMessageId in another channel is client_message_id_reused, naming nothing',
    { earlier: earlier({ channelId: OTHER_CHANNEL }) },
    REUSED,
  ],
  [
    'the same clientMessageId from another sender is client_message_id_reused, naming nothing',
    { earlier: earlier({ senderUserId: MALLORY }) },
    REUSED,
  ],
  [
    'the clientMessageId of a deleted message (no signature left) is client_message_id_reused',
    { earlier: earlier({ signature: null }) },
    REUSED_OWN,
  ],

  // Then the device, then the signature verdict.
  ['a revoked device is not_your_device', { deviceActive: false }, NOT_YOUR_DEVICE],
  ['someone else’s device is not_your_device', { signature: 'not_your_device' }, NOT_YOUR_DEVICE],
  [
    'a revoked device with a bad signature is not_your_device (device first)',
    { deviceActive: false, signature: 'bad' },
    NOT_YOUR_DEVICE,
  ],
  ['a member’s bad signature is invalid_signature', { signature: 'bad' }, BAD_SIGNATURE],
  [
    'a bad signature is reported before a stale epoch',
    { signature: 'bad', send: { userId: ALICE, channelId: CHANNEL, epoch: 2, signature: SIG } },
    BAD_SIGNATURE,
  ],
  ['a member’s row without its channel row is not_found after the signature checks', { channel: null }, NO_CHANNEL],

  // Then the epoch.
  [
    'an old epoch is epoch_stale (epoch_changed)',
    { send: { userId: ALICE, channelId: CHANNEL, epoch: 2, signature: SIG } },
    stale(false, 'epoch_changed'),
  ],
  ['a due rotation is epoch_stale with its reason', {}, stale(true, 'epoch_message_limit'), 'epoch_message_limit'],
  [
    'an old epoch while a rotation is due reports the rotation',
    { send: { userId: ALICE, channelId: CHANNEL, epoch: 2, signature: SIG } },
    stale(true, 'device_added'),
    'device_added',
  ],
  ['a device outside the current epoch is told to rotate', { inEpoch: false }, NOT_IN_EPOCH],
  [
    'an old epoch is reported before the device being outside it',
    { inEpoch: false, send: { userId: ALICE, channelId: CHANNEL, epoch: 2, signature: SIG } },
    stale(false, 'epoch_changed'),
  ],
];

const summary = (d: SendDecision): Expected =>
  d.kind === 'refuse' ? asRefusal(d.error) : d.kind === 'duplicate' ? 'duplicate' : 'store';

describe('decideSend', () => {
  for (const [name, over, expected, due] of rows) {
    it(name, () => {
      expect(summary(decideSend(facts(over), rules(due ?? null)))).toEqual(expected);
    });
  }

  it('a retry answers with the earlier message itself', () => {
    const stored = earlier();
    expect(decideSend(facts({ earlier: stored }), rules())).toEqual({ kind: 'duplicate', message: stored });
  });

  it('refusals are AppErrors, so the filter and the socket ack render them as before', () => {
    const d = decideSend(facts({ member: null, signature: 'bad' }), rules());
    expect(d.kind === 'refuse' && d.error instanceof AppError).toBe(true);
  });
});

describe('sizeRefusal', () => {
  it('lets a ciphertext of exactly the limit through', () => {
    expect(sizeRefusal(1024, 1024)).toBeNull();
  });

  it('refuses one byte more with 413 message_too_large and the limit', () => {
    const e = sizeRefusal(1025, 1024)!;
    expect(asRefusal(e)).toEqual({
      status: 413,
      code: 'message_too_large',
      message: 'A message may be at most 1024 bytes encrypted.',
      details: { maxBytes: 1024 },
    });
  });
});
