#!/usr/bin/python3
"""Known-answer vectors for Strongroom crypto protocol v2, from an independent implementation.

Uses PyNaCl (Debian's python3-nacl) and Python's hashlib, not libsodium.js, and builds every byte
layout from the text of docs/protocol.md ("Identity keys and cross-signing", "Epochs", "Padding",
"Messages", "Signed minutes", "Signed plan versions" and "Signed exports"), so the
TypeScript SDK (client/sdk/crypto/identity.ts, client/sdk/crypto/channel-crypto.ts) and the server's
checks (src/identity/device-proof.ts, src/channels/channel-proofs.ts) are checked against the
specification rather than against themselves.

  /usr/bin/python3 test/vectors/protocol_v2_vectors.py > test/vectors/protocol-v2.json   # write the vectors
  /usr/bin/python3 test/vectors/protocol_v2_vectors.py --check test/vectors/protocol-v2.json  # CI: recompute and compare

Everything is deterministic except the sealed seed (crypto_box_seal uses a fresh ephemeral key): the
file keeps one sealed here, and --check opens it and compares it with the specified plaintext.
"""
import base64
import hashlib
import json
import struct
import sys
import uuid

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
    crypto_box,
    crypto_box_open,
    crypto_box_seal,
    crypto_box_seal_open,
    crypto_scalarmult_base,
    crypto_sign_seed_keypair,
)
from nacl.signing import SigningKey, VerifyKey


def b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def canonical(value) -> bytes:
    # docs/protocol.md: keys sorted at every level, no whitespace, UTF-8, strings as JSON.stringify writes them.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def u32(n: int) -> bytes:
    return struct.pack(">I", n)


def uuid_bytes(s: str) -> bytes:
    return uuid.UUID(s).bytes


def blake2b_256(data: bytes, key: bytes = b"") -> bytes:
    return hashlib.blake2b(data, digest_size=32, key=key).digest()


VERSION = b"\x02"

# Deterministic inputs. Every id is a lower-case UUID; every key is a fixed byte pattern.
USER_ID = "5d1c8e2a-4b3f-4c6d-9e7a-0b1c2d3e4f50"
IDENTITY_SEED = bytes(range(0x20, 0x40))

# The device the identity key approves, and to which the identity seed is sealed.
NEW_DEVICE_ID = "e4d3c2b1-a098-4f7e-8d6c-5b4a39281706"
NEW_DEVICE_X25519_SECRET = bytes(range(0x60, 0x80))
NEW_DEVICE_ED25519_SEED = bytes(range(0x80, 0xA0))

# An epoch: the opener sends the key to one recipient device in an envelope.
CHANNEL_ID = "2a7c9e1b-3d5f-4a6b-8c0d-e1f2a3b4c5d6"
EPOCH = 258  # 0x00000102: a byte-order mistake in the u32 shows
EPOCH_KEY = bytes(range(0xC0, 0xE0))
OPENER_DEVICE_ID = "b3a29180-7f6e-4d5c-9b4a-392817f6e5d4"
OPENER_X25519_SECRET = bytes(range(0xA0, 0xC0))
OPENER_ED25519_SEED = bytes(range(0xE0, 0x100))
RECIPIENT_DEVICE_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
RECIPIENT_X25519_SECRET = bytes(range(0x40, 0x60))
THIRD_DEVICE_ID = "7c6b5a49-3827-4165-b4a3-c2d1e0f9a8b7"
ENVELOPE_NONCE = bytes(range(0x10, 0x28))
# Given out of order on purpose: the announcement must sort both lists.
RECIPIENTS_UNSORTED = [THIRD_DEVICE_ID, OPENER_DEVICE_ID, RECIPIENT_DEVICE_ID]
WITHHELD_UNSORTED = ["d9c8b7a6-9584-4736-a5f4-e3d2c1b0a9f8", "41d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c5b"]

# Padding: a sealed field, a channel title and a message, each under EPOCH_KEY with its own fixed nonce.
FIELD_PURPOSE = "family-member"
FIELD_VALUE = {"name": "Zoë Ødegaard", "dateOfBirth": "2014-03-09"}  # 57 bytes of JSON: the 64-byte size
FIELD_NONCE = bytes(range(0x30, 0x48))
TITLE = "Family support — EH-2026-0042: strategy discussion and review plan"  # 68 bytes: the 128-byte size
TITLE_NONCE = bytes(range(0x48, 0x60))
MESSAGE_CLIENT_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
MESSAGE_CONTENT = {"type": "text", "body": "Strategy meeting moved to 14:00 on Thursday; the school nurse "
                                           "and the family's GP will both join by phone. Please bring the "
                                           "updated chronology."}  # 183 bytes of JSON: the 256-byte size
MESSAGE_NONCE = bytes(range(0x60, 0x78))
# Content lengths either side of each size, to check the choice of size alone.
PADDED_CONTENT_LENGTHS = [0, 62, 63, 126, 127, 254, 510, 511, 1022, 1023, 2046, 2047, 16382]


def json_text(value) -> bytes:
    # As JSON.stringify writes it: members in the given order, no whitespace, UTF-8.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def padded_size(length: int) -> int:
    # docs/protocol.md, "Padding": the smallest of 64, 128, 256, 512 and 1024 that holds it, then multiples of 1024.
    for size in (64, 128, 256, 512, 1024):
        if length <= size:
            return size
    return -(-length // 1024) * 1024


def pad(content: bytes) -> bytes:
    # Body version 2: 0x02 ‖ content ‖ 0x80 ‖ 0x00 … (ISO/IEC 7816-4) up to the padded size.
    body = VERSION + content + b"\x80"
    return body + bytes(padded_size(len(body)) - len(body))


def unpad(body: bytes):
    # The content, or None when the padding is not one 0x80 then zeros.
    if body[:1] == b"\x01":
        return body[1:]
    if body[:1] != VERSION:
        return None
    stripped = body.rstrip(b"\x00")
    return stripped[1:-1] if len(stripped) > 1 and stripped[-1] == 0x80 else None


def sealed_under(plaintext: bytes, ad: bytes, nonce: bytes) -> bytes:
    # nonce (24) ‖ XChaCha20-Poly1305-IETF(key = epoch key, nonce, ad, plaintext)
    return nonce + crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, nonce, EPOCH_KEY)


def padding_vectors() -> dict:
    # Sealed fields v2: bound to their record (docs/protocol.md, "Sealed fields"); version 1.
    field_ad = f"strongroom-field:v2\n{FIELD_PURPOSE}\n{CHANNEL_ID}\n{EPOCH}\n{MESSAGE_CLIENT_ID}\n1".encode()
    field_plaintext = pad(json_text(FIELD_VALUE))
    assert len(field_plaintext) == 64
    title_ad = f"strongroom-title:v1\n{CHANNEL_ID}\n{EPOCH}".encode()
    title_plaintext = pad(TITLE.encode("utf-8"))
    assert len(title_plaintext) == 128

    header = {"v": 2, "channelId": CHANNEL_ID, "epoch": EPOCH, "senderDeviceId": OPENER_DEVICE_ID,
              "clientMessageId": MESSAGE_CLIENT_ID, "n": 1, "prev": None, "sentAt": "2026-03-04T05:06:07.089Z"}
    header_bytes = canonical(header)
    message_plaintext = pad(json_text(MESSAGE_CONTENT))
    assert len(message_plaintext) == 256
    message_ciphertext = crypto_aead_xchacha20poly1305_ietf_encrypt(message_plaintext, header_bytes, MESSAGE_NONCE,
                                                                    EPOCH_KEY)
    message_signed = (b"strongroom-msg:v2\n" + u32(len(header_bytes)) + header_bytes + MESSAGE_NONCE
                      + message_ciphertext)

    # Sealed properly, so they authenticate, but padded wrongly: a reader refuses each.
    content = json_text(FIELD_VALUE)
    refused = [
        ("no 0x80 marker", VERSION + content + bytes(64 - 1 - len(content))),
        ("a non-zero byte after the marker", VERSION + content + b"\x80\x01" + bytes(64 - 3 - len(content))),
        ("only zeros after the version byte", VERSION + bytes(63)),
        ("an unknown body version", b"\x03" + pad(content)[1:]),
    ]
    return {
        "paddedSizes": [{"contentLength": n, "paddedLength": padded_size(n + 2)} for n in PADDED_CONTENT_LENGTHS],
        "field": {
            "purpose": FIELD_PURPOSE,
            "channelId": CHANNEL_ID,
            "epoch": EPOCH,
            "key": b64(EPOCH_KEY),
            "value": FIELD_VALUE,
            "adHex": field_ad.hex(),
            "nonce": b64(FIELD_NONCE),
            "plaintextHex": field_plaintext.hex(),
            "sealed": b64(sealed_under(field_plaintext, field_ad, FIELD_NONCE)),
            "refused": [{"why": why, "plaintextHex": p.hex(), "sealed": b64(sealed_under(p, field_ad, FIELD_NONCE))}
                        for why, p in refused],
        },
        "title": {
            "channelId": CHANNEL_ID,
            "epoch": EPOCH,
            "title": TITLE,
            "adHex": title_ad.hex(),
            "nonce": b64(TITLE_NONCE),
            "plaintextHex": title_plaintext.hex(),
            "sealed": b64(sealed_under(title_plaintext, title_ad, TITLE_NONCE)),
        },
        "message": {
            "header": header,
            "content": MESSAGE_CONTENT,
            "ed25519": ed25519_pair(OPENER_ED25519_SEED),
            "nonce": b64(MESSAGE_NONCE),
            "plaintextHex": message_plaintext.hex(),
            "ciphertext": b64(message_ciphertext),
            "signingBytesHex": message_signed.hex(),
            "signature": b64(SigningKey(OPENER_ED25519_SEED).sign(message_signed).signature),
        },
    }


def ed25519_pair(seed: bytes) -> dict:
    pk, sk = crypto_sign_seed_keypair(seed)
    return {"publicKey": b64(pk), "privateKey": b64(sk)}


def x25519_pair(secret: bytes) -> dict:
    return {"publicKey": b64(crypto_scalarmult_base(secret)), "privateKey": b64(secret)}


def digits(n: int) -> str:
    return "%05d" % (n % 100000)


def safety_number(identity_public: bytes) -> str:
    digest = blake2b_256(VERSION + identity_public)
    groups = []
    for i in range(0, 30, 5):
        n = int.from_bytes(digest[i:i + 5], "big")
        groups += [digits(n >> 20), digits(n & (2 ** 20 - 1))]
    assert len(groups) == 12
    return " ".join(groups)


def device_code_groups(ed25519_public: bytes, x25519_public: bytes) -> list:
    digest = blake2b_256(VERSION + ed25519_public + x25519_public)
    return [digits(int.from_bytes(digest[i:i + 5], "big")) for i in range(0, 15, 5)]


def recovery_key_bytes(seed: bytes) -> bytes:
    return VERSION + seed + blake2b_256(VERSION + seed)[:2]


def recovery_key(seed: bytes) -> str:
    text = base64.b32encode(recovery_key_bytes(seed)).decode()
    assert len(text) == 56 and "=" not in text
    return " ".join(text[i:i + 4] for i in range(0, 56, 4))


def derive() -> dict:
    identity_pk, identity_sk = crypto_sign_seed_keypair(IDENTITY_SEED)
    device_x = x25519_pair(NEW_DEVICE_X25519_SECRET)
    device_ed = ed25519_pair(NEW_DEVICE_ED25519_SEED)

    # Identity keys and cross-signing.
    device_to_sign = {
        "userId": USER_ID,
        "deviceId": NEW_DEVICE_ID,
        "x25519PublicKey": device_x["publicKey"],
        "ed25519PublicKey": device_ed["publicKey"],
    }
    device_signed = b"strongroom-device:v2\n" + canonical(
        {"v": 2, "type": "device", "userId": USER_ID, "deviceId": NEW_DEVICE_ID,
         "x25519": device_x["publicKey"], "ed25519": device_ed["publicKey"]})
    device_signature = SigningKey(IDENTITY_SEED).sign(device_signed).signature
    code_groups = device_code_groups(unb64(device_ed["publicKey"]), unb64(device_x["publicKey"]))
    sealed_seed_plaintext = VERSION + uuid_bytes(NEW_DEVICE_ID) + IDENTITY_SEED
    assert len(sealed_seed_plaintext) == 49

    # Epochs.
    commitment_message = b"strongroom-epoch-commitment:v2\n" + uuid_bytes(CHANNEL_ID) + u32(EPOCH)
    commitment = blake2b_256(commitment_message, key=EPOCH_KEY)
    opener_x = x25519_pair(OPENER_X25519_SECRET)
    opener_ed = ed25519_pair(OPENER_ED25519_SEED)
    recipient_x = x25519_pair(RECIPIENT_X25519_SECRET)
    envelope_plaintext = (VERSION + uuid_bytes(CHANNEL_ID) + u32(EPOCH) + uuid_bytes(RECIPIENT_DEVICE_ID)
                          + uuid_bytes(OPENER_DEVICE_ID) + EPOCH_KEY)
    assert len(envelope_plaintext) == 85
    # nacl.bindings.crypto_box gives the libsodium "easy" layout: MAC (16) ‖ ciphertext.
    envelope = ENVELOPE_NONCE + crypto_box(envelope_plaintext, ENVELOPE_NONCE,
                                           crypto_scalarmult_base(RECIPIENT_X25519_SECRET), OPENER_X25519_SECRET)
    assert len(envelope) == 125
    announcement = {
        "channelId": CHANNEL_ID,
        "epoch": EPOCH,
        "openerDeviceId": OPENER_DEVICE_ID,
        "recipientDeviceIds": RECIPIENTS_UNSORTED,
        "withheldDeviceIds": WITHHELD_UNSORTED,
        "commitment": b64(commitment),
    }
    announcement_signed = b"strongroom-epoch:v2\n" + canonical(
        {"v": 2, "type": "epoch", "channelId": CHANNEL_ID, "epoch": EPOCH, "openerDeviceId": OPENER_DEVICE_ID,
         "recipients": sorted(RECIPIENTS_UNSORTED), "withheld": sorted(WITHHELD_UNSORTED),
         "commitment": b64(commitment)})
    announcement_signature = SigningKey(OPENER_ED25519_SEED).sign(announcement_signed).signature

    return {
        "identity": {
            "userId": USER_ID,
            "seed": b64(IDENTITY_SEED),
            "publicKey": b64(identity_pk),
            "privateKey": b64(identity_sk),
            "safetyNumber": safety_number(identity_pk),
            "recoveryKeyBytesHex": recovery_key_bytes(IDENTITY_SEED).hex(),
            "recoveryKey": recovery_key(IDENTITY_SEED),
        },
        "device": {
            "deviceId": NEW_DEVICE_ID,
            "x25519": device_x,
            "ed25519": device_ed,
            "deviceCodeGroups": code_groups,
            "deviceCode": "-".join(code_groups),
            "toSign": device_to_sign,
            "signatureBytesHex": device_signed.hex(),
            "signature": b64(device_signature),
            "sealedSeedPlaintextHex": sealed_seed_plaintext.hex(),
        },
        "epoch": {
            "channelId": CHANNEL_ID,
            "epoch": EPOCH,
            "key": b64(EPOCH_KEY),
            "commitmentMessageHex": commitment_message.hex(),
            "commitment": b64(commitment),
            "opener": {"deviceId": OPENER_DEVICE_ID, "x25519": opener_x, "ed25519": opener_ed},
            "recipient": {"deviceId": RECIPIENT_DEVICE_ID, "x25519": recipient_x},
            "envelopeNonce": b64(ENVELOPE_NONCE),
            "envelopePlaintextHex": envelope_plaintext.hex(),
            "envelope": b64(envelope),
            "announcement": announcement,
            "announcementBytesHex": announcement_signed.hex(),
            "announcementSignature": b64(announcement_signature),
        },
        "padding": padding_vectors(),
        "messageV2": message_header_v2(),
    }


# ── Signed minutes, layout v2 (docs/protocol.md, "Signed minutes") ─────────────────────────────────────
# A section of its own, added to the vectors by derive_all() below, so other sections merge beside it.

MINUTES_MEETING_ID = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
MINUTES_SIGNER_ED25519_SEED = bytes(range(0x05, 0x25))
MINUTES_VERSION = 12  # two digits: n is written in decimal
AMENDMENT_NUMBER = 3
# The sealed bytes are opaque to the signature layout: fixed bytes stand in for nonce ‖ ciphertext.
MINUTES_SEALED = bytes(range(0x30, 0x30 + 61))
AMENDMENT_SEALED = bytes(range(0x90, 0x90 + 47))
# Keys out of order, nesting, a quote, a tab, a newline, non-ASCII and a character outside the BMP:
# the canonical JSON must sort the keys at every level and write the strings as JSON.stringify does.
MINUTES_DOCUMENT = {
    "sections": [
        {"notes": "All introduced", "item": "welcome"},
        {"notes": "Attendance up to 92% \u2014 \u201cbetter\u201d\n\tWalking bus suggested \"soon\"", "item": "2"},
    ],
    "familyVoice": "Mornings are easier now \U0001F642 (caf\u00e9)",
}
AMENDMENT_DOCUMENT = {"text": "Check-ins are fortnightly", "reason": "Recorded wrongly"}


def minutes_text_hash(document) -> bytes:
    return blake2b_256(b"strongroom-minutes-text:v2\n" + canonical(document))


def minutes_signing_bytes(meeting_id: str, kind: str, n: int, text_hash: bytes, sealed: bytes) -> bytes:
    assert kind in ("final", "amendment") and len(text_hash) == 32
    return f"strongroom-minutes:v2\n{meeting_id}\n{kind}\n{n}\n".encode("utf-8") + text_hash + sealed


def derive_minutes() -> dict:
    signer = ed25519_pair(MINUTES_SIGNER_ED25519_SEED)

    def signed(kind: str, n: int, document, sealed: bytes) -> dict:
        text_hash = minutes_text_hash(document)
        message = minutes_signing_bytes(MINUTES_MEETING_ID, kind, n, text_hash, sealed)
        return {
            "kind": kind,
            "number": n,
            "document": document,
            "canonicalHex": canonical(document).hex(),
            "textHash": b64(text_hash),
            "sealed": b64(sealed),
            "signingBytesHex": message.hex(),
            "signature": b64(SigningKey(MINUTES_SIGNER_ED25519_SEED).sign(message).signature),
        }

    return {
        "meetingId": MINUTES_MEETING_ID,
        "signer": {"ed25519": signer},
        "final": signed("final", MINUTES_VERSION, MINUTES_DOCUMENT, MINUTES_SEALED),
        "amendment": signed("amendment", AMENDMENT_NUMBER, AMENDMENT_DOCUMENT, AMENDMENT_SEALED),
    }


def check_minutes(section: dict) -> list:
    """Failures in the stored minutes section beyond a byte comparison: each signature verifies here."""
    failures = []
    key = VerifyKey(unb64(section["signer"]["ed25519"]["publicKey"]))
    for name in ("final", "amendment"):
        v = section[name]
        try:
            key.verify(bytes.fromhex(v["signingBytesHex"]), unb64(v["signature"]))
        except Exception as e:  # nacl.exceptions.BadSignatureError
            failures.append(f"minutes.{name}.signature does not verify ({e})")
        if unb64(v["textHash"]) != blake2b_256(b"strongroom-minutes-text:v2\n" + bytes.fromhex(v["canonicalHex"])):
            failures.append(f"minutes.{name}.textHash is not the hash of its canonical document")
    return failures


# ── Signed plan versions, layout v1 (docs/protocol.md, "Signed plan versions") ──────────────────────────
# The text signed is the plan document with its review date and the members it covers (sorted, each once);
# the signed bytes name the family and the version.

PLAN_FAMILY_ID = "2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f"
PLAN_SIGNER_ED25519_SEED = bytes(range(0x45, 0x65))
PLAN_VERSION = 7
PLAN_SEALED = bytes(range(0x20, 0x20 + 83))
PLAN_DOCUMENT = {
    "objectives": [{"outcome": "95% attendance", "objective": "Sam at school every day \u2014 \u201cwalking bus\u201d",
                    "id": "AAECAwQFBgcICQoLDA0ODw"}],
    "familyVoice": "We want stability \U0001F3E0",
}
PLAN_REVIEW_ON = "2027-03-01"
# Given out of order and with a repeat: the text hash sorts them and keeps each once.
PLAN_COVERED_GIVEN = ["e2a1c3b4-0000-4000-8000-000000000002", "0b1c2d3e-0000-4000-8000-000000000001",
                      "e2a1c3b4-0000-4000-8000-000000000002"]


def plan_text(document, review_on: str, covered: list) -> dict:
    return {"coveredMemberIds": sorted(set(covered)), "document": document, "reviewOn": review_on}


def plan_signing_bytes(family_id: str, version: int, text_hash: bytes, sealed: bytes) -> bytes:
    assert len(text_hash) == 32
    return f"strongroom-plan:v1\n{family_id}\n{version}\n".encode("utf-8") + text_hash + sealed


def derive_plan() -> dict:
    text = plan_text(PLAN_DOCUMENT, PLAN_REVIEW_ON, PLAN_COVERED_GIVEN)
    text_hash = blake2b_256(b"strongroom-plan-text:v1\n" + canonical(text))
    message = plan_signing_bytes(PLAN_FAMILY_ID, PLAN_VERSION, text_hash, PLAN_SEALED)
    return {
        "familyId": PLAN_FAMILY_ID,
        "signer": {"ed25519": ed25519_pair(PLAN_SIGNER_ED25519_SEED)},
        "version": PLAN_VERSION,
        "document": PLAN_DOCUMENT,
        "reviewOn": PLAN_REVIEW_ON,
        "coveredMemberIds": PLAN_COVERED_GIVEN,
        "canonicalHex": canonical(text).hex(),
        "textHash": b64(text_hash),
        "sealed": b64(PLAN_SEALED),
        "signingBytesHex": message.hex(),
        "signature": b64(SigningKey(PLAN_SIGNER_ED25519_SEED).sign(message).signature),
    }


def check_plan(section: dict) -> list:
    """The stored plan signature verifies here, over a text hash of its canonical text."""
    failures = []
    try:
        VerifyKey(unb64(section["signer"]["ed25519"]["publicKey"])).verify(
            bytes.fromhex(section["signingBytesHex"]), unb64(section["signature"]))
    except Exception as e:  # nacl.exceptions.BadSignatureError, KeyError
        failures.append(f"plan.signature does not verify ({e})")
    if unb64(section["textHash"]) != blake2b_256(b"strongroom-plan-text:v1\n" + bytes.fromhex(section["canonicalHex"])):
        failures.append("plan.textHash is not the hash of its canonical text")
    return failures


# ── Signed exports (docs/protocol.md, "Signed exports"; docs/export-format.md, version 3) ─────────────
# A whole-family plan export made by the device of the "identity" section (USER_ID), which also saved the
# plan version: the plan's proof, the device with its owner's identity signature, and the export signature.

def derive_export() -> dict:
    identity_pk, _ = crypto_sign_seed_keypair(IDENTITY_SEED)
    device_x = x25519_pair(NEW_DEVICE_X25519_SECRET)
    device_ed = ed25519_pair(NEW_DEVICE_ED25519_SEED)
    device_signed = b"strongroom-device:v2\n" + canonical(
        {"v": 2, "type": "device", "userId": USER_ID, "deviceId": NEW_DEVICE_ID,
         "x25519": device_x["publicKey"], "ed25519": device_ed["publicKey"]})
    covered = sorted(set(PLAN_COVERED_GIVEN))
    text_hash = blake2b_256(b"strongroom-plan-text:v1\n" + canonical(plan_text(PLAN_DOCUMENT, PLAN_REVIEW_ON, covered)))
    plan_signature = SigningKey(NEW_DEVICE_ED25519_SEED).sign(
        plan_signing_bytes(PLAN_FAMILY_ID, PLAN_VERSION, text_hash, PLAN_SEALED)).signature
    person = {"userId": USER_ID, "displayName": "Zoë Lead", "agencyName": "Council"}
    unsigned = {
        "format": "strongroom-record-export",
        "version": 3,
        "kind": "family-plan",
        "exportId": "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a",
        "exportedAt": "2026-11-25T10:00:00.000Z",
        "source": "https://strongroom.example",
        "exportedBy": dict(person, agencyId="8e7d6c5b-4a39-4281-9706-f5e4d3c2b1a0", deviceId=NEW_DEVICE_ID,
                           publicKey=device_ed["publicKey"]),
        "signers": [{"userId": USER_ID, "deviceId": NEW_DEVICE_ID, "x25519PublicKey": device_x["publicKey"],
                     "ed25519PublicKey": device_ed["publicKey"], "identityPublicKey": b64(identity_pk),
                     "identitySignature": b64(SigningKey(IDENTITY_SEED).sign(device_signed).signature)}],
        "record": {
            "family": {"id": PLAN_FAMILY_ID, "ref": "EH-2026-0042", "channelId": CHANNEL_ID, "leadWorker": person},
            "members": [{"memberId": m, "memberRef": f"EH-2026-0042-M{i + 1}", "role": "child", "covered": True}
                        for i, m in enumerate(covered)],
            "plan": {"version": PLAN_VERSION, "reviewOn": PLAN_REVIEW_ON, "reviewOverdue": False,
                     "savedAt": "2026-11-24T09:30:00.000Z", "author": person, "document": PLAN_DOCUMENT,
                     "coveredMemberIds": covered,
                     "proof": {"deviceId": NEW_DEVICE_ID, "publicKey": device_ed["publicKey"],
                               "textHash": b64(text_hash), "ciphertext": b64(PLAN_SEALED),
                               "signature": b64(plan_signature)}},
            "progress": [],
            "actions": [],
        },
    }
    signed = b"strongroom-export:v1\n" + canonical(unsigned)
    return {
        "document": dict(unsigned, signature={"algorithm": "ed25519",
                                              "value": b64(SigningKey(NEW_DEVICE_ED25519_SEED).sign(signed).signature)}),
        "signingBytesHex": signed.hex(),
    }


def check_export(section: dict) -> list:
    """The stored export's own signature, and the plan author's inside it, verify here."""
    failures = []
    try:
        doc = section["document"]
        VerifyKey(unb64(doc["exportedBy"]["publicKey"])).verify(bytes.fromhex(section["signingBytesHex"]),
                                                                 unb64(doc["signature"]["value"]))
        proof = doc["record"]["plan"]["proof"]
        VerifyKey(unb64(proof["publicKey"])).verify(
            plan_signing_bytes(doc["record"]["family"]["id"], doc["record"]["plan"]["version"],
                               unb64(proof["textHash"]), unb64(proof["ciphertext"])), unb64(proof["signature"]))
    except Exception as e:  # nacl.exceptions.BadSignatureError, KeyError
        failures.append(f"export does not verify ({e})")
    return failures


def derive_all() -> dict:
    vectors = derive()
    vectors["minutes"] = derive_minutes()
    vectors["plan"] = derive_plan()
    vectors["export"] = derive_export()
    return vectors


# ── Message header v2 (docs/protocol.md, "Messages"): signed order ──────────────────────────────────
# Three consecutive messages of one device in a channel, the third naming a message it had seen. The signed bytes do not look inside the
# ciphertext, so any fixed bytes stand for it here (the body format is specified separately).
MSG_SENDER_DEVICE_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
MSG_SENDER_ED25519_SEED = bytes(range(0x30, 0x50))
MSG_OTHER_DEVICE_ID = "5e4f3a2b-1c0d-4e9f-8a7b-6c5d4e3f2a1b"
MSG_CLIENT_IDS = ["11111111-2222-4333-8444-555555555555", "66666666-7777-4888-9999-aaaaaaaaaaaa",
                  "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff", "12121212-3434-4565-8787-909090909090"]
MSG_SENT_AT = ["2026-03-04T05:06:07.089Z", "2026-03-04T05:07:08.901Z", "2026-03-04T05:07:30.000Z",
               "2026-03-04T05:08:00.500Z"]
MSG_NONCE = bytes(range(0x50, 0x68))
MSG_CIPHERTEXT = bytes(range(0x70, 0x90))


def message_chain_link(header: dict) -> bytes:
    return blake2b_256(b"strongroom-msg-chain:v2\n" + canonical(header))


def message_header_v2() -> dict:
    first = {"v": 2, "channelId": CHANNEL_ID, "epoch": EPOCH, "senderDeviceId": MSG_SENDER_DEVICE_ID,
             "clientMessageId": MSG_CLIENT_IDS[0], "n": 1, "prev": None, "sentAt": MSG_SENT_AT[0]}
    second = dict(first, clientMessageId=MSG_CLIENT_IDS[1], n=2, prev=b64(message_chain_link(first)),
                  sentAt=MSG_SENT_AT[1])
    header = canonical(second)
    signed = b"strongroom-msg:v2\n" + u32(len(header)) + header + MSG_NONCE + MSG_CIPHERTEXT
    # Another device's message at seq 41, which the sender had seen when it wrote its third: the third
    # header names it as `seen` (a member present only when the sender had seen one).
    answered = dict(first, senderDeviceId=MSG_OTHER_DEVICE_ID, clientMessageId=MSG_CLIENT_IDS[2], n=7,
                    prev=b64(bytes([0x11]) * 32), sentAt=MSG_SENT_AT[2])
    third = dict(second, clientMessageId=MSG_CLIENT_IDS[3], n=3, prev=b64(message_chain_link(second)),
                 sentAt=MSG_SENT_AT[3], seen={"seq": 41, "link": b64(message_chain_link(answered))})
    third_bytes = canonical(third)
    third_signed = b"strongroom-msg:v2\n" + u32(len(third_bytes)) + third_bytes + MSG_NONCE + MSG_CIPHERTEXT
    return {
        "sender": {"deviceId": MSG_SENDER_DEVICE_ID, "ed25519": ed25519_pair(MSG_SENDER_ED25519_SEED)},
        "first": {"header": first, "headerBytesHex": canonical(first).hex(),
                  "link": b64(message_chain_link(first))},
        "second": {"header": second, "headerBytesHex": header.hex(), "link": b64(message_chain_link(second))},
        "nonce": b64(MSG_NONCE),
        "ciphertext": b64(MSG_CIPHERTEXT),
        "signingBytesHex": signed.hex(),
        "signature": b64(SigningKey(MSG_SENDER_ED25519_SEED).sign(signed).signature),
        "answered": {"header": answered, "link": b64(message_chain_link(answered))},
        "third": {"header": third, "headerBytesHex": third_bytes.hex(), "link": b64(message_chain_link(third)),
                  "signingBytesHex": third_signed.hex(),
                  "signature": b64(SigningKey(MSG_SENDER_ED25519_SEED).sign(third_signed).signature)},
    }


def check_message_header_v2(stored: dict) -> list:
    """The file's own signatures over the second and third headers verify with the sender's key."""
    failures = []
    for name, where in (("signature", stored), ("third.signature", stored.get("third", {}))):
        try:
            VerifyKey(unb64(stored["sender"]["ed25519"]["publicKey"])).verify(
                bytes.fromhex(where["signingBytesHex"]), unb64(where["signature"]))
        except Exception as e:  # nacl.exceptions.BadSignatureError, KeyError
            failures.append(f"messageV2.{name} does not verify ({e})")
    return failures


def differences(stored, computed, where="") -> list:
    """Paths at which two JSON values differ, e.g. ["epoch.envelope"]."""
    if isinstance(stored, dict) and isinstance(computed, dict):
        out = []
        for k in sorted(set(stored) | set(computed)):
            path = f"{where}.{k}" if where else k
            if k not in stored or k not in computed:
                out.append(path + (" (missing from the file)" if k not in stored else " (not expected)"))
            else:
                out += differences(stored[k], computed[k], path)
        return out
    return [] if stored == computed and type(stored) is type(computed) else [where or "(top level)"]


def check(path: str) -> int:
    vectors = derive_all()
    try:
        with open(path, encoding="utf-8") as f:
            stored = json.load(f)
    except (OSError, ValueError) as e:
        print(f"protocol v2 vectors: cannot read {path}: {e}", file=sys.stderr)
        return 1
    try:
        sealed_seed = stored["device"].pop("sealedSeed")
    except (KeyError, AttributeError):
        print(f"{path}: no device.sealedSeed", file=sys.stderr)
        return 1
    bad = differences(stored, vectors)
    if bad:
        print(f"protocol v2 vectors in {path} differ from the independent implementation at: {', '.join(bad)}",
              file=sys.stderr)
        return 1
    failures = []
    # The sealed seed is randomised: it must open, on the new device, to exactly the specified plaintext.
    device = vectors["device"]
    try:
        opened = crypto_box_seal_open(unb64(sealed_seed), unb64(device["x25519"]["publicKey"]),
                                      unb64(device["x25519"]["privateKey"]))
        if opened.hex() != device["sealedSeedPlaintextHex"]:
            failures.append("device.sealedSeed opens, but not to 0x02 ‖ device id ‖ seed")
    except Exception as e:  # nacl.exceptions.CryptoError
        failures.append(f"device.sealedSeed does not open with the device's X25519 key ({e})")
    # Signatures verify and the envelope opens here too (from the file's values, not just recomputed ones).
    identity, epoch = vectors["identity"], vectors["epoch"]
    try:
        VerifyKey(unb64(identity["publicKey"])).verify(bytes.fromhex(device["signatureBytesHex"]),
                                                        unb64(device["signature"]))
        VerifyKey(unb64(epoch["opener"]["ed25519"]["publicKey"])).verify(
            bytes.fromhex(epoch["announcementBytesHex"]), unb64(epoch["announcementSignature"]))
    except Exception as e:  # nacl.exceptions.BadSignatureError
        failures.append(f"a signature does not verify ({e})")
    envelope = unb64(epoch["envelope"])
    try:
        opened = crypto_box_open(envelope[24:], envelope[:24], unb64(epoch["opener"]["x25519"]["publicKey"]),
                                 unb64(epoch["recipient"]["x25519"]["privateKey"]))
        if opened.hex() != epoch["envelopePlaintextHex"] or opened[-32:] != unb64(epoch["key"]):
            failures.append("epoch.envelope opens, but not to the specified plaintext")
    except Exception as e:  # nacl.exceptions.CryptoError
        failures.append(f"epoch.envelope does not open from the opener to the recipient ({e})")
    # Each padded body opens here and unpads, by the text of docs/protocol.md, to what was sealed.
    padding = vectors["padding"]
    message = padding["message"]
    for name, ad_hex, sealed, want in [
        ("padding.field", padding["field"]["adHex"], unb64(padding["field"]["sealed"]), json_text(FIELD_VALUE)),
        ("padding.title", padding["title"]["adHex"], unb64(padding["title"]["sealed"]), TITLE.encode("utf-8")),
        ("padding.message", canonical(message["header"]).hex(), unb64(message["nonce"]) + unb64(message["ciphertext"]),
         json_text(MESSAGE_CONTENT)),
    ]:
        try:
            opened = crypto_aead_xchacha20poly1305_ietf_decrypt(sealed[24:], bytes.fromhex(ad_hex), sealed[:24],
                                                                EPOCH_KEY)
            if unpad(opened) != want:
                failures.append(f"{name} opens, but does not unpad to what was sealed")
        except Exception as e:  # nacl.exceptions.CryptoError
            failures.append(f"{name} does not open under the epoch key ({e})")
    for case in padding["field"]["refused"]:
        if unpad(bytes.fromhex(case["plaintextHex"])) is not None:
            failures.append(f"padding.field.refused ({case['why']}) unpads here")
    try:
        VerifyKey(unb64(message["ed25519"]["publicKey"])).verify(bytes.fromhex(message["signingBytesHex"]),
                                                                 unb64(message["signature"]))
    except Exception as e:  # nacl.exceptions.BadSignatureError
        failures.append(f"padding.message.signature does not verify ({e})")
    if base64.b32decode(identity["recoveryKey"].replace(" ", ""))[1:33] != unb64(identity["seed"]):
        failures.append("identity.recoveryKey does not carry the seed")
    failures += check_minutes(vectors["minutes"])
    failures += check_plan(stored.get("plan", {}))
    failures += check_export(stored.get("export", {}))
    failures += check_message_header_v2(stored.get("messageV2", {}))
    if failures:
        for failure in failures:
            print(f"protocol v2 vectors: {failure}", file=sys.stderr)
        return 1
    print("protocol v2 vectors: 1 passed, 0 failed")
    return 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        return check(sys.argv[2])
    if len(sys.argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    vectors = derive_all()
    device = vectors["device"]
    device["sealedSeed"] = b64(crypto_box_seal(bytes.fromhex(device["sealedSeedPlaintextHex"]),
                                               unb64(device["x25519"]["publicKey"])))
    json.dump(vectors, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
