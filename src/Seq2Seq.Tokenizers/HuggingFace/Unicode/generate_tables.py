#!/usr/bin/python3
"""Writes UnicodeTables.bin, the data behind the NFC/NFD/NFKC/NFKD normalizers, from Python's unicodedata.

The runtime is built with InvariantGlobalization, where string.Normalize does nothing for non-ASCII text, so
the library carries its own tables. Regenerate (from the repository root) with:

    /usr/bin/python3 src/Seq2Seq.Tokenizers/HuggingFace/Unicode/generate_tables.py

Format, all integers little-endian uint32:
  version string length, UTF-8 unicodedata version
  n, then n x (code point, combining class)                 non-zero combining classes
  n, then n x (code point, length, code points...)          full canonical decompositions (NFD of one char)
  n, then n x (code point, length, code points...)          full compatibility decompositions where they differ
  n, then n x (first, second, composite)                    primary composites (canonical pairs NFC recomposes)
Hangul syllables are left out: they are handled by arithmetic.
"""

import os
import struct
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def is_hangul_syllable(cp):
    return 0xAC00 <= cp <= 0xD7A3


def main():
    ccc, canonical, compat, pairs = [], [], [], []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if unicodedata.combining(c):
            ccc.append((cp, unicodedata.combining(c)))
        if is_hangul_syllable(cp):
            continue
        nfd = unicodedata.normalize("NFD", c)
        nfkd = unicodedata.normalize("NFKD", c)
        if nfd != c:
            canonical.append((cp, [ord(x) for x in nfd]))
        if nfkd != nfd:
            compat.append((cp, [ord(x) for x in nfkd]))
        mapping = unicodedata.decomposition(c)
        if mapping and not mapping.startswith("<"):
            parts = [int(x, 16) for x in mapping.split()]
            if len(parts) == 2 and unicodedata.normalize("NFC", chr(parts[0]) + chr(parts[1])) == c:
                pairs.append((parts[0], parts[1], cp))

    out = bytearray()
    version = unicodedata.unidata_version.encode()
    out += struct.pack("<I", len(version)) + version
    out += struct.pack("<I", len(ccc))
    for cp, cls in ccc:
        out += struct.pack("<II", cp, cls)
    for table in (canonical, compat):
        out += struct.pack("<I", len(table))
        for cp, seq in table:
            out += struct.pack("<II", cp, len(seq)) + b"".join(struct.pack("<I", x) for x in seq)
    out += struct.pack("<I", len(pairs))
    for a, b, c in pairs:
        out += struct.pack("<III", a, b, c)
    with open(os.path.join(HERE, "UnicodeTables.bin"), "wb") as f:
        f.write(out)
    print(f"unicode {unicodedata.unidata_version}: {len(ccc)} classes, {len(canonical)} canonical, "
          f"{len(compat)} compatibility, {len(pairs)} compositions, {len(out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
