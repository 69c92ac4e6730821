import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A user's device: public keys only. Private keys never leave the client. */
@Entity('devices')
export class Device {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column('text') label: string;
  @Column('bytea') x25519PublicKey: Buffer;
  @Column('bytea') ed25519PublicKey: Buffer;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
  @Column('text', { nullable: true }) revokedReason: string | null;
  /** The owner's identity key's signature over this device (protocol v2): without it the device gets no keys. */
  @Column('bytea', { nullable: true }) identitySignature: Buffer | null;
  @Column('timestamptz', { nullable: true }) approvedAt: Date | null;
  /** The device that approved this one, or null when it approved itself with the recovery key (or was the first). */
  @Column('uuid', { nullable: true }) approvedByDeviceId: string | null;
  /** The identity seed sealed to this device by the device that approved it; the server cannot open it. */
  @Column('bytea', { nullable: true }) sealedIdentitySeed: Buffer | null;
}
