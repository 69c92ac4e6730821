/**
 * The rooms of `/rt`. The events and their payloads are the contract in contracts/realtime.ts; rooms
 * are the server's own business (a client never names one).
 */
export const channelRoom = (channelId: string) => `channel:${channelId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
