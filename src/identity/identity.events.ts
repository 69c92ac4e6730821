/** The domain events the identity module emits (see DomainEventMap). */
declare module '../common/domain-events.js' {
  interface DomainEventMap {
    'user.disabled': { userId: string; agencyId: string };
    'session.revoked': { sessionIds: string[]; userId: string; reason: string };
    'device.registered': { deviceId: string; userId: string };
    'device.revoked': { deviceId: string; userId: string };
  }
}
export {};
