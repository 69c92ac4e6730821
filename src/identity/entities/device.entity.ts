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
}
