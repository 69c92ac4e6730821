/** The domain events the agencies module emits (see DomainEventMap). */
declare module '../common/domain-events.js' {
  interface DomainEventMap {
    /** The withdrawal took effect: its users leave every channel. */
    'agency.withdrawn': { agencyId: string };
    'agency.suspended': { agencyId: string };
    'agency.reinstated': { agencyId: string };
  }
}
export {};
