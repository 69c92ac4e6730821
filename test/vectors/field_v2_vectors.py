#!/usr/bin/python3
"""Known-answer vectors for Strongroom sealed fields, protocol v2 (fields bound to their record).

Built with PyNaCl from the text of docs/protocol.md ("Sealed fields"), independently of the TypeScript
SDK (client/sdk/crypto/channel-crypto.ts: fieldAd, encryptField, decryptField), which
client/sdk/crypto/field-v2.spec.ts checks against the file this writes.

  /usr/bin/python3 test/vectors/field_v2_vectors.py > test/vectors/field-v2.json          # write
  /usr/bin/python3 test/vectors/field_v2_vectors.py --check test/vectors/field-v2.json    # CI: recompute, compare
"""
import base64
import json
import sys

from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt, crypto_aead_xchacha20poly1305_ietf_encrypt


def b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


CHANNEL_ID = "7b0f6a3e-2d4c-4e8a-9b1f-0c2d3e4f5a6b"
RECORD_ID = "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
EPOCH = 258
VERSION = 3
PURPOSE = "minutes"
KEY = bytes(range(200, 232))
NONCE = bytes(range(50, 74))
VALUE = {"sections": [{"item": "plan", "notes": "Attendance up to 92% — EH-2026-0042"}], "familyVoice": "We are trying"}


def ad(purpose: str, channel_id: str, epoch: int, record_id: str, version: int) -> bytes:
    return f"strongroom-field:v2\n{purpose}\n{channel_id}\n{epoch}\n{record_id}\n{version}".encode("utf-8")


def derive():
    additional = ad(PURPOSE, CHANNEL_ID, EPOCH, RECORD_ID, VERSION)
    plaintext = bytes([1]) + json.dumps(VALUE, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sealed = NONCE + crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, additional, NONCE, KEY)
    return {
        "purpose": PURPOSE,
        "channelId": CHANNEL_ID,
        "epoch": EPOCH,
        "recordId": RECORD_ID,
        "version": VERSION,
        "key": b64(KEY),
        "value": VALUE,
        "adHex": additional.hex(),
        "sealed": b64(sealed),
    }


def main() -> int:
    vectors = derive()
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2], encoding="utf-8") as f:
            stored = json.load(f)
        if stored != vectors:
            bad = sorted(k for k in set(vectors) | set(stored) if stored.get(k) != vectors.get(k))
            print(f"field v2 vectors differ from the independent implementation: {bad}", file=sys.stderr)
            return 1
        sealed = unb64(vectors["sealed"])
        crypto_aead_xchacha20poly1305_ietf_decrypt(sealed[24:], bytes.fromhex(vectors["adHex"]), sealed[:24], KEY)
        try:
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed[24:], ad(PURPOSE, CHANNEL_ID, EPOCH, RECORD_ID, VERSION + 1), sealed[:24], KEY
            )
        except Exception:
            print("field v2 vectors: 1 passed, 0 failed")
            return 0
        print("a field opened as another version of its record", file=sys.stderr)
        return 1
    json.dump(vectors, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
