"""`anansi-windows-v1`: how a retrieved document is cut into the windows the indirect-injection
model scores. The TypeScript runtime (src/injection/windows.ts) re-implements this exactly; the
parity fixture is fixtures/window-parity.json. Offsets here are code points (TypeScript reports
UTF-16 offsets of the same windows).

1. Lines: the text is cut at every line break (LF, CR, CRLF, VT, FF, NEL, LS, PS). Tables and code
   are one record or statement per line, so a planted instruction usually sits on its own line.
2. Sentences: within a line, a segment ends after `.`, `!` or `?` (plus any closing quotes or
   brackets) when whitespace follows, and right after the full-width terminators `。！？`. A line
   with two or more `|` is a table row and stays whole ("| A.D. 1961 | ..." is one record).
3. Segments longer than MAX_WINDOW code points are cut at the last whitespace in their second
   half, else hard at MAX_WINDOW (minified text, base64 blobs).
4. Each piece is trimmed of White_Space; pieces without a letter or digit are dropped.
5. A piece of fewer than MIN_WORDS words (`[\p{L}\p{N}_]+` runs) is joined with the pieces after it
   until the window has MIN_WORDS words; short pieces left at the end join the last window. Headings
   and sign-offs ("Ingredients:", "Hi David") then carry their context instead of scoring alone.
   A joined window spans from its first piece's start to its last piece's end (line breaks included)
   and never exceeds MAX_WINDOW code points: a join that would is not made (the short piece stays alone).
"""

from __future__ import annotations

import regex

NAME = "anansi-windows-v1"
MAX_WINDOW = 400
MIN_WORDS = 3

LINE_BREAKS = frozenset("\n\r\u000b\u000c\u0085\u2028\u2029")
WHITESPACE = frozenset("\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
TERMINATORS = frozenset(".!?")
WIDE_TERMINATORS = frozenset("\u3002\uff01\uff1f")
CLOSERS = frozenset("\"')]}\u00bb\u2019\u201d")
HAS_WORD = regex.compile(r"[\p{L}\p{N}]")


def _lines(text: str):
    i, n = 0, len(text)
    start = 0
    while i < n:
        c = text[i]
        if c in LINE_BREAKS:
            yield start, i
            i += 2 if c == "\r" and i + 1 < n and text[i + 1] == "\n" else 1
            start = i
        else:
            i += 1
    yield start, n


def _sentences(text: str, start: int, end: int):
    s = start
    i = start
    while i < end:
        c = text[i]
        if c in TERMINATORS or c in WIDE_TERMINATORS:
            j = i + 1
            while j < end and (text[j] in TERMINATORS or text[j] in WIDE_TERMINATORS or text[j] in CLOSERS):
                j += 1
            if c in WIDE_TERMINATORS or j == end or text[j] in WHITESPACE:
                yield s, j
                s = j
            i = j
        else:
            i += 1
    yield s, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in WHITESPACE:
        start += 1
    while end > start and text[end - 1] in WHITESPACE:
        end -= 1
    return start, end


def _cut_long(text: str, start: int, end: int):
    while end - start > MAX_WINDOW:
        limit = start + MAX_WINDOW
        cut = limit
        k = limit
        while k > start + MAX_WINDOW // 2:
            if text[k] in WHITESPACE:
                cut = k
                break
            k -= 1
        yield start, cut
        start, _ = _trim(text, cut, end)
    yield start, end


WORD = regex.compile(r"[\p{L}\p{N}_]+")


def _merge_short(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pending: int | None = None
    pending_end = 0
    for s, e in pieces:
        if pending is not None and e - pending > MAX_WINDOW:
            out.append((pending, pending_end))  # joining would make it too long: it stands alone
            pending = None
        start = s if pending is None else pending
        if len(WORD.findall(text, start, e)) < MIN_WORDS:
            pending, pending_end = start, e
            continue
        out.append((start, e))
        pending = None
    if pending is not None:
        if out and pending_end - out[-1][0] <= MAX_WINDOW:
            out[-1] = (out[-1][0], pending_end)
        else:
            out.append((pending, pending_end))
    return out


def split_windows(text: str) -> list[tuple[int, int]]:
    """Windows of a document as (start, end) code-point offsets, in document order."""
    return _merge_short(text, _pieces(text))


def _pieces(text: str) -> list[tuple[int, int]]:
    out = []
    for ls, le in _lines(text):
        rows = text.count("|", ls, le) >= 2
        for ss, se in [(ls, le)] if rows else _sentences(text, ls, le):
            ts, te = _trim(text, ss, se)
            if ts >= te:
                continue
            for ws, we in _cut_long(text, ts, te):
                ws, we = _trim(text, ws, we)
                if ws < we and HAS_WORD.search(text, ws, we):
                    out.append((ws, we))
    return out


def window_texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_windows(text)]
