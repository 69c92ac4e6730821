import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AgencyStatus } from '../../contracts/agencies.js';
import type { FormerMemberView, MemberRole } from '../../contracts/channels.js';
import { b64 } from '../common/sealed.js';
import type { MemberDeviceFacts } from './channel-rules.js';

/** A member's active device, with what decides whether it gets the next epoch key (channel-rules.ts). */
export interface MemberDeviceRow extends MemberDeviceFacts {
  deviceId: string;
  userId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
  identityPublicKey: string | null;
  identitySignature: string | null;
}

/** A member as the channel view lists them: who, from which agency, in what role, until when. */
export interface MemberListRow {
  userId: string;
  displayName: string;
  agencyId: string;
  agencyName: string;
  role: MemberRole;
  joinedAt: Date;
  endsAt: Date | null;
}

/**
 * Channel members joined with their users, agencies and devices (identity's and agencies' tables).
 * A named read model, not a repository: the point of each query is ONE set-based join over a whole
 * channel. Who must get the next epoch key is decided from every member's user status, agency status
 * and active devices at once, inside the epoch-opening transaction that holds the channel's lock;
 * asking identity and agencies member by member would cost a query per member and read the rows at
 * different moments.
 */
@Injectable()
export class ChannelMembersReadModel {
  /**
   * Every active device of every active member, with its owner's identity key and signature and its
   * agency's standing, in a stable order (device id).
   */
  async memberDevices(m: EntityManager, channelId: string): Promise<MemberDeviceRow[]> {
    const rows = await m.query<
      {
        id: string;
        user_id: string;
        x25519_public_key: Buffer;
        ed25519_public_key: Buffer;
        identity_public_key: Buffer | null;
        identity_signature: Buffer | null;
        agency_status: AgencyStatus;
        withdrawal_effective_at: Date | null;
        ends_at: Date | null;
        agency_id: string;
      }[]
    >(
      `SELECT d.id, d.user_id, d.x25519_public_key, d.ed25519_public_key, u.identity_public_key, d.identity_signature,
              a.status AS agency_status,
              a.withdrawal_effective_at, cm.ends_at, u.agency_id
         FROM channel_members cm
         JOIN users u ON u.id = cm.user_id AND u.status = 'active'
         JOIN agencies a ON a.id = u.agency_id
         JOIN devices d ON d.user_id = cm.user_id AND d.revoked_at IS NULL
        WHERE cm.channel_id = $1
        ORDER BY d.id`,
      [channelId],
    );
    return rows.map((r) => ({
      deviceId: r.id,
      userId: r.user_id,
      x25519PublicKey: b64(r.x25519_public_key),
      ed25519PublicKey: b64(r.ed25519_public_key),
      identityPublicKey: r.identity_public_key ? b64(r.identity_public_key) : null,
      identitySignature: r.identity_signature ? b64(r.identity_signature) : null,
      agencyId: r.agency_id,
      agencyStatus: r.agency_status,
      withdrawalEffectiveAt: r.withdrawal_effective_at,
      endsAt: r.ends_at,
    }));
  }

  /** The channel's members with their names and agencies, in order of joining. */
  async members(m: EntityManager, channelId: string): Promise<MemberListRow[]> {
    const rows = await m.query<
      {
        user_id: string;
        display_name: string;
        agency_id: string;
        agency_name: string;
        role: MemberRole;
        joined_at: Date;
        ends_at: Date | null;
      }[]
    >(
      `SELECT cm.user_id, u.display_name, u.agency_id, a.name AS agency_name, cm.role, cm.joined_at, cm.ends_at
         FROM channel_members cm JOIN users u ON u.id = cm.user_id JOIN agencies a ON a.id = u.agency_id
        WHERE cm.channel_id = $1 ORDER BY cm.joined_at, u.display_name`,
      [channelId],
    );
    return rows.map((r) => ({
      userId: r.user_id,
      displayName: r.display_name,
      agencyId: r.agency_id,
      agencyName: r.agency_name,
      role: r.role,
      joinedAt: r.joined_at,
      endsAt: r.ends_at,
    }));
  }

  /** A channel's former members, most recent first. */
  async formerMembers(m: EntityManager, channelId: string): Promise<FormerMemberView[]> {
    const rows = await m.query<
      {
        user_id: string;
        display_name: string;
        agency_name: string;
        role: MemberRole;
        joined_at: Date;
        ended_at: Date;
        reason: string;
      }[]
    >(
      `SELECT f.user_id, u.display_name, a.name AS agency_name, f.role, f.joined_at, f.ended_at, f.reason
         FROM channel_former_members f JOIN users u ON u.id = f.user_id JOIN agencies a ON a.id = u.agency_id
        WHERE f.channel_id = $1 ORDER BY f.ended_at DESC, u.display_name`,
      [channelId],
    );
    return rows.map((r) => ({
      userId: r.user_id,
      displayName: r.display_name,
      agencyName: r.agency_name,
      role: r.role,
      joinedAt: r.joined_at.toISOString(),
      endedAt: r.ended_at.toISOString(),
      reason: r.reason,
    }));
  }

  /** The channels with a member of this agency (its suspension or reinstatement changes their devices). */
  async channelIdsOfAgency(m: EntityManager, agencyId: string): Promise<string[]> {
    const rows = await m.query<{ channel_id: string }[]>(
      `SELECT DISTINCT cm.channel_id FROM channel_members cm JOIN users u ON u.id = cm.user_id WHERE u.agency_id = $1`,
      [agencyId],
    );
    return rows.map((r) => r.channel_id);
  }
}
