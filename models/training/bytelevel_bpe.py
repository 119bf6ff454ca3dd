"""A byte-level BPE vocabulary (GPT-2's and BART's kind) learned from text, for the tiny BART contract bundle.

Text is UTF-8 bytes, each byte written as one printable character (the published byte-to-character table: the
printable Latin-1 bytes stand for themselves, the others take code points from 256 up, in byte order), so every
string has a spelling and no token is unknown. Words are split before learning roughly as GPT-2's pattern splits
them (contractions, letters, digits and other characters, each run taking one space in front); the split only
decides which merges are learned, the tokenizer that reads the vocabulary applies its own. Learning merges the
most frequent adjacent pair, ties to the pair first seen, until the number of merges is reached."""
import collections
import re

WORD = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+| ?_+|\s+(?!\S)|\s+")


def byte_alphabet():
    """Byte value -> the character that spells it."""
    printable = [b for b in range(256) if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or 0xAE <= b <= 0xFF]
    others = [b for b in range(256) if b not in printable]
    table = {b: chr(b) for b in printable}
    table.update({b: chr(256 + i) for i, b in enumerate(others)})
    return table


def spell(text, alphabet):
    return "".join(alphabet[b] for b in text.encode("utf-8"))


def learn(lines, merges):
    """Returns the merges, as (left, right) pairs of spelled strings, most frequent first."""
    alphabet = byte_alphabet()
    counts = collections.Counter(spell(w, alphabet) for line in lines for w in WORD.findall(line))
    words = [(list(word), n) for word, n in counts.items()]
    learned = []
    while len(learned) < merges:
        pairs = collections.Counter()
        for symbols, n in words:
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += n
        if not pairs:
            break
        best = max(pairs.items(), key=lambda item: item[1])[0]
        learned.append(best)
        for symbols, _ in words:
            i = 0
            while i + 1 < len(symbols):
                if (symbols[i], symbols[i + 1]) == best:
                    symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
                i += 1
    return learned
