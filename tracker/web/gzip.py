"""A gzip body spliced from parts compressed apart: the big, shared parts of
a cached page are compressed once, and only the few bytes that differ per
reader (their form token, their name) are compressed for each response.

Each part is a run of raw deflate blocks that ends on a byte boundary and
refers to nothing before it (a fresh compressor, flushed with
Z_SYNC_FLUSH), so the runs can follow each other in any order; one empty
final block closes the stream. The gzip trailer's CRC-32 of the whole is
combined from the parts' CRCs (`crc32_combine`, as zlib's), so no response
reads the big parts again. Every decoder reads it as one ordinary gzip member.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

LEVEL = 6
# Past this size a part is compressed at level 1: a 30 MB page in 0.1 s, not
# 0.3 s, for a body a third larger (it is done once per data version).
BIG = 256 * 1024
# A gzip member's header: no name, no time, "unknown" operating system.
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_POLY = 0xEDB88320


def _multiply(a: int, b: int) -> int:
    """a times b modulo the CRC-32 polynomial (bit-reflected, as zlib)."""
    m, product = 1 << 31, 0
    while True:
        if a & m:
            product ^= b
            if a & (m - 1) == 0:
                return product
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _powers() -> list[int]:
    """x^(2^k) modulo the polynomial, for k = 0..31."""
    p, table = 1 << 30, []  # x^1
    for _ in range(32):
        table.append(p)
        p = _multiply(p, p)
    return table


_X2N = _powers()


def _x8n(n: int) -> int:
    """x^(8n) modulo the polynomial: the shift of n bytes."""
    p, k = 1 << 31, 3  # x^0; 8n = n * 2^3
    while n:
        if n & 1:
            p = _multiply(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return p


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from the CRC of A, the CRC of B and B's length."""
    return _multiply(_x8n(length2), crc1) ^ crc2


@dataclass(frozen=True, slots=True)
class Part:
    """Bytes, compressed on their own: raw deflate blocks, their CRC and length."""

    deflated: bytes
    crc: int
    size: int


def part(data: bytes) -> Part:
    compressor = zlib.compressobj(1 if len(data) > BIG else LEVEL, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return Part(deflated, zlib.crc32(data), len(data))


_END = zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # an empty final block


def splice(parts: Sequence[Part]) -> bytes:
    """One gzip member holding the parts' bytes, in order."""
    crc, size = 0, 0
    for p in parts:
        crc = crc32_combine(crc, p.crc, p.size)
        size += p.size
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return b"".join((HEADER, *(p.deflated for p in parts), _END, trailer))
