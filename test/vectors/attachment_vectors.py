#!/usr/bin/python3
"""Known-answer vectors for Strongroom's encrypted files (attachments), version 1.

Built with PyNaCl from the text of docs/protocol.md ("Attachments"), independently of the TypeScript SDK
(client/sdk/crypto/attachment.ts: attachmentChunkAd, AttachmentDecryptor), which
client/sdk/crypto/attachment.spec.ts checks against the file this writes.

libsodium's secretstream draws its header at random, so a vector cannot be recomputed byte for byte.
Writing makes a fresh one; --check recomputes everything that is determined (additional data, padding,
each chunk's length and tag), opens the stored chunks with PyNaCl and compares what comes out, and checks
that a reordered, moved or cut-short file does not open.

  /usr/bin/python3 test/vectors/attachment_vectors.py > test/vectors/attachment-v1.json          # write
  /usr/bin/python3 test/vectors/attachment_vectors.py --check test/vectors/attachment-v1.json    # CI
"""
import base64
import json
import sys

from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_pull,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
)


def b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


VERSION = 1
ATTACHMENT_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"
KEY = bytes(range(100, 132))
CHUNK_SIZE = 1024
# Two whole chunks and 300 bytes: the last chunk is padded to 512 ("Padding": 64, 128, 256, 512, 1024…).
SIZE = 2 * CHUNK_SIZE + 300
PLAINTEXT = bytes((i * 7 + 3) % 256 for i in range(SIZE))


def ad(attachment_id: str, index: int) -> bytes:
    return f"strongroom-file:v1\n{attachment_id}\n{index}".encode("utf-8")


def padded(remaining: int, chunk_size: int) -> int:
    for bucket in (64, 128, 256, 512, 1024):
        if remaining <= bucket:
            return min(chunk_size, bucket)
    return min(chunk_size, -(-remaining // 1024) * 1024)


def chunk_plaintexts(plaintext: bytes, chunk_size: int) -> list:
    count = max(1, -(-len(plaintext) // chunk_size))
    out = []
    for i in range(count):
        part = plaintext[i * chunk_size : (i + 1) * chunk_size]
        if i == count - 1:
            part = part + bytes(padded(len(part), chunk_size) - len(part))
        out.append(part)
    return out


def determined():
    parts = chunk_plaintexts(PLAINTEXT, CHUNK_SIZE)
    return {
        "version": VERSION,
        "attachmentId": ATTACHMENT_ID,
        "chunkSize": CHUNK_SIZE,
        "size": SIZE,
        "key": b64(KEY),
        "plaintext": b64(PLAINTEXT),
        "adHex": [ad(ATTACHMENT_ID, i).hex() for i in range(len(parts))],
        "storedLengths": [1 + len(p) + 17 for p in parts],
    }


def encrypt():
    state = crypto_secretstream_xchacha20poly1305_state()
    header = crypto_secretstream_xchacha20poly1305_init_push(state, KEY)
    parts = chunk_plaintexts(PLAINTEXT, CHUNK_SIZE)
    chunks = []
    for i, part in enumerate(parts):
        tag = (
            crypto_secretstream_xchacha20poly1305_TAG_FINAL
            if i == len(parts) - 1
            else crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
        )
        sealed = crypto_secretstream_xchacha20poly1305_push(state, part, ad(ATTACHMENT_ID, i), tag)
        chunks.append(b64(bytes([VERSION]) + sealed))
    return {**determined(), "header": b64(header), "chunks": chunks}


def open_chunks(header: bytes, chunks: list, attachment_id: str = ATTACHMENT_ID) -> bytes:
    """Opens a whole file as a reader must: in order, each bound to its index, final exactly at the end."""
    state = crypto_secretstream_xchacha20poly1305_state()
    crypto_secretstream_xchacha20poly1305_init_pull(state, header, KEY)
    out = b""
    for i, c in enumerate(chunks):
        if c[0] != VERSION:
            raise ValueError("unknown version")
        part, tag = crypto_secretstream_xchacha20poly1305_pull(state, c[1:], ad(attachment_id, i))
        final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL
        if final != (i == len(chunks) - 1):
            raise ValueError("final tag out of place")
        out += part
    if len(chunks) == 0:
        raise ValueError("no chunks")
    return out


def refuses(fn) -> bool:
    try:
        fn()
    except Exception:
        return True
    return False


def check(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        stored = json.load(f)
    expected = determined()
    bad = sorted(k for k in expected if stored.get(k) != expected[k])
    if bad:
        print(f"attachment vectors differ from the independent implementation: {bad}", file=sys.stderr)
        return 1
    header = unb64(stored["header"])
    chunks = [unb64(c) for c in stored["chunks"]]
    if [len(c) for c in chunks] != expected["storedLengths"]:
        print("attachment vectors: stored chunk lengths differ", file=sys.stderr)
        return 1
    opened = open_chunks(header, chunks)
    padded_plain = b"".join(chunk_plaintexts(PLAINTEXT, CHUNK_SIZE))
    if opened != padded_plain:
        print("attachment vectors: the chunks do not open to the plaintext", file=sys.stderr)
        return 1
    failures = [
        name
        for name, attempt in [
            ("reordered", lambda: open_chunks(header, [chunks[1], chunks[0], chunks[2]])),
            ("another file's id", lambda: open_chunks(header, chunks, "00000000-0000-4000-8000-000000000000")),
            ("cut short", lambda: open_chunks(header, chunks[:2])),
            ("a byte flipped", lambda: open_chunks(header, chunks[:1] + [chunks[1][:-1] + bytes([chunks[1][-1] ^ 1])] + chunks[2:])),
        ]
        if not refuses(attempt)
    ]
    if failures:
        print(f"attachment vectors: a damaged file opened: {failures}", file=sys.stderr)
        return 1
    print("attachment vectors: 1 passed, 0 failed")
    return 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        return check(sys.argv[2])
    json.dump(encrypt(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
