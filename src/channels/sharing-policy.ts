import type { EntityManager } from 'typeorm';
import type { AppError } from '../common/app-error.js';

/**
 * Who may share into a channel beyond being a member of a signed agency. Channels know nothing of
 * families; the consent module registers this policy (ChannelsService.useSharingPolicy) and answers
 * for family channels: an agency may share only on a basis (the lead worker's agency, consent that
 * covers it for every family member, or a recorded lawful basis). Channels with no family attached
 * are never restricted.
 */
export interface SharingPolicy {
  /** The agencies among `agencyIds` that may not share into the channel now, each with the refusal. */
  refusals(m: EntityManager, channelId: string, agencyIds: string[]): Promise<Map<string, AppError>>;
  /**
   * A person of `agencyId` is being added to the channel: the refusal, or null to go ahead. Either
   * way the decision is recorded (what, with whom, why, on what basis).
   */
  admit(
    m: EntityManager,
    input: { channelId: string; userId: string; agencyId: string; decidedBy: string },
  ): Promise<AppError | null>;
  /** Why new content in the channel is restricted, for the channel view; null when it is not. */
  restriction(
    m: EntityManager,
    channelId: string,
  ): Promise<{ reason: string; message: string; agencyIds: string[] } | null>;
}
