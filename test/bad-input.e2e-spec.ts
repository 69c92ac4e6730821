import { randomUUID } from 'node:crypto';
import { generateDeviceKeys } from '../client/sdk/index.js';
import { signDeviceProof } from '../client/sdk/crypto/device-keys.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, World } from './support/world.js';

/**
 * Bad input of every kind on every endpoint (DESIGN.md §7): each is refused with a 4xx in the error shape
 * `{"error":{"code","message","details"}}`, validation refusals name the field, no stack trace ever leaves,
 * and nothing in the database changes. Each bad request is built around a body that would otherwise be
 * accepted, so a check that went missing would show up as a success and as a changed table.
 */

/** Values filled in once the app is up; the table below reads them lazily. */
interface Ctx {
  admin: Person;
  victim: Person;
  agreementId: string;
  council: string;
  unsignedAgency: string;
  signedAgency: string;
  suspendedAgency: string;
  inviteToken: string;
  deviceId: string;
  deviceBody: Record<string, unknown>;
  today: string;
  now: string;
  familyId: string;
  memberId: string;
  meetingId: string;
  familyChannelId: string;
  actionId: string;
  requestId: string;
  /** The victim's approved device (uploads are declared from one). */
  victimDeviceId: string;
  /** A draft referral the victim started. */
  referralId: string;
  /** An upload the victim declared into the family's channel (two pieces, none sent). */
  attachmentId: string;
  /** A legal hold in force (on the class of files: nothing this sweep makes expires). */
  holdId: string;
  /** An auditor, and an audit grant of theirs waiting for a decision (on the family's channel). */
  auditor: Person;
  grantId: string;
  /** The council's data-protection lead (agency admin), the family's reference, a request in their register. */
  dp: Person;
  familyRef: string;
  sarId: string;
  /** A locality on the list (`Sweep Locality`). */
  localityId: string;
  /** The signed agency's admin, and a consultation task asked of that agency. */
  signedAdmin: Person;
  consultationId: string;
}
const ctx = {} as Ctx;

interface BodySpec {
  /** A body that passes validation: every bad case is this with one thing wrong. */
  valid: () => Record<string, unknown>;
  /** Per field, values of the wrong type, format or length; each must be refused naming the field. */
  bad: Record<string, unknown[]>;
  required: string[];
  /** Free-text fields, probed with a NUL character. */
  text: string[];
  /**
   * Values the schema takes that the server refuses before anything is stored (an unknown concern category,
   * a declared size its pieces cannot hold): `field` set to `value` is a `status` (400 unless told) with
   * `code`, naming `names` in the details when given.
   */
  refused?: { field: string; value: unknown; status?: number; code: string; names?: string }[];
}

interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** A real id for `:id`, so that only the part under test is wrong. */
  id?: () => string;
  auth: boolean;
  /** POST with a JSON body schema. */
  body?: BodySpec;
  /** POST that takes no input: only `{}` or nothing. */
  emptyBody?: boolean;
  /** Query parameters and values each refused naming the parameter. */
  query?: Record<string, string[]>;
  /** The path parameter probed with bad ids: `id` unless told. */
  idParam?: string;
  /** More ids refused naming the parameter, beside those every route is probed with. */
  badIds?: string[];
  /** Well-formed ids that name nothing: a 404, whatever else the request says. */
  unknownIds?: string[];
  /** The other path parameters: the real value sent, and values each refused naming the parameter. */
  params?: Record<string, { value: () => string; bad?: string[] }>;
  /** Whose session the cases use: the ISA admin's unless told (someone the server checks further for). */
  as?: () => Person;
  /** PUT of one encrypted piece of a file (application/octet-stream): its own cases, not JSON's. */
  bytes?: { tooShort: number; tooLong: number; pastTheEnd: string };
}

const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64url');
/** Sealed fields (`{epoch, ciphertext}`) that are not. */
const SEALED_BAD: unknown[] = [
  { epoch: 1 },
  'sealed',
  { epoch: 0, ciphertext: b64(60) },
  { epoch: 1, ciphertext: '!!not-base64!!' },
  { epoch: 1, ciphertext: b64(8) },
];
const UUID = '5b0f7a4e-3c1d-4e8f-9a2b-6c7d8e9f0a1b';

/** Not a referral's id nor its reference number (`MASH-2026-000123`). */
const REFERRAL_BAD_IDS = [
  'MASH-2026-12345',
  'MASH-2026-1234567',
  'mash-2026-000001',
  'MASH-26-000001',
  'MASH-2026-000001 ',
  'MASH-２０２６-000001',
  'FAM-2026-000001',
];
/** Well-formed, naming no referral. */
const REFERRAL_UNKNOWN_IDS = ['MASH-2026-999999', 'MASH-0000-000000', UUID];
/** Not a piece number (0, 1, 2…). */
const CHUNK_BAD_INDEXES = ['-1', 'x', '1.5', '1e3', '0x1', '+1', ' ', '1000000', '99999999999999999999'];

/** The controllers this sweep covers (health is checked separately); later features add their own prefixes. */
const PREFIXES = [
  'auth',
  'invitations',
  'me',
  'users',
  'devices',
  'sign-in-throttles',
  'agencies',
  'agreements',
  'audit',
  'families',
  'meetings',
  'actions',
  'information-requests',
  'referrals',
  'attachments',
  'holds',
  'disposals',
  'audit-grants',
  'subject-access',
  'reports',
  'notifications',
  'retention',
  'localities',
  'health',
  'ready',
];

/**
 * Single routes of controllers this sweep does not cover whole, that belong to a feature it does: an upload
 * is declared into a channel.
 */
const ROUTES = ['POST /api/channels/:channelId/attachments', 'GET /api/channels/:id/holds'];

/** Every route those controllers declare. */
const ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    path: '/api/auth/login',
    auth: false,
    body: {
      valid: () => ({ email: ctx.victim.email, password: ctx.victim.password }),
      bad: {
        email: [5, 'not-an-email', `${'a'.repeat(250)}@x.example`, null],
        password: [123, '', null, ['x']],
        totp: ['12345', 123456, 'abcdef'],
        recoveryCode: ['short', 5],
        session: ['jar', 5, null, ['cookie']],
      },
      required: ['email', 'password'],
      text: ['email', 'password'],
    },
  },
  {
    method: 'POST',
    path: '/api/auth/step-up',
    auth: true,
    body: {
      valid: () => ({ password: 'a password of some length', totp: '123456' }),
      bad: { password: [123, null, ['x']], totp: ['12345', 123456, 'abcdef'] },
      required: ['password'],
      text: [],
    },
  },
  { method: 'GET', path: '/api/auth/session', auth: true },
  {
    method: 'POST',
    path: '/api/auth/password-reset',
    auth: false,
    body: {
      valid: () => ({ email: ctx.victim.email }),
      bad: { email: [5, 'not-an-email', `${'a'.repeat(250)}@x.example`, null, ['a@x.example']] },
      required: ['email'],
      text: ['email'],
    },
  },
  {
    method: 'POST',
    path: '/api/auth/password-reset/complete',
    auth: false,
    body: {
      // A well-formed token that names no reset: the body is valid, and the server refuses it as unknown.
      valid: () => ({ token: 'x'.repeat(43), newPassword: 'a-perfectly-good-passphrase', totp: '123456' }),
      bad: {
        token: [12345, 'short', 'x'.repeat(201), null],
        newPassword: [1234567890123, null, 'x'.repeat(1025)],
        totp: ['12345', 123456, 'abcdef'],
        recoveryCode: ['short', 5],
      },
      required: ['token', 'newPassword'],
      text: ['newPassword'],
    },
  },
  { method: 'POST', path: '/api/auth/logout', auth: true, emptyBody: true },
  { method: 'POST', path: '/api/auth/logout-all', auth: true, emptyBody: true },
  {
    method: 'POST',
    path: '/api/invitations/accept',
    auth: false,
    body: {
      valid: () => ({ token: ctx.inviteToken, password: 'a-perfectly-good-passphrase' }),
      bad: { token: [12345, 'short', 'x'.repeat(201)], password: [1234567890123, null, 'x'.repeat(1025)] },
      required: ['token', 'password'],
      text: ['password'],
    },
  },
  { method: 'GET', path: '/api/me', auth: true },
  {
    method: 'POST',
    path: '/api/me/attestation',
    auth: true,
    body: {
      valid: () => ({
        agreementVersionId: ctx.agreementId,
        readAgreement: true,
        readSharingAdvice: true,
        acceptConfidentiality: true,
      }),
      bad: {
        agreementVersionId: ['nope', 5],
        readAgreement: [false, 'true', 1],
        readSharingAdvice: [false],
        acceptConfidentiality: [null],
      },
      required: ['agreementVersionId', 'readAgreement', 'readSharingAdvice', 'acceptConfidentiality'],
      text: [],
    },
  },
  { method: 'POST', path: '/api/me/mfa/enrol', auth: true, emptyBody: true },
  {
    method: 'POST',
    path: '/api/me/mfa/verify',
    auth: true,
    body: {
      valid: () => ({ code: '123456' }),
      bad: { code: ['12345', 123456, '12345a', '1234567'] },
      required: ['code'],
      text: ['code'],
    },
  },
  { method: 'GET', path: '/api/me/sessions', auth: true },
  { method: 'DELETE', path: '/api/me/sessions/:id', id: () => UUID, auth: true },
  { method: 'GET', path: '/api/me/devices', auth: true },
  {
    method: 'POST',
    path: '/api/users',
    auth: true,
    body: {
      valid: () => ({
        agencyId: ctx.council,
        email: 'sweep.new@test.example',
        displayName: 'Sweep',
        role: 'practitioner',
      }),
      bad: {
        agencyId: ['nope', 5],
        email: ['nope', 5, null],
        displayName: ['', '   ', 'x'.repeat(201), 5],
        role: ['god', 'ISA_ADMIN', 5],
      },
      required: ['email', 'displayName', 'role'],
      text: ['email', 'displayName'],
    },
  },
  { method: 'GET', path: '/api/users', auth: true, query: { agencyId: ['nope', '5', ''] } },
  { method: 'GET', path: '/api/users/lookup', auth: true, query: { email: ['nope', '', 'a@b@c.example'] } },
  {
    method: 'GET',
    path: '/api/users/search',
    auth: true,
    query: { q: ['', 'a', ' b ', '!?', 'x'.repeat(101)], agencyId: ['nope', '5', ''] },
  },
  {
    method: 'POST',
    path: '/api/users/:id/disable',
    id: () => ctx.victim.id,
    auth: true,
    body: {
      valid: () => ({ reason: 'Left the service' }),
      bad: { reason: [5, '', 'x'.repeat(501), ['a']] },
      required: [],
      text: ['reason'],
    },
  },
  { method: 'GET', path: '/api/users/:id/hand-over', id: () => ctx.victim.id, auth: true, unknownIds: [UUID] },
  {
    method: 'POST',
    path: '/api/users/:id/hand-over/actions/:actionId',
    id: () => ctx.victim.id,
    params: { actionId: { value: () => ctx.actionId } },
    auth: true,
    body: {
      valid: () => ({ ownerId: ctx.admin.id }),
      bad: { ownerId: ['nope', 5, null, ''] },
      required: ['ownerId'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/users/:id/hand-over/families/:familyId',
    id: () => ctx.victim.id,
    params: { familyId: { value: () => ctx.familyId } },
    auth: true,
    body: {
      valid: () => ({ leadWorkerId: ctx.admin.id }),
      bad: { leadWorkerId: ['nope', 5, null, ''] },
      required: ['leadWorkerId'],
      text: [],
    },
  },
  { method: 'GET', path: '/api/notifications', auth: true, query: { unread: ['', 'yes', 'TRUE', '1'] } },
  { method: 'GET', path: '/api/notifications/unread-count', auth: true },
  { method: 'POST', path: '/api/notifications/read', auth: true, emptyBody: true },
  { method: 'POST', path: '/api/notifications/:id/read', auth: true, emptyBody: true, id: () => UUID },
  { method: 'GET', path: '/api/users/:id/devices', id: () => ctx.admin.id, auth: true },
  { method: 'GET', path: '/api/sign-in-throttles', auth: true },
  { method: 'DELETE', path: '/api/sign-in-throttles/accounts/:id', id: () => ctx.victim.id, auth: true },
  { method: 'GET', path: '/api/users/:id/identity', id: () => ctx.admin.id, auth: true },
  {
    method: 'PUT',
    path: '/api/me/identity',
    auth: true,
    body: {
      valid: () => ({ identityPublicKey: b64(32), deviceId: ctx.deviceId, deviceSignature: b64(64) }),
      bad: {
        identityPublicKey: ['short', 5, b64(31), b64(33), null],
        deviceId: ['not-a-uuid', 5, null],
        deviceSignature: ['x', b64(63), b64(65), 5],
      },
      required: ['identityPublicKey', 'deviceId', 'deviceSignature'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/devices',
    auth: true,
    body: {
      valid: () => ctx.deviceBody,
      bad: {
        label: ['', 5, 'x'.repeat(101)],
        x25519PublicKey: ['short', 5, `${b64(32)}=`, b64(31), b64(33), 'a+b/'.repeat(11)],
        ed25519PublicKey: [b64(16), null],
        signature: ['x', b64(63), 5],
      },
      required: ['label', 'x25519PublicKey', 'ed25519PublicKey', 'signature'],
      text: ['label'],
    },
  },
  { method: 'GET', path: '/api/devices/:id', id: () => ctx.deviceId, auth: true },
  {
    method: 'POST',
    path: '/api/devices/:id/approval',
    id: () => ctx.deviceId,
    auth: true,
    body: {
      valid: () => ({ identitySignature: b64(64) }),
      bad: {
        identitySignature: ['x', b64(63), 5, null],
        sealedIdentitySeed: [b64(96), b64(98), 5],
        byDeviceId: ['not-a-uuid', 5],
      },
      required: ['identitySignature'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/devices/:id/revoke',
    id: () => ctx.deviceId,
    auth: true,
    body: { valid: () => ({ reason: 'Lost' }), bad: { reason: [5, ''] }, required: [], text: ['reason'] },
  },
  { method: 'GET', path: '/api/agencies', auth: true },
  { method: 'GET', path: '/api/agencies/:id', id: () => ctx.council, auth: true },
  { method: 'GET', path: '/api/agencies/:id/signatures', id: () => ctx.council, auth: true },
  {
    method: 'POST',
    path: '/api/agencies',
    auth: true,
    body: {
      valid: () => ({ name: 'Sweep Agency', sector: 'other', deaS35Partner: false }),
      bad: { name: ['', 5, 'x'.repeat(201), null], sector: ['mafia', 5], deaS35Partner: ['true', 1, null] },
      required: ['name', 'sector'],
      text: ['name'],
    },
  },
  {
    method: 'POST',
    path: '/api/agencies/:id/signatures',
    id: () => ctx.unsignedAgency,
    auth: true,
    body: {
      valid: () => ({
        agreementVersionId: ctx.agreementId,
        signatoryName: 'Sam',
        signatoryTitle: 'CEO',
        signatoryOrganisation: 'Org',
        signedOn: ctx.today,
      }),
      bad: {
        agreementVersionId: ['nope'],
        signatoryName: ['', 5],
        signatoryTitle: [null],
        signatoryOrganisation: [5, ''],
        signedOn: ['2026-02-30', '01/02/2020', '0000-01-01', 20200101, '2020-1-1', `${'2020-06-01'}T00:00:00Z`],
      },
      required: ['signatoryName', 'signatoryTitle', 'signedOn'],
      text: ['signatoryName', 'signatoryTitle', 'signatoryOrganisation'],
    },
  },
  {
    method: 'POST',
    path: '/api/agencies/:id/withdrawal-notice',
    id: () => ctx.signedAgency,
    auth: true,
    body: {
      valid: () => ({ noticeGivenAt: ctx.now }),
      bad: {
        noticeGivenAt: [
          'yesterday',
          '2026-01-01',
          '0000-01-01T00:00:00Z',
          5,
          '2026-13-01T00:00:00Z',
          '1899-12-31T23:59:59Z',
        ],
        reason: [5, '', '   ', 'x'.repeat(1001), null],
      },
      required: [],
      text: ['reason'],
    },
  },
  {
    method: 'POST',
    path: '/api/agencies/:id/suspend',
    id: () => ctx.signedAgency,
    auth: true,
    body: {
      valid: () => ({ reason: 'Investigation' }),
      bad: { reason: ['', 5, 'x'.repeat(1001)] },
      required: ['reason'],
      text: ['reason'],
    },
  },
  { method: 'POST', path: '/api/agencies/:id/reinstate', id: () => ctx.suspendedAgency, auth: true, emptyBody: true },
  { method: 'GET', path: '/api/agreements', auth: true },
  { method: 'GET', path: '/api/agreements/current', auth: true },
  {
    method: 'POST',
    path: '/api/agreements',
    auth: true,
    body: {
      valid: () => ({ label: '11.0', publishedOn: '2020-06-01', textRef: 'ISA v11' }),
      bad: {
        label: ['', 5, 'x'.repeat(41)],
        publishedOn: ['2020-02-30', '0000-01-01', 'soon', 2020],
        textRef: ['', null],
      },
      required: ['label', 'publishedOn', 'textRef'],
      text: ['label', 'textRef'],
    },
  },
  { method: 'GET', path: '/api/audit/verify', auth: true },
  {
    method: 'GET',
    path: '/api/audit/events',
    auth: true,
    query: {
      afterSeq: ['-1', 'abc', '1.5', '1e400', '99999999999999999999'],
      limit: ['0', '1001', 'abc', ''],
      agencyId: ['nope'],
      beforeSeq: ['0', '-1', 'abc', '1.5'],
      order: ['', 'asc', 'NEWEST'],
      actorUserId: ['nope', '', '5'],
      action: ['', 'Auth.Login', 'auth..login', '.', '%', "auth.login' OR '1'='1", 'a'.repeat(101)],
      targetType: ['', 'User', 'user.', 'x'.repeat(41)],
      targetId: ['', 'a b', '%', '-x', 'x'.repeat(201)],
      from: ['', 'yesterday', '2026-12-01', '0000-01-01T00:00:00Z', '9999-12-31T00:00:00Z', '2026-12-01T09:00:00'],
      to: ['', '2026-13-01T00:00:00Z'],
      outcome: ['', 'maybe', 'SUCCESS'],
    },
  },
  {
    method: 'GET',
    path: '/api/audit/heads',
    auth: true,
    query: { beforeSeq: ['0', '-1', 'abc', '1.5'], limit: ['0', '501', 'abc', ''] },
  },
  { method: 'POST', path: '/api/audit/heads', auth: true, emptyBody: true },
  { method: 'GET', path: '/api/audit/signing-key', auth: true },
  {
    method: 'POST',
    path: '/api/holds',
    auth: true,
    body: {
      valid: () => ({ scope: 'class', recordClass: 'attachments', reason: 'Bad-input sweep' }),
      bad: {
        scope: ['planet', 5, null, 'CLASS'],
        recordClass: ['everything', 5, null],
        reason: ['', '   ', 5, 'x'.repeat(1001)],
      },
      required: ['scope', 'reason'],
      text: ['reason'],
    },
  },
  {
    method: 'POST',
    path: '/api/holds/:id/release',
    auth: true,
    id: () => ctx.holdId,
    body: {
      valid: () => ({ reason: 'Released by the sweep' }),
      bad: { reason: ['', 5, null, 'x'.repeat(1001)] },
      required: ['reason'],
      text: ['reason'],
    },
  },
  { method: 'GET', path: '/api/holds', auth: true, query: { active: ['', 'yes', 'TRUE'] } },
  {
    method: 'GET',
    path: '/api/disposals',
    auth: true,
    query: {
      from: ['', 'yesterday', '2026-12-01'],
      to: ['2026-13-01T00:00:00Z'],
      recordClass: ['everything', ''],
      limit: ['0', '5001', 'abc'],
    },
  },
  { method: 'GET', path: '/api/channels/:id/holds', auth: true, id: () => ctx.familyChannelId, as: () => ctx.victim },
  { method: 'GET', path: '/api/retention/schedules', auth: true, query: { agencyId: ['', 'x', '12345'] } },
  {
    method: 'PUT',
    path: '/api/retention/schedules/:agencyId/:recordClass',
    idParam: 'agencyId',
    id: () => ctx.council,
    auth: true,
    unknownIds: [UUID],
    params: { recordClass: { value: () => 'messages_direct', bad: ['gossip', 'MESSAGES_DIRECT', 'messages'] } },
    body: {
      valid: () => ({ days: 90 }),
      bad: { days: [0, -1, 1.5, '90', null, 100_001] },
      // Within what the schema takes, outside the class's bounds (1 to 3650 days for chat).
      refused: [{ field: 'days', value: 3651, code: 'validation_failed', names: 'days' }],
      required: ['days'],
      text: [],
    },
  },
  {
    method: 'GET',
    path: '/api/reports/review',
    auth: true,
    query: {
      from: ['', 'yesterday', '2026-12-01', '2026-13-01T00:00:00Z'],
      to: ['', '2026-12-01T09:00:00', '2026-12-01T25:00:00Z'],
    },
  },
  {
    method: 'GET',
    path: '/api/reports/programme',
    auth: true,
    query: {
      from: ['', 'last year', '2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z'],
      to: ['', '2026-12-01', 'now'],
    },
  },
  {
    method: 'POST',
    path: '/api/audit-grants',
    auth: true,
    as: () => ctx.auditor,
    body: {
      valid: () => ({ kind: 'channel', channelId: ctx.familyChannelId, purpose: 'Bad-input sweep' }),
      bad: {
        kind: ['planet', 5, null, 'CHANNEL'],
        channelId: ['not-a-uuid', 5, null, ''],
        purpose: ['', '   ', 5, null, 'x'.repeat(1001)],
      },
      required: ['kind', 'purpose', 'channelId'],
      text: ['purpose'],
      refused: [{ field: 'channelId', value: UUID, status: 404, code: 'not_found' }],
    },
  },
  {
    method: 'POST',
    path: '/api/audit-grants/:id/approve',
    auth: true,
    id: () => ctx.grantId,
    unknownIds: [UUID],
    body: {
      valid: () => ({ endsAt: new Date(Date.parse(ctx.now) + 86_400_000).toISOString() }),
      bad: { endsAt: ['', 'tomorrow', 5, null, '2026-13-01T00:00:00Z'] },
      required: ['endsAt'],
      text: [],
      refused: [
        { field: 'endsAt', value: '2000-01-01T00:00:00Z', code: 'validation_failed', names: 'endsAt' },
        { field: 'endsAt', value: '2999-01-01T00:00:00Z', code: 'validation_failed', names: 'endsAt' },
      ],
    },
  },
  {
    method: 'POST',
    path: '/api/subject-access',
    auth: true,
    as: () => ctx.dp,
    body: {
      valid: () => ({ receivedOn: ctx.today, requesterType: 'subject', refs: [ctx.familyRef] }),
      bad: {
        receivedOn: ['', 'yesterday', '2026-02-30', '2026-1-5', 5, null],
        requesterType: ['neighbour', '', 5, null, 'SUBJECT'],
        refs: [[], 'EH-2026-0001', ['Jane Smith'], [''], [5], Array(21).fill('EH-2026-0001'), null],
      },
      required: ['receivedOn', 'requesterType', 'refs'],
      text: [],
      refused: [
        { field: 'receivedOn', value: '2999-01-01', code: 'received_in_future', names: 'receivedOn' },
        { field: 'refs', value: ['EH-2026-9999'], status: 404, code: 'not_found' },
        { field: 'refs', value: ['EH-2026-9999-M1'], status: 404, code: 'not_found' },
      ],
    },
  },
  {
    method: 'POST',
    path: '/api/audit-grants/:id/refuse',
    id: () => ctx.grantId,
    unknownIds: [UUID],
    auth: true,
    emptyBody: true,
  },
  {
    method: 'POST',
    path: '/api/audit-grants/:id/end',
    id: () => ctx.grantId,
    unknownIds: [UUID],
    auth: true,
    emptyBody: true,
  },
  { method: 'GET', path: '/api/audit-grants', auth: true, query: { status: ['', 'live', 'REQUESTED'] } },
  {
    method: 'GET',
    path: '/api/subject-access',
    auth: true,
    query: { overdue: ['', 'yes', 'TRUE'], status: ['pending', '', 'OPEN'] },
  },
  { method: 'GET', path: '/api/subject-access/consultations', auth: true, query: { open: ['', 'yes', 'TRUE'] } },
  {
    method: 'POST',
    path: '/api/subject-access/consultations/:id/done',
    auth: true,
    id: () => ctx.consultationId,
    as: () => ctx.signedAdmin,
    emptyBody: true,
    unknownIds: [UUID],
  },
  { method: 'GET', path: '/api/subject-access/:id', auth: true, id: () => ctx.sarId, unknownIds: [UUID] },
  {
    method: 'POST',
    path: '/api/subject-access/:id/extension',
    auth: true,
    id: () => ctx.sarId,
    as: () => ctx.dp,
    unknownIds: [UUID],
    body: {
      valid: () => ({ months: 2, reason: 'Bad-input sweep' }),
      bad: { months: [0, 3, 1.5, '1', null, -1], reason: ['', '   ', 5, null, 'x'.repeat(1001)] },
      required: ['months', 'reason'],
      text: ['reason'],
    },
  },
  {
    method: 'POST',
    path: '/api/subject-access/:id/status',
    auth: true,
    id: () => ctx.sarId,
    as: () => ctx.dp,
    unknownIds: [UUID],
    body: {
      valid: () => ({ status: 'closed' }),
      bad: { status: ['open', 'done', '', 5, null] },
      required: ['status'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/subject-access/:id/consultations',
    auth: true,
    id: () => ctx.sarId,
    as: () => ctx.dp,
    unknownIds: [UUID],
    body: {
      valid: () => ({ agencyId: ctx.suspendedAgency }),
      bad: { agencyId: ['', 'police', 5, null, '00000000-0000-0000-0000-00000000000g'] },
      required: ['agencyId'],
      text: [],
      refused: [{ field: 'agencyId', value: UUID, status: 404, code: 'not_found' }],
    },
  },
  {
    method: 'POST',
    path: '/api/subject-access/:id/exports',
    auth: true,
    id: () => ctx.sarId,
    as: () => ctx.dp,
    unknownIds: [UUID],
    body: {
      valid: () => ({ exportId: UUID, families: 1, messages: 2, records: 3 }),
      bad: {
        exportId: ['', 'x', 5, null],
        families: [-1, 1.5, '1', null, 1001],
        messages: [-1, 1.5, '1', null],
        records: [-1, 1.5, '1', null],
      },
      required: ['exportId', 'families', 'messages', 'records'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/meetings',
    auth: true,
    body: {
      valid: () => ({ id: UUID, channelId: ctx.familyChannelId, kind: 'family', scheduledAt: ctx.now }),
      bad: {
        channelId: ['x', 5],
        kind: ['party', null],
        scheduledAt: ['tomorrow', '2020-13-01T00:00:00Z', 5],
        place: SEALED_BAD,
        agenda: SEALED_BAD,
        minuteTakerId: ['me'],
        invitees: ['all', ['x'], Array.from({ length: 201 }, () => UUID)],
      },
      required: ['channelId', 'kind', 'scheduledAt'],
      text: [],
    },
  },
  { method: 'GET', path: '/api/meetings', auth: true },
  { method: 'GET', path: '/api/meetings/:id', id: () => ctx.meetingId, auth: true },
  {
    method: 'POST',
    path: '/api/meetings/:id/invitations',
    id: () => ctx.meetingId,
    auth: true,
    body: {
      valid: () => ({ userIds: [ctx.victim.id] }),
      bad: { userIds: [[], 'x', ['x']] },
      required: ['userIds'],
      text: [],
    },
  },
  { method: 'POST', path: '/api/meetings/:id/start', id: () => ctx.meetingId, auth: true, emptyBody: true },
  {
    method: 'POST',
    path: '/api/meetings/:id/attendance',
    id: () => ctx.meetingId,
    auth: true,
    body: {
      valid: () => ({ people: [{ userId: ctx.victim.id, attendance: 'present' }] }),
      bad: {
        people: ['all', [{ userId: 'x', attendance: 'present' }], [{ userId: UUID, attendance: 'late' }]],
        familyMembers: [[{ memberId: UUID, present: 'yes' }], 'x'],
      },
      required: [],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/meetings/:id/minutes',
    id: () => ctx.meetingId,
    auth: true,
    body: {
      valid: () => ({ baseVersion: 0, minutes: { epoch: 1, ciphertext: b64(60) } }),
      bad: { baseVersion: [-1, 1.5, '0'], minutes: SEALED_BAD },
      required: ['baseVersion', 'minutes'],
      text: [],
    },
  },
  { method: 'GET', path: '/api/meetings/:id/minutes', id: () => ctx.meetingId, auth: true },
  {
    method: 'POST',
    path: '/api/meetings/:id/entries',
    id: () => ctx.meetingId,
    auth: true,
    body: {
      valid: () => ({ id: UUID, agendaItem: 'plan', kind: 'decision', content: { epoch: 1, ciphertext: b64(60) } }),
      bad: { agendaItem: ['', 'has spaces', 'x'.repeat(65), 5], kind: ['gossip'], content: SEALED_BAD },
      required: ['agendaItem', 'kind', 'content'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/meetings/:id/close',
    id: () => ctx.meetingId,
    auth: true,
    body: {
      valid: () => ({ version: 1, textHash: b64(32), deviceId: ctx.deviceId, signature: b64(64) }),
      bad: {
        version: [0, 'one'],
        textHash: [b64(31), b64(33), 'x=', 5],
        deviceId: ['x'],
        signature: [b64(63), 'x', 5],
      },
      required: ['version', 'textHash', 'deviceId', 'signature'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/meetings/:id/amendments',
    id: () => ctx.meetingId,
    auth: true,
    body: {
      valid: () => ({
        number: 1,
        amendment: { epoch: 1, ciphertext: b64(60) },
        textHash: b64(32),
        deviceId: ctx.deviceId,
        signature: b64(64),
      }),
      bad: {
        number: [0, -2, 'x'],
        amendment: SEALED_BAD,
        textHash: [b64(64), ''],
        deviceId: [5],
        signature: [b64(65)],
      },
      required: ['number', 'amendment', 'textHash', 'deviceId', 'signature'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/actions',
    auth: true,
    body: {
      valid: () => ({
        id: UUID,
        channelId: ctx.familyChannelId,
        description: { epoch: 1, ciphertext: b64(60) },
        ownerId: ctx.victim.id,
        dueOn: ctx.today,
      }),
      bad: {
        channelId: ['x'],
        meetingId: ['x', 5],
        planObjective: ['', 'has space', 'x'.repeat(65), 'school', 'x'.repeat(21), 'x'.repeat(23)],
        description: SEALED_BAD,
        ownerId: [null, 'me'],
        dueOn: ['2020-02-30', 'soon', 20200101],
      },
      required: ['channelId', 'description', 'ownerId', 'dueOn'],
      text: [],
    },
  },
  { method: 'GET', path: '/api/actions/mine', auth: true },
  { method: 'GET', path: '/api/actions/:id', id: () => ctx.actionId, auth: true },
  {
    method: 'POST',
    path: '/api/actions/:id/updates',
    id: () => ctx.actionId,
    auth: true,
    body: {
      valid: () => ({ updateId: UUID, status: 'in_progress' }),
      bad: { status: ['finished', 5], note: SEALED_BAD },
      required: [],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/actions/:id/reassign',
    id: () => ctx.actionId,
    auth: true,
    body: {
      valid: () => ({ updateId: UUID, ownerId: ctx.victim.id }),
      bad: { ownerId: ['someone', 5], reason: SEALED_BAD },
      required: ['ownerId'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/information-requests',
    auth: true,
    body: {
      valid: () => ({
        id: UUID,
        channelId: ctx.familyChannelId,
        subject: { kind: 'family', familyId: ctx.familyId },
        toAgencyId: ctx.signedAgency,
        dueAt: new Date(Date.parse(ctx.now) + 7 * 86_400_000).toISOString(),
        question: { epoch: 1, ciphertext: b64(60) },
      }),
      bad: {
        id: ['x', 5],
        channelId: ['x'],
        subject: [
          { kind: 'family' },
          { kind: 'family', familyId: 'x' },
          { kind: 'family', familyId: UUID, referralId: UUID },
          { kind: 'referral' },
          { kind: 'referral', referralId: 'MASH-2026-000001' },
          { kind: 'referral', familyId: UUID },
          { kind: 'person', id: UUID },
          { familyId: UUID },
          'family',
          null,
        ],
        toAgencyId: ['police', null],
        dueAt: ['tomorrow', '2026-13-01T00:00:00Z', 5],
        question: SEALED_BAD,
      },
      required: ['id', 'channelId', 'subject', 'toAgencyId', 'dueAt', 'question'],
      text: [],
    },
  },
  {
    method: 'GET',
    path: '/api/information-requests',
    auth: true,
    query: { box: ['sent', 'all', ''], state: ['open', 'overdue'] },
  },
  { method: 'GET', path: '/api/information-requests/:id', id: () => ctx.requestId, auth: true },
  {
    method: 'POST',
    path: '/api/information-requests/:id/accept',
    id: () => ctx.requestId,
    auth: true,
    emptyBody: true,
  },
  {
    method: 'POST',
    path: '/api/information-requests/:id/assign',
    id: () => ctx.requestId,
    auth: true,
    body: {
      valid: () => ({ userId: ctx.victim.id }),
      bad: { userId: ['someone', 5, null] },
      required: ['userId'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/information-requests/:id/provide',
    id: () => ctx.requestId,
    auth: true,
    body: {
      valid: () => ({ response: { epoch: 1, ciphertext: b64(60) } }),
      bad: { response: SEALED_BAD },
      required: ['response'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/information-requests/:id/decline',
    id: () => ctx.requestId,
    auth: true,
    body: {
      valid: () => ({ explanation: { epoch: 1, ciphertext: b64(80) }, explanationLength: 30 }),
      bad: { explanation: SEALED_BAD, explanationLength: [-1, 'thirty', 2.5, 16_001, null] },
      required: [],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/information-requests/:id/withdraw',
    id: () => ctx.requestId,
    auth: true,
    emptyBody: true,
  },
  {
    method: 'POST',
    path: '/api/information-requests/:id/close',
    id: () => ctx.requestId,
    auth: true,
    emptyBody: true,
  },
  {
    method: 'POST',
    path: '/api/families',
    auth: true,
    as: () => ctx.victim,
    body: {
      valid: () => ({}),
      bad: { localityId: ['North', 5, null, ''] },
      required: [],
      text: [],
      // A well-formed id of no locality on the list.
      refused: [{ field: 'localityId', value: UUID, code: 'validation_failed', names: 'localityId' }],
    },
  },
  { method: 'GET', path: '/api/families', auth: true },
  { method: 'GET', path: '/api/families/:id', id: () => ctx.familyId, auth: true },
  {
    method: 'POST',
    path: '/api/families/:id/members',
    id: () => ctx.familyId,
    auth: true,
    body: {
      valid: () => ({ id: UUID, role: 'child' }),
      bad: { role: ['baby', 5, null], details: SEALED_BAD },
      required: ['role'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/families/:id/lead',
    id: () => ctx.familyId,
    auth: true,
    body: {
      valid: () => ({ userId: ctx.victim.id }),
      bad: { userId: ['me', 5, null] },
      required: ['userId'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/families/:id/locality',
    id: () => ctx.familyId,
    auth: true,
    as: () => ctx.victim,
    body: {
      valid: () => ({ localityId: ctx.localityId }),
      bad: { localityId: ['North', 5, '', {}] },
      required: ['localityId'],
      text: [],
      refused: [{ field: 'localityId', value: UUID, code: 'validation_failed', names: 'localityId' }],
    },
  },
  { method: 'GET', path: '/api/localities', auth: true },
  {
    method: 'POST',
    path: '/api/localities',
    auth: true,
    body: {
      valid: () => ({ name: 'Sweep North' }),
      bad: { name: ['', '   ', 'x'.repeat(81), '<b>North</b>', '-North', 5, null, ['North']] },
      required: ['name'],
      text: ['name'],
      refused: [{ field: 'name', value: 'sweep locality', status: 409, code: 'locality_exists' }],
    },
  },
  { method: 'GET', path: '/api/families/:id/consent', id: () => ctx.familyId, auth: true },
  { method: 'GET', path: '/api/families/:id/plan', id: () => ctx.familyId, auth: true },
  {
    method: 'POST',
    path: '/api/families/:id/plan',
    id: () => ctx.familyId,
    auth: true,
    body: {
      valid: () => ({
        baseVersion: 0,
        plan: { epoch: 1, ciphertext: b64(60) },
        reviewOn: ctx.today,
        coveredMemberIds: [ctx.memberId],
        textHash: b64(32),
        deviceId: ctx.deviceId,
        signature: b64(64),
      }),
      bad: {
        baseVersion: [-1, 'zero'],
        plan: SEALED_BAD,
        reviewOn: ['2020-02-30', 'next month'],
        coveredMemberIds: [[], ['x'], 'all'],
        textHash: [b64(31), b64(33), 'x=', 5],
        deviceId: ['x', null],
        signature: [b64(63), 'x', 5],
      },
      required: ['baseVersion', 'plan', 'reviewOn', 'coveredMemberIds', 'textHash', 'deviceId', 'signature'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/families/:id/plan/progress',
    id: () => ctx.familyId,
    auth: true,
    body: {
      valid: () => ({ id: UUID, objective: b64(16), kind: 'professional', report: { epoch: 1, ciphertext: b64(60) } }),
      bad: { objective: ['', 'with space', 7, 'school', b64(15), b64(17)], kind: ['neighbour'], report: SEALED_BAD },
      required: ['objective', 'kind', 'report'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/families/:id/plan/reviews',
    id: () => ctx.familyId,
    auth: true,
    body: {
      // The family has no plan in this sweep: a valid body is refused (409 `no_plan`), nothing stored.
      valid: () => ({
        id: UUID,
        planVersion: 1,
        outcome: 'met',
        reviewedOn: ctx.today,
        note: { epoch: 1, ciphertext: b64(60) },
      }),
      bad: {
        id: ['not-a-uuid', 7, null],
        planVersion: [0, -1, 'one', 1.5],
        outcome: ['done', 'MET', 5, null],
        reviewedOn: ['2020-02-30', 'yesterday', 20260101],
        note: SEALED_BAD,
      },
      required: ['id', 'planVersion', 'outcome', 'reviewedOn'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/families/:id/plan/exports',
    id: () => ctx.familyId,
    auth: true,
    body: {
      valid: () => ({ exportId: UUID }),
      bad: { exportId: ['not-a-uuid', 7, null, ''] },
      required: ['exportId'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/meetings/:id/exports',
    id: () => ctx.meetingId,
    auth: true,
    body: {
      valid: () => ({ exportId: UUID }),
      bad: { exportId: ['not-a-uuid', 7, null, ''] },
      required: ['exportId'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/families/:id/members/:memberId/consent',
    id: () => ctx.familyId,
    params: { memberId: { value: () => ctx.memberId } },
    auth: true,
    body: {
      valid: () => ({
        id: UUID,
        kind: 'share',
        status: 'given',
        givenBy: 'self',
        method: 'written',
        decidedOn: ctx.today,
        formVersion: 'v3',
        agencyIds: [ctx.signedAgency],
      }),
      bad: {
        kind: ['all', 1],
        status: ['maybe', null],
        givenBy: ['neighbour'],
        method: ['telepathy'],
        decidedOn: ['2020-02-30', 'yesterday', 20200101],
        formVersion: ['', 'x'.repeat(101), 7],
        agencyIds: ['everyone', ['nope'], [5]],
        competence: [
          'yes',
          { assessedBy: 'x', assessedOn: '2020-01-01', rationale: { epoch: 1, ciphertext: b64(60) } },
        ],
      },
      required: ['kind', 'status', 'givenBy', 'method', 'decidedOn', 'formVersion'],
      text: ['formVersion'],
    },
  },
  {
    method: 'POST',
    path: '/api/families/:id/members/:memberId/notices',
    id: () => ctx.familyId,
    params: { memberId: { value: () => ctx.memberId } },
    auth: true,
    body: {
      valid: () => ({ noticeVersion: 'Privacy notice 2026', givenOn: ctx.today }),
      bad: { noticeVersion: ['', 5, 'x'.repeat(101)], givenOn: ['2021-13-01', 'today'] },
      required: ['noticeVersion', 'givenOn'],
      text: ['noticeVersion'],
    },
  },
  {
    method: 'POST',
    path: '/api/families/:id/lawful-bases',
    id: () => ctx.familyId,
    auth: true,
    body: {
      valid: () => ({
        id: UUID,
        agencyId: ctx.signedAgency,
        basis: 'safeguarding',
        justification: { epoch: 1, ciphertext: b64(60) },
        approvedBy: ctx.victim.id,
      }),
      bad: {
        agencyId: ['nope', 3],
        basis: ['because', null],
        justification: SEALED_BAD,
        approvedBy: ['boss'],
      },
      required: ['agencyId', 'basis', 'justification', 'approvedBy'],
      text: [],
    },
  },
  // ── the MASH hub's referrals: `:id` is a UUID or a reference number ──
  { method: 'GET', path: '/api/referrals/settings', auth: true },
  { method: 'GET', path: '/api/referrals/queue', auth: true },
  {
    method: 'GET',
    path: '/api/referrals',
    auth: true,
    query: { box: ['all', 'MINE', 'mine ', ''], state: ['open', 'DRAFT', 'submitted', ''] },
  },
  {
    method: 'POST',
    path: '/api/referrals',
    auth: true,
    // A practitioner, whom the server would let start one: only the fault in each case stops it.
    as: () => ctx.victim,
    body: {
      valid: () => ({ id: UUID }),
      bad: { id: ['x', 5, null, '', `${UUID}x`, 'MASH-2026-000001'] },
      required: ['id'],
      text: [],
    },
  },
  {
    method: 'GET',
    path: '/api/referrals/:id',
    id: () => ctx.referralId,
    auth: true,
    badIds: REFERRAL_BAD_IDS,
    unknownIds: REFERRAL_UNKNOWN_IDS,
  },
  {
    method: 'POST',
    path: '/api/referrals/:id/submit',
    id: () => ctx.referralId,
    auth: true,
    badIds: REFERRAL_BAD_IDS,
    unknownIds: REFERRAL_UNKNOWN_IDS,
    // Its referrer, whom the server would let submit it: only the fault in each case stops them.
    as: () => ctx.victim,
    body: {
      valid: () => ({
        categories: ['neglect', 'school_attendance'],
        urgency: 'urgent',
        familyConsent: 'not_asked',
        subjects: [{ id: UUID, role: 'child', details: { epoch: 1, ciphertext: b64(60) } }],
        content: { epoch: 1, ciphertext: b64(60) },
      }),
      bad: {
        categories: [
          [],
          'neglect',
          ['Neglect'],
          ['physical abuse'],
          ['x'],
          [5],
          [null],
          Array.from({ length: 21 }, () => 'neglect'),
        ],
        urgency: ['soon', 'URGENT', 5, null],
        familyConsent: ['yes', true, null],
        subjects: [
          [],
          'a child',
          [{ id: 'x', role: 'child', details: { epoch: 1, ciphertext: b64(60) } }],
          [{ id: UUID, role: 'parent', details: { epoch: 1, ciphertext: b64(60) } }],
          [{ id: UUID, role: 'child' }],
          [{ id: UUID, role: 'child', details: { epoch: 1 } }],
          [{ id: UUID, role: 'child', details: { epoch: 1, ciphertext: b64(60) }, name: 'A Child' }],
          Array.from({ length: 31 }, () => ({ id: UUID, role: 'child', details: { epoch: 1, ciphertext: b64(60) } })),
          // Subjects need a child (the server's rule, before anything is stored).
          [{ id: UUID, role: 'adult', details: { epoch: 1, ciphertext: b64(60) } }],
        ],
        content: SEALED_BAD,
      },
      refused: [
        // Concern categories must be codes the hub uses.
        { field: 'categories', value: ['astrology'], code: 'concern_category', names: 'categories' },
        { field: 'categories', value: ['neglect', 'gossip'], code: 'concern_category', names: 'categories' },
      ],
      required: ['categories', 'urgency', 'familyConsent', 'subjects', 'content'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/referrals/:id/claim',
    id: () => ctx.referralId,
    auth: true,
    badIds: REFERRAL_BAD_IDS,
    unknownIds: REFERRAL_UNKNOWN_IDS,
    emptyBody: true,
  },
  {
    method: 'POST',
    path: '/api/referrals/:id/rating',
    id: () => ctx.referralId,
    auth: true,
    badIds: REFERRAL_BAD_IDS,
    unknownIds: REFERRAL_UNKNOWN_IDS,
    body: {
      valid: () => ({ id: UUID, rag: 'amber', rationale: { epoch: 1, ciphertext: b64(60) } }),
      bad: { id: ['x', 5, null], rag: ['purple', 'RED', 'r', 1, null], rationale: SEALED_BAD },
      required: ['id', 'rag', 'rationale'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/referrals/:id/shares',
    id: () => ctx.referralId,
    auth: true,
    badIds: REFERRAL_BAD_IDS,
    unknownIds: REFERRAL_UNKNOWN_IDS,
    body: {
      // On a lawful basis, which needs the basis and a sealed justification (the schema's refinement).
      valid: () => ({
        id: UUID,
        userId: ctx.victim.id,
        basis: 'lawful_basis',
        lawfulBasis: 'safeguarding',
        justification: { epoch: 1, ciphertext: b64(60) },
      }),
      bad: {
        id: ['x', 5],
        userId: ['someone', 5, null, 'victim@test.example'],
        basis: ['gossip', 'LAWFUL_BASIS', 5, null],
        lawfulBasis: ['because', 'lawful_basis', 5, null],
        justification: [...SEALED_BAD, null],
      },
      required: ['id', 'userId', 'basis', 'lawfulBasis', 'justification'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/referrals/:id/decision',
    id: () => ctx.referralId,
    auth: true,
    badIds: REFERRAL_BAD_IDS,
    unknownIds: REFERRAL_UNKNOWN_IDS,
    body: {
      // Early help linking a family: early help needs `familyId` or `leadWorkerId`, other decisions neither.
      valid: () => ({ decision: 'early_help', rationale: { epoch: 1, ciphertext: b64(60) }, familyId: ctx.familyId }),
      bad: {
        decision: ['maybe', 'EARLY_HELP', 5, null, 'signpost', 'no_further_action'],
        rationale: SEALED_BAD,
        familyId: ['x', 5, null, 'FAM-0001'],
        leadWorkerId: ['x', 5, null, UUID],
      },
      required: ['decision', 'rationale', 'familyId'],
      text: [],
    },
  },
  {
    method: 'POST',
    path: '/api/referrals/:id/close',
    id: () => ctx.referralId,
    auth: true,
    badIds: REFERRAL_BAD_IDS,
    unknownIds: REFERRAL_UNKNOWN_IDS,
    emptyBody: true,
  },
  // ── encrypted files: declared into a channel, sent piece by piece ──
  {
    method: 'POST',
    path: '/api/channels/:channelId/attachments',
    idParam: 'channelId',
    id: () => ctx.familyChannelId,
    auth: true,
    unknownIds: [UUID],
    // A member of the channel, from their own device: only the fault in each case stops them.
    as: () => ctx.victim,
    body: {
      valid: () => ({ id: UUID, deviceId: ctx.victimDeviceId, chunkCount: 1, sizeBytes: 100, purpose: 'message' }),
      bad: {
        id: ['x', 5, null],
        deviceId: ['x', 5, null],
        chunkCount: [0, -1, 1.5, '1', 1_000_001, null],
        sizeBytes: [0, 18, 1.5, '100', -100, 2 ** 53, null],
        purpose: ['file', 'MESSAGE', 5, null],
      },
      refused: [
        // Sizes the declared pieces cannot hold, either way.
        { field: 'sizeBytes', value: 64 * 1024 + 19, code: 'validation_failed', names: 'sizeBytes' },
        { field: 'chunkCount', value: 10, code: 'validation_failed', names: 'sizeBytes' },
        // More than the largest file the server takes.
        { field: 'sizeBytes', value: 2 ** 40, status: 413, code: 'too_large' },
        { field: 'chunkCount', value: 999_999, status: 413, code: 'too_large' },
        // Not the uploader's own device.
        { field: 'deviceId', value: UUID, status: 403, code: 'not_your_device' },
      ],
      required: ['id', 'deviceId', 'chunkCount', 'sizeBytes', 'purpose'],
      text: [],
    },
  },
  {
    method: 'PUT',
    path: '/api/attachments/:id/chunks/:index',
    id: () => ctx.attachmentId,
    auth: true,
    params: { index: { value: () => '0', bad: CHUNK_BAD_INDEXES } },
    // The uploader, whom the server would let store the piece: only the fault in each case stops them.
    as: () => ctx.victim,
    bytes: { tooShort: 18, tooLong: 64 * 1024 + 19, pastTheEnd: '2' },
  },
  {
    method: 'POST',
    path: '/api/attachments/:id/complete',
    id: () => ctx.attachmentId,
    auth: true,
    unknownIds: [UUID],
    emptyBody: true,
  },
  { method: 'GET', path: '/api/attachments/:id', id: () => ctx.attachmentId, auth: true, unknownIds: [UUID] },
  {
    method: 'GET',
    path: '/api/attachments/:id/chunks/:index',
    id: () => ctx.attachmentId,
    auth: true,
    params: { index: { value: () => '0', bad: CHUNK_BAD_INDEXES } },
  },
  { method: 'DELETE', path: '/api/attachments/:id', id: () => ctx.attachmentId, auth: true, unknownIds: [UUID] },
];

interface Case {
  name: string;
  method: string;
  path: () => string;
  /** Whose token to send: the endpoint's person's (the ISA admin unless told), none, or this literal header. */
  auth?: { header: string } | 'none';
  /** Whose session a case without `auth` uses. */
  as?: () => Person;
  body?: () => string | Uint8Array<ArrayBuffer>;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  code?: string;
  /** The field `details.fields` must name. */
  field?: string;
}

const deepNesting = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** Bytes standing in for an encrypted piece of a file. */
const piece = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array(n).fill(7);

function casesFor(e: Endpoint): Case[] {
  const route = `${e.method} ${e.path}`;
  const idParam = e.idParam ?? 'id';
  const param = (name: string) => new RegExp(`:${name}(?![A-Za-z])`);
  // The other path parameters (a family member, a piece number) are the real ones unless probed.
  const withParams = (path: string, probed?: { name: string; value: string }) =>
    Object.entries(e.params ?? {}).reduce(
      (p, [name, { value }]) =>
        p.replace(param(name), name === probed?.name ? probed.value : encodeURIComponent(value())),
      path,
    );
  const url = (id?: string) => () =>
    withParams(e.path.replace(param(idParam), encodeURIComponent(id ?? e.id?.() ?? '')));
  const rawUrl = (id: string) => () => withParams(e.path.replace(param(idParam), id));
  const valid = e.body?.valid ?? (e.emptyBody ? () => ({}) : undefined);
  const validBody = e.bytes ? () => piece(100) : valid && (() => JSON.stringify(valid()));
  const cases: Case[] = [];
  const add = (what: string, c: Omit<Case, 'name' | 'method' | 'path'> & { path?: () => string }) =>
    cases.push({
      name: `${route}: ${what}`,
      method: e.method,
      path: url(),
      body: validBody,
      contentType: e.bytes ? 'application/octet-stream' : undefined,
      as: e.as,
      ...c,
    });

  if (e.auth) {
    add('no token', { auth: 'none', status: 401, code: 'unauthenticated' });
    add('a malformed Authorization header', {
      auth: { header: 'Basic dXNlcjpwYXNz' },
      status: 401,
      code: 'unauthenticated',
    });
    add('an unknown bearer token', {
      auth: { header: `Bearer ${'A'.repeat(43)}` },
      status: 401,
      code: 'invalid_session',
    });
  }
  if (param(idParam).test(e.path)) {
    const ids = ['not-a-uuid', '12345', "1' OR '1'='1", '00000000-0000-0000-0000-00000000000g', ' '];
    for (const id of [...ids, ...(e.badIds ?? [])])
      add(`path ${idParam} ${JSON.stringify(id)}`, {
        path: url(id),
        status: 400,
        code: 'validation_failed',
        field: idParam,
      });
    add(`a path ${idParam} that is not valid percent-encoding`, { path: rawUrl('%E0%A4%A'), status: 400 });
    for (const id of e.unknownIds ?? [])
      add(`path ${idParam} ${JSON.stringify(id)}, which names nothing`, { path: url(id), status: 404 });
  }
  for (const [name, { bad }] of Object.entries(e.params ?? {})) {
    for (const value of bad ?? []) {
      add(`path ${name} ${JSON.stringify(value)}`, {
        path: () => withParams(e.path.replace(param(idParam), e.id!()), { name, value: encodeURIComponent(value) }),
        status: 400,
        code: 'validation_failed',
        field: name,
      });
    }
  }
  if (e.bytes) {
    // One encrypted piece of a file: raw bytes of a bounded size, never JSON.
    const octets = 'application/octet-stream';
    const { tooShort, tooLong, pastTheEnd } = e.bytes;
    add('no body at all', { body: undefined, status: 415, code: 'unsupported_media_type' });
    add('JSON instead of bytes', {
      contentType: 'application/json',
      body: () => '{}',
      status: 415,
      code: 'unsupported_media_type',
    });
    // A bare JSON string is not a body this server parses (objects and arrays only).
    add('a JSON string of the bytes', {
      contentType: 'application/json',
      body: () => JSON.stringify(b64(100)),
      status: 400,
      code: 'malformed_json',
    });
    add('the bytes sent as text/plain', { contentType: 'text/plain', status: 415, code: 'unsupported_media_type' });
    add('the bytes sent as a form', {
      contentType: 'application/x-www-form-urlencoded',
      body: () => 'piece=abc',
      status: 415,
      code: 'unsupported_media_type',
    });
    add(`${tooShort} bytes, no more than a piece's overhead`, {
      contentType: octets,
      body: () => piece(tooShort),
      status: 400,
      code: 'validation_failed',
      field: '(body)',
    });
    add('no bytes at all', { contentType: octets, body: () => piece(0), status: 400, code: 'validation_failed' });
    add(`${tooLong} bytes, more than a whole piece`, {
      contentType: octets,
      body: () => piece(tooLong),
      status: 413,
      code: 'payload_too_large',
    });
    add('bytes that claim gzip but are not', {
      contentType: octets,
      headers: { 'content-encoding': 'gzip' },
      status: 400,
    });
    add(`piece ${pastTheEnd}, past the pieces declared`, {
      contentType: octets,
      path: () => withParams(e.path.replace(param(idParam), e.id!()), { name: 'index', value: pastTheEnd }),
      status: 400,
      code: 'validation_failed',
      field: 'index',
    });
  }
  if ((e.method === 'POST' || e.method === 'PUT') && !e.bytes) {
    for (const raw of ['{"name":', "{'a': 1}", '{"a": 1}}', 'nul', '"just a string"', '42'])
      add(`malformed JSON ${raw}`, { body: () => raw, status: 400, code: 'malformed_json' });
    add('a JSON array instead of an object', {
      body: () => '[]',
      status: 400,
      code: 'validation_failed',
      field: '(body)',
    });
    add('an array nested 100,000 deep', { body: () => deepNesting(100_000), status: 400 });
    add('an unknown field', {
      body: () => JSON.stringify({ ...valid!(), unexpectedField: true }),
      status: 400,
      code: 'validation_failed',
      field: 'unexpectedField',
    });
    add('an unknown field named __proto__', {
      // JSON.stringify cannot write this key (it is the prototype), so splice it into the text.
      body: () => {
        const rest = JSON.stringify(valid!()).slice(1);
        return `{"__proto__": {"role": "isa_admin"}${rest === '}' ? '' : ','}${rest}`;
      },
      status: 400,
      code: 'validation_failed',
      field: '__proto__',
    });
    add('a body over 256 kB', {
      body: () => JSON.stringify({ ...valid!(), padding: 'x'.repeat(300 * 1024) }),
      status: 413,
      code: 'payload_too_large',
    });
    add('an unsupported charset', {
      contentType: 'application/json; charset=latin1',
      status: 415,
      code: 'unsupported_media_type',
    });
    add('a body that claims gzip but is not', { headers: { 'content-encoding': 'gzip' }, status: 400 });
  }
  if (e.body) {
    const spec = e.body;
    for (const [field, values] of Object.entries(spec.bad)) {
      for (const value of values) {
        add(`${field} = ${JSON.stringify(value).slice(0, 40)}`, {
          body: () => JSON.stringify({ ...spec.valid(), [field]: value }),
          status: 400,
          code: 'validation_failed',
          field,
        });
      }
      add(`${field} nested 10,000 deep`, {
        body: () => JSON.stringify({ ...spec.valid(), [field]: '<deep>' }).replace('"<deep>"', deepNesting(10_000)),
        status: 400,
        code: 'validation_failed',
        field,
      });
    }
    for (const field of spec.required) {
      add(`missing ${field}`, {
        body: () => JSON.stringify({ ...spec.valid(), [field]: undefined }),
        status: 400,
        code: 'validation_failed',
        field,
      });
    }
    for (const r of spec.refused ?? []) {
      add(`${r.field} = ${JSON.stringify(r.value).slice(0, 40)}, refused by the server`, {
        body: () => JSON.stringify({ ...spec.valid(), [r.field]: r.value }),
        status: r.status ?? 400,
        code: r.code,
        field: r.names,
      });
    }
    for (const field of spec.text) {
      add(`a NUL character in ${field}`, {
        body: () => JSON.stringify({ ...spec.valid(), [field]: `a\u0000b` }),
        status: 400,
        code: 'validation_failed',
        field,
      });
    }
    if (spec.required.length) {
      add('no body at all', { body: undefined, status: 400, code: 'validation_failed' });
      add('the right JSON sent as text/plain', { contentType: 'text/plain', status: 400, code: 'validation_failed' });
    }
  }
  for (const [param, values] of Object.entries(e.query ?? {})) {
    for (const value of values) {
      add(`?${param}=${value}`, {
        path: () => `${e.path}?${param}=${encodeURIComponent(value)}`,
        status: 400,
        code: 'validation_failed',
        field: param,
      });
    }
    add(`?${param} given twice`, {
      path: () => `${e.path}?${param}=1&${param}=2`,
      status: 400,
      code: 'validation_failed',
      field: param,
    });
  }
  if (e.query) {
    add('an unknown query parameter', {
      path: () => `${e.path}?unexpectedParam=1`,
      status: 400,
      code: 'validation_failed',
      field: 'unexpectedParam',
    });
  }
  return cases;
}

const CASES = ENDPOINTS.flatMap(casesFor);

/** Tables whose rows no refused request may touch (audit_events and rate_limit_hits may grow). */
const TABLES = [
  'notifications',
  'agreement_versions',
  'agencies',
  'agency_signatures',
  'users',
  'sign_in_throttles',
  'invitations',
  'recovery_codes',
  'sessions',
  'attestations',
  'devices',
  'families',
  'family_members',
  'family_lead_changes',
  'consent_records',
  'fair_processing_notices',
  'lawful_bases',
  'sharing_decisions',
  'meetings',
  'meeting_invitations',
  'meeting_family_attendance',
  'minutes_versions',
  'minutes_amendments',
  'meeting_entries',
  'actions',
  'action_updates',
  'family_plan_versions',
  'family_plan_progress',
  'family_plan_reviews',
  'family_ref_counters',
  'information_requests',
  'referrals',
  'referral_subjects',
  'referral_ratings',
  'referral_shares',
  'referral_events',
  'referral_ref_counters',
  'attachments',
  'attachment_chunks',
  'subject_access_requests',
  'subject_access_subjects',
  'subject_access_consultations',
  'channels',
  'channel_members',
  'channel_epochs',
  'key_envelopes',
  'audit_grants',
  'retention_schedules',
  'retention_dates',
  'localities',
];

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const STACK = /\n\s+at |node_modules|\.[cm]?[jt]s:\d+|Error:/;

/** Checks one response is exactly the DESIGN.md §7 error shape and carries no trace of the server's insides. */
function expectErrorShape(status: number, contentType: string | null, text: string) {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  expect(contentType).toMatch(/^application\/json/);
  expect(text).not.toMatch(STACK);
  const body = JSON.parse(text) as { error: { code: unknown; message: unknown; details?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  expect(body.error.code).toMatch(SNAKE);
  expect(typeof body.error.message).toBe('string');
  expect((body.error.message as string).length).toBeGreaterThan(0);
  if ('details' in body.error) {
    expect(body.error.details).toEqual(expect.any(Object));
    expect(Array.isArray(body.error.details)).toBe(false);
  }
  return body.error as { code: string; message: string; details?: { fields?: Record<string, unknown> } };
}

describe('bad input on every endpoint: 4xx in the error shape, never a 500 or a stack, nothing changed', () => {
  let t: TestApp;
  let w: World;
  let before: Record<string, { n: number; digest: string }>;

  async function snapshot(): Promise<Record<string, { n: number; digest: string }>> {
    const out: Record<string, { n: number; digest: string }> = {};
    for (const table of TABLES) {
      const { rows } = await t.sql(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS digest FROM ${table} r`,
      );
      out[table] = rows[0] as { n: number; digest: string };
    }
    return out;
  }

  async function send(c: Case): Promise<Response> {
    const headers: Record<string, string> = { ...c.headers };
    if (c.auth === undefined) headers.authorization = `Bearer ${(c.as?.() ?? ctx.admin).client.token}`;
    else if (c.auth !== 'none') headers.authorization = c.auth.header;
    const body = c.body?.();
    if (body !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
    return fetch(`${t.baseUrl}${c.path()}`, { method: c.method, headers, body });
  }

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    ctx.agreementId = await w.agreement();
    ctx.council = await w.agency('Council');
    ctx.unsignedAgency = await w.agency('Unsigned', { signed: false });
    ctx.signedAgency = await w.agency('Signed');
    ctx.suspendedAgency = await w.agency('Suspended');
    // Someone to answer information requests to the signed agency. First: signing in with two factors
    // moves the test clock, which would make the sweep's first requests refresh the others' sessions.
    ctx.signedAdmin = await w.person(ctx.signedAgency, 'agency_admin', 'signed-admin');
    ctx.auditor = await w.person(ctx.council, 'auditor', 'auditor');
    ctx.dp = await w.person(ctx.council, 'agency_admin', 'dp');
    ctx.admin = await w.person(ctx.council, 'isa_admin');
    ctx.victim = await w.person(ctx.council, 'practitioner', 'victim');
    // The MASH hub, with someone to receive referrals (an account: signing in would move the clock too).
    const hub = await w.agency('Hub', { mashHub: true });
    await w.account(hub, 'mash_worker', 'hub-worker');
    ctx.inviteToken = (
      await w.users.create(null, {
        agencyId: ctx.council,
        email: 'invited@test.example',
        displayName: 'I',
        role: 'practitioner',
      })
    ).invitation.token;
    await ctx.admin.client.suspendAgency(ctx.suspendedAgency, 'Investigation');
    ctx.deviceId = (await ctx.admin.client.createDevice(ctx.admin.id, 'Existing')).device.id;
    const keys = await generateDeviceKeys();
    ctx.deviceBody = {
      label: 'Sweep device',
      x25519PublicKey: keys.x25519.publicKey,
      ed25519PublicKey: keys.ed25519.publicKey,
      signature: await signDeviceProof(ctx.admin.id, keys),
    };
    ctx.today = t.clock.now().toISOString().slice(0, 10);
    ctx.now = t.clock.now().toISOString();
    const family = await ctx.victim.client.createFamily();
    ctx.familyId = family.id;
    ctx.memberId = (await ctx.victim.client.addFamilyMember(family.id, { role: 'parent' })).id;
    ctx.familyChannelId = family.channelId;
    ctx.familyRef = family.ref;
    ctx.localityId = (await ctx.admin.client.addLocality('Sweep Locality')).id;
    ctx.holdId = (
      await ctx.admin.client.placeHold({ scope: 'class', recordClass: 'attachments', reason: 'Bad-input sweep' })
    ).id;
    ctx.grantId = (
      await ctx.auditor.client.requestGrant({ kind: 'channel', channelId: family.channelId, purpose: 'Sweep' })
    ).id;
    const victimS = await secureSession(ctx.victim.client, 'victim laptop');
    await victimS.rotate(family.channelId);
    const actionId = randomUUID();
    ctx.actionId = (
      await ctx.victim.client.createAction({
        id: actionId,
        channelId: family.channelId,
        description: await victimS.sealField(family.channelId, 'action', { text: 'x' }, { recordId: actionId }),
        ownerId: ctx.victim.id,
        dueOn: ctx.today,
      })
    ).id;
    // A request to an agency with an admin (made above) and a lawful basis to be told of the family.
    const basisId = randomUUID();
    await ctx.victim.client.recordLawfulBasis(family.id, {
      id: basisId,
      agencyId: ctx.signedAgency,
      basis: 'safeguarding',
      justification: await victimS.sealField(family.channelId, 'lawful-basis', { text: 'x' }, { recordId: basisId }),
      approvedBy: ctx.admin.id,
    });
    ctx.requestId = (
      await victimS.sendInformationRequest({
        subject: { kind: 'family', familyId: family.id },
        toAgencyId: ctx.signedAgency,
        dueAt: new Date(t.clock.now().getTime() + 7 * 86_400_000),
        question: 'q',
        why: 'w',
      })
    ).request.id;
    // An upload of two pieces, none sent yet; a draft referral the victim started.
    ctx.victimDeviceId = victimS.deviceId;
    ctx.attachmentId = (
      await ctx.victim.client.declareAttachment(family.channelId, {
        id: randomUUID(),
        deviceId: victimS.deviceId,
        chunkCount: 2,
        sizeBytes: 64 * 1024 + 18 + 100,
        purpose: 'message',
      })
    ).id;
    ctx.referralId = (await ctx.victim.client.startReferral(randomUUID())).id;
    victimS.close();
    ctx.meetingId = (
      await ctx.victim.client.scheduleMeeting({ channelId: family.channelId, kind: 'family', scheduledAt: ctx.now })
    ).id;
    ctx.sarId = (
      await ctx.dp.client.createSubjectAccessRequest({
        receivedOn: ctx.today,
        requesterType: 'other',
        refs: [family.ref],
      })
    ).id;
    ctx.consultationId = (await ctx.dp.client.consultOnSubjectAccess(ctx.sarId, ctx.signedAgency)).id;
    // Signing in with two factors moved the clock since the signed agency's admin signed in: their session
    // is refreshed on its next use, which must come before the snapshot, not during the sweep.
    await ctx.signedAdmin.client.me();
    before = await snapshot();
  });
  afterAll(() => t.close());

  it('covers every route the running app serves for these controllers (health checks are tested below)', () => {
    // Read from Express's router, so a route added later without a row in ENDPOINTS fails here.
    const express = t.app.getHttpAdapter().getInstance() as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    };
    const served = express.router.stack
      .flatMap((layer) =>
        layer.route
          ? Object.keys(layer.route.methods)
              .filter((m) => m !== '_all')
              .map((m) => `${m.toUpperCase()} ${layer.route!.path}`)
          : [],
      )
      .filter((r) => PREFIXES.includes(r.split('/')[2]) || ROUTES.includes(r))
      .sort();
    const tested = [...ENDPOINTS.map((e) => `${e.method} ${e.path}`), 'GET /api/health', 'GET /api/ready'].sort();
    expect(served).toEqual(tested);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await send(c);
    const text = await res.text();
    const error = expectErrorShape(res.status, res.headers.get('content-type'), text);
    expect({ status: res.status, code: c.code ? error.code : undefined }).toEqual({ status: c.status, code: c.code });
    if (c.field) {
      // The field itself, or a part of it (`details.ciphertext`, `agencyIds.0`) for nested values.
      const fields = error.details?.fields ?? {};
      const named = Object.keys(fields).filter((k) => k === c.field || k.startsWith(`${c.field}.`));
      expect(named.length).toBeGreaterThan(0);
      for (const k of named) expect(fields[k]).toEqual(expect.arrayContaining([expect.any(String)]));
    }
  });

  it('after the sweep, no table has changed and the admin is still signed in', async () => {
    expect(await snapshot()).toEqual(before);
    await expect(ctx.admin.client.me()).resolves.toMatchObject({ user: { id: ctx.admin.id } });
    expect((await ctx.admin.client.agency(ctx.suspendedAgency)).status).toBe('suspended');
    // The valid bodies really were valid: the same requests, minus the fault, succeed.
    await expect(ctx.admin.client.registerAgency({ name: 'Sweep Agency', sector: 'other' })).resolves.toMatchObject({
      status: 'registered',
    });
    await expect(ctx.admin.client.http.request('POST', '/devices', ctx.deviceBody)).resolves.toMatchObject({
      label: 'Sweep device',
    });
    await expect(ctx.victim.client.startReferral(UUID)).resolves.toMatchObject({ id: UUID, state: 'draft' });
    await expect(ctx.admin.client.addLocality('Sweep North')).resolves.toMatchObject({ name: 'Sweep North' });
    await expect(ctx.victim.client.setFamilyLocality(ctx.familyId, ctx.localityId)).resolves.toMatchObject({
      locality: { id: ctx.localityId },
    });
    await expect(
      ctx.victim.client.declareAttachment(ctx.familyChannelId, {
        id: UUID,
        deviceId: ctx.victimDeviceId,
        chunkCount: 1,
        sizeBytes: 100,
        purpose: 'message',
      }),
    ).resolves.toMatchObject({ id: UUID, state: 'uploading' });
    // The piece the sweep sent with one fault each time, sent whole.
    await expect(ctx.victim.client.putAttachmentChunk(ctx.attachmentId, 0, piece(100))).resolves.toEqual({
      index: 0,
      stored: 'stored',
    });
  });

  it('an unknown route is a 404 in the error shape, inside /api and out', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['GET', '/api'],
      ['POST', '/api/agencies/x/y/z'],
      ['PUT', '/api/agencies'],
      ['DELETE', '/api/agencies'],
      ['GET', '/nope'],
      ['POST', '/'],
      ['GET', '/api/../etc/passwd'],
    ]) {
      const res = await fetch(`${t.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${ctx.admin.client.token}` },
      });
      const error = expectErrorShape(res.status, res.headers.get('content-type'), await res.text());
      expect({ method, path, status: res.status, code: error.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'not_found',
      });
    }
  });

  it('health and readiness answer 200 without a token', async () => {
    const health = await fetch(`${t.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.baseUrl}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', migrations: 'applied' });
  });
});
