/** The domain events the identity module emits (see DomainEventMap). */
declare module '../common/domain-events.js' {
  interface DomainEventMap {
    'user.disabled': { userId: string; agencyId: string };
    'session.revoked': { sessionIds: string[]; userId: string; reason: string };
    'device.registered': { deviceId: string; userId: string };
    'device.revoked': { deviceId: string; userId: string };
    /** Signed by its owner's identity key: from now on it gets channel keys. */
    'device.approved': { deviceId: string; userId: string };
  }
}
export {};
