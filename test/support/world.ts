import { generate } from 'otplib';
import { AgenciesService } from '../../src/agencies/agencies.service.js';
import type { AgencySector } from '../../contracts/agencies.js';
import type { Role } from '../../contracts/identity.js';
import { UsersService } from '../../src/identity/users.service.js';
import { StrongroomClient } from '../../client/sdk/index.js';
import type { TestApp } from './test-app.js';

export interface Person {
  id: string;
  email: string;
  password: string;
  role: Role;
  agencyId: string;
  totpSecret?: string;
  client: StrongroomClient;
}

let counter = 0;
export const uniqueEmail = (prefix: string) =>
  `${prefix}.${Date.now().toString(36)}${(counter++).toString(36)}@test.example`;

/** A TOTP code for the test clock's current time. */
export const totpAt = (secret: string, t: TestApp) =>
  generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });

/**
 * Builds the people and agencies a test needs through the real services and API. The first ISA admin
 * is created the way the demo seed does (no one exists yet to invite them); everyone else can be
 * created over the API by that admin.
 */
export class World {
  readonly agencies: AgenciesService;
  readonly users: UsersService;
  agreementId = '';

  constructor(readonly t: TestApp) {
    this.agencies = t.app.get(AgenciesService);
    this.users = t.app.get(UsersService);
  }

  client(token?: string): StrongroomClient {
    return new StrongroomClient(this.t.baseUrl, token);
  }

  async agreement(label = '10.0', publishedOn = '2020-04-01'): Promise<string> {
    const v = await this.agencies.publishAgreement(null, { label, publishedOn, textRef: `ISA v${label}` });
    this.agreementId = v.id;
    return v.id;
  }

  async agency(
    name: string,
    opts: { sector?: AgencySector; signed?: boolean; deaS35Partner?: boolean; mashHub?: boolean } = {},
  ): Promise<string> {
    const a = await this.agencies.register(null, {
      name,
      sector: opts.sector ?? 'local_authority',
      deaS35Partner: opts.deaS35Partner ?? false,
      mashHub: opts.mashHub ?? false,
    });
    if (opts.signed ?? true) {
      await this.agencies.sign(null, a.id, {
        signatoryName: 'A Signatory',
        signatoryTitle: 'Director',
        signedOn: '2020-05-01',
      });
    }
    return a.id;
  }

  /** Creates an active account with a password, without signing in; named `<prefix> person` unless told. */
  async account(
    agencyId: string,
    role: Role,
    prefix: string = role,
    opts: { displayName?: string } = {},
  ): Promise<Omit<Person, 'client'>> {
    const email = uniqueEmail(prefix);
    const { user, invitation } = await this.users.create(null, {
      agencyId,
      email,
      displayName: opts.displayName ?? `${prefix} person`,
      role,
    });
    const password = `pw-${prefix}-${Math.random().toString(36).slice(2)}-long`;
    await this.users.acceptInvitation(
      { token: invitation.token, password },
      { requestId: 'test', ip: null, userAgent: null },
    );
    return { id: user.id, email, password, role, agencyId };
  }

  /**
   * Signs a person in as a user would: enrols MFA if their role requires it and attests to the
   * current agreement, so the returned client has full access.
   */
  async signIn(p: Omit<Person, 'client'>, opts: { attest?: boolean } = {}): Promise<Person> {
    const client = this.client();
    const login = await client.login({
      email: p.email,
      password: p.password,
      ...(p.totpSecret ? { totp: await totpAt(p.totpSecret, this.t) } : {}),
    });
    if (p.totpSecret) this.t.clock.advance(30_000); // a code works once: move past its time step
    if (login.session.stage === 'mfa_enrolment') {
      const { secret } = await client.mfaEnrol();
      await client.mfaVerify(await totpAt(secret, this.t));
      this.t.clock.advance(30_000);
      p = { ...p, totpSecret: secret };
    }
    if (opts.attest ?? true) {
      const me = await client.me();
      if (me.attestation.required && me.attestation.agreementVersionId)
        await client.attest(me.attestation.agreementVersionId);
    }
    return { ...p, client };
  }

  async person(
    agencyId: string,
    role: Role,
    prefix?: string,
    opts: { attest?: boolean; displayName?: string } = {},
  ): Promise<Person> {
    return this.signIn(await this.account(agencyId, role, prefix, opts), opts);
  }
}
