import type { Role } from '../../contracts/identity.js';

/**
 * The accounts an agency's own data-protection lead looks after: they may create them and off-board them,
 * in their own agency only. The platform-wide roles (`isa_admin`, `auditor`) are the ISA team's to give
 * and to take away: an agency admin who could disable them could shut the ISA team, or the reviewer
 * looking at that agency's work, out of the service.
 */
export const AGENCY_ADMIN_MANAGED_ROLES: readonly Role[] = ['practitioner', 'agency_admin', 'mash_worker'];

/** True when an agency admin may create, or disable, an account with this role. */
export function agencyAdminManages(role: Role): boolean {
  return AGENCY_ADMIN_MANAGED_ROLES.includes(role);
}
