import { z } from 'zod';
import { timestamp } from './common.js';

/**
 * Localities (ISA 2.2): the areas an Early Help partnership organises itself by ("North", "Central", "South",
 * each with its Locality Meeting). The ISA team keeps the short list; a family may be placed in one of them.
 * A locality is plain metadata the server sees, like a family's reference: a name from the list, never
 * anything typed about a family (docs/ARCHITECTURE.md, "What the server can and cannot see").
 */

export const LOCALITY_NAME_MAX = 80;

/** A locality's name: a short area name of letters, digits, spaces and simple punctuation. */
export const localityName = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(LOCALITY_NAME_MAX, `must be at most ${LOCALITY_NAME_MAX} characters`)
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} '’&.,()/-]*$/u,
    'must be an area’s name: letters, digits, spaces and - ’ & . , ( ) /',
  );

// ── requests ──

export const addLocalitySchema = z.strictObject({ name: localityName });
export type AddLocalityInput = z.infer<typeof addLocalitySchema>;

/** The family's locality, by id from the list; null when it has none (any more). */
export const setFamilyLocalitySchema = z.strictObject({ localityId: z.uuid().nullable() });
export type SetFamilyLocalityInput = z.infer<typeof setFamilyLocalitySchema>;

// ── responses ──

export const localityView = z.object({ id: z.uuid(), name: z.string(), createdAt: timestamp });
export type LocalityView = z.infer<typeof localityView>;

/** A family's locality as a family view shows it; null when none is recorded. */
export const familyLocality = z.object({ id: z.uuid(), name: z.string() }).nullable();
export type FamilyLocality = z.infer<typeof familyLocality>;

/** The answer to setting a family's locality (an agency administrator setting it need not be in its channel). */
export const familyLocalityView = z.object({ familyId: z.uuid(), ref: z.string(), locality: familyLocality });
export type FamilyLocalityView = z.infer<typeof familyLocalityView>;
