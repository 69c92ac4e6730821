/** Shapes of the server's responses (identity), as the SDK exposes them. Dates arrive as ISO strings. */
import type { AgencySector, AgencyStatus } from './agencies.js';

export type Role = 'isa_admin' | 'agency_admin' | 'practitioner' | 'mash_worker' | 'auditor';

export interface UserView {
  id: string;
  agencyId: string;
  email: string;
  displayName: string;
  role: Role;
  status: 'invited' | 'active' | 'disabled';
  mfaEnabled: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export interface SessionView {
  id: string;
  stage: 'full' | 'mfa_enrolment';
  createdAt: string;
  lastSeenAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current?: boolean;
}

export interface LoginResult {
  token: string;
  session: SessionView;
  user: UserView;
  agency: { id: string; name: string; status: AgencyStatus };
}

export interface MeView {
  user: UserView;
  agency: {
    id: string;
    name: string;
    sector: AgencySector;
    status: AgencyStatus;
    withdrawalEffectiveAt: string | null;
  };
  session: SessionView;
  mfa: { enabled: boolean; required: boolean };
  attestation: {
    required: boolean;
    agreementVersionId: string | null;
    agreementVersion: string | null;
    adviceVersion: string;
  };
  access: { canShare: boolean; reasons: string[] };
}

export interface DeviceView {
  id: string;
  userId: string;
  label: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
  createdAt: string;
  revokedAt: string | null;
}
