#!/usr/bin/python3
"""Known-answer vectors for the Strongroom crypto layouts still at v1 (messages), from an independent
implementation.

Uses PyNaCl (Debian's python3-nacl), not libsodium.js, and builds every byte layout from the text of
docs/protocol.md ("Messages"), so the TypeScript SDK (client/sdk/crypto/channel-crypto.ts) and the
server (src/channels/channel-proofs.ts) are checked against the specification rather than against
themselves. Its message has the unpadded body (0x01 ‖ JSON) that data written before padding has and
readers still accept; test/vectors/protocol_v2_vectors.py has a message with the padded body (0x02)
written now. The v1 epoch envelope (a sealed box) and v1 epoch announcement are gone: protocol v2
replaced them, and test/vectors/protocol_v2_vectors.py covers what replaced them.

  /usr/bin/python3 test/vectors/channel_vectors.py > test/vectors/channel-v1.json   # write the vectors
  /usr/bin/python3 test/vectors/channel_vectors.py --check test/vectors/channel-v1.json  # CI: recompute and compare
"""
import base64
import json
import struct
import sys

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
    crypto_sign_seed_keypair,
)
from nacl.signing import SigningKey, VerifyKey


def b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


CHANNEL_ID = "7b0f6a3e-2d4c-4e8a-9b1f-0c2d3e4f5a6b"
SENDER_DEVICE = "1c9e3a5b-7d2f-4a6c-8e0b-2f4a6c8e0b1d"
CLIENT_MESSAGE_ID = "3f2e1d0c-9b8a-4765-9432-10fedcba9876"
EPOCH = 3
SIGN_SEED = bytes(range(32))
EPOCH_KEY = bytes(range(200, 232))
NONCE = bytes(range(50, 74))
CONTENT = {"type": "text", "body": "Strategy meeting moved to 14:00 — EH-2026-0042"}


def derive():
    sign_pk, sign_sk = crypto_sign_seed_keypair(SIGN_SEED)
    header = {"v": 1, "channelId": CHANNEL_ID, "epoch": EPOCH, "senderDeviceId": SENDER_DEVICE, "clientMessageId": CLIENT_MESSAGE_ID}
    ad = canonical(header)
    body = bytes([1]) + json.dumps(CONTENT, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    ciphertext = crypto_aead_xchacha20poly1305_ietf_encrypt(body, ad, NONCE, EPOCH_KEY)
    signed = b"strongroom-msg:v1\n" + struct.pack(">I", len(ad)) + ad + NONCE + ciphertext
    signature = SigningKey(SIGN_SEED).sign(signed).signature
    return {
        "ed25519": {"publicKey": b64(sign_pk), "privateKey": b64(sign_sk)},
        "epochKey": b64(EPOCH_KEY),
        "header": header,
        "headerBytesHex": ad.hex(),
        "content": CONTENT,
        "nonce": b64(NONCE),
        "ciphertext": b64(ciphertext),
        "signingBytesHex": signed.hex(),
        "signature": b64(signature),
    }


def main() -> int:
    vectors = derive()
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2], encoding="utf-8") as f:
            stored = json.load(f)
        if stored != vectors:
            bad = sorted(k for k in set(vectors) | set(stored) if stored.get(k) != vectors.get(k))
            print(f"channel vectors differ from the independent implementation: {bad}", file=sys.stderr)
            return 1
        # Ciphertext and signatures verify here too.
        VerifyKey(unb64(vectors["ed25519"]["publicKey"])).verify(bytes.fromhex(vectors["signingBytesHex"]), unb64(vectors["signature"]))
        crypto_aead_xchacha20poly1305_ietf_decrypt(unb64(vectors["ciphertext"]), bytes.fromhex(vectors["headerBytesHex"]), NONCE, EPOCH_KEY)
        print("channel vectors: 1 passed, 0 failed")
        return 0
    json.dump(vectors, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
