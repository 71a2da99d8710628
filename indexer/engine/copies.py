"""Copies of one article (refetched, under another URL, a teaser page, an
AMP or print copy), found so that search shows the article once.

The index build stores a :func:`fingerprint` per document and asks
:func:`find_copies` which documents to hide behind which primary. The
fingerprint (``FINGERPRINT_LAYOUT``, versioned) holds a MinHash of the body's
shingles, their number, and a hash of the normalized title. A shingle is a
run of 3 words: single words would make two stories on one topic alike,
longer runs make each edited word cost more (it breaks every shingle it is
in). With 3, five words changed in 300 leave a Jaccard similarity near 0.9,
and unrelated texts share almost no shingle.

Two documents in one language are copies when:

- their bodies are near-identical, estimated Jaccard >= ``NEAR_IDENTICAL``.
  Unless their titles are equal, both bodies must have ``MIN_UNTITLED_WORDS``
  words: a paywall notice or "watch the video" stub is the same text under
  hundreds of different articles;
- or their titles are equal (of ``MIN_TITLE_WORDS`` words or more, so that
  "Photo" never decides) and the shorter body lies in the longer, estimated
  containment >= ``CONTAINED``: the teaser. Containment |A∩B|/|A| of the
  smaller set A is J·(|A|+|B|)/((1+J)·|A|). It is noisy when A is under a
  tenth of B (few of the 64 values can match), so such teasers are sometimes
  missed; 0.7 rather than lower keeps a recurring title over a templated
  body ("Exchange rates for Monday") from merging different days.

Copies group transitively, and a group shows its primary: the full text over
a teaser (shorter than the longest by more than ``LENGTH_TOLERANCE``), then a
canonical URL over an AMP or print one, then the shorter URL, then the lower
docnum. Candidates come from ``MinHashLSH`` with 16 bands of 4 values: a pair
at estimated Jaccard >= 0.8 differs in at most 12 of the 64 values, so it
shares 4 bands whole; the LSH loses nothing the estimate would keep.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import re
import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import numpy as np

from ..errors import IndexFormatError
from ..text.analysis import WORD_PATTERN, fold_yo

NUM_PERM = 64
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"  # 32-bit values; the scheme is part of the format
SHINGLE_WORDS = 3
MIN_BODY_WORDS = 8  # shorter bodies are not sketched and never match as bodies
MIN_TITLE_WORDS = 3
MIN_UNTITLED_WORDS = 40
NEAR_IDENTICAL = 0.8
CONTAINED = 0.7
LENGTH_TOLERANCE = 0.1
LSH_BANDS, LSH_ROWS = 16, 4

FINGERPRINT_VERSION = 1
FINGERPRINT_LAYOUT = np.dtype([
    ("version", "u1"),
    ("title_words", "u1"),  # capped at 255
    ("reserved", "<u2"),
    ("shingles", "<u4"),  # distinct shingles sketched; 0: body too short
    ("title_hash", "<u8"),  # blake2b of the normalized title
    ("sketch", "<u4", (NUM_PERM,)),  # MinHash values; zeros when not sketched
])
FINGERPRINT_BYTES = FINGERPRINT_LAYOUT.itemsize



@functools.cache
def _minhash():
    """datasketch's MinHash and MinHashLSH, and the permutations drawn once (MinHash
    would draw them from its seed on every construction). Imported on first use:
    datasketch loads scipy, 0.7 s that every kartoteka command paid."""
    from datasketch import MinHash, MinHashLSH

    permutations = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED,
                           scheme=MINHASH_SCHEME).permutations
    return MinHash, MinHashLSH, permutations
WORD = re.compile(WORD_PATTERN)
AMP_OR_PRINT_PATH = re.compile(r"/(?:amp|print)(?:/|$)|\.amp(?:[./]|$)")
AMP_OR_PRINT_QUERY = {"amp": {"", "1", "true"}, "outputtype": {"amp"}, "print": {"", "1", "true", "yes"}}


@dataclass(frozen=True)
class Copy:
    """What find_copies needs to know of one document."""

    docnum: int
    fingerprint: bytes
    length: int  # words in the body
    url: str
    lang: str


def normalized_words(text: str) -> list[str]:
    """Lower-case words with ё folded, so punctuation and case never tell copies apart."""
    return WORD.findall(fold_yo(text.lower()))


def fingerprint(title: str, body: str) -> bytes:
    """The document's copy fingerprint: stable across runs, so the index can store it."""
    record = np.zeros((), dtype=FINGERPRINT_LAYOUT)
    record["version"] = FINGERPRINT_VERSION
    title_words = normalized_words(title)
    record["title_words"] = min(len(title_words), 255)
    title_digest = hashlib.blake2b(" ".join(title_words).encode(), digest_size=8).digest()
    record["title_hash"] = int.from_bytes(title_digest, "little")
    words = normalized_words(body)
    if len(words) >= MIN_BODY_WORDS:
        runs = zip(*(words[i:] for i in range(SHINGLE_WORDS)))
        shingles = {" ".join(run).encode() for run in runs}
        # crc32: stable, in C, and faster than blake2b here; datasketch mixes
        # it (MurmurHash3 finalizer) before permuting, so its linearity is harmless.
        minhash, _, permutations = _minhash()
        sketch = minhash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=zlib.crc32,
                         permutations=permutations, scheme=MINHASH_SCHEME)
        sketch.update_batch(shingles)
        record["shingles"] = len(shingles)
        record["sketch"] = sketch.hashvalues
    return record.tobytes()


def is_amp_or_print(url: str) -> bool:
    """Whether the URL is an AMP or print rendering, which should not be the hit shown."""
    try:
        parts = urlsplit(url.strip().lower())
    except ValueError:
        return False
    if (parts.hostname or "").startswith("amp.") or AMP_OR_PRINT_PATH.search(parts.path):
        return True
    return any(value in AMP_OR_PRINT_QUERY.get(key, ())
               for key, value in parse_qsl(parts.query, keep_blank_values=True))


def _read_fingerprints(docs: Sequence[Copy]) -> np.ndarray:
    for doc in docs:
        if len(doc.fingerprint) != FINGERPRINT_BYTES or doc.fingerprint[0] != FINGERPRINT_VERSION:
            raise IndexFormatError(
                f"document {doc.docnum}: its copy fingerprint is not of version {FINGERPRINT_VERSION} "
                f"({FINGERPRINT_BYTES} bytes), written by another kartoteka; rebuild the index")
    return np.frombuffer(b"".join(doc.fingerprint for doc in docs), dtype=FINGERPRINT_LAYOUT)


Pairs = tuple[np.ndarray, np.ndarray]


def _as_pairs(pairs: list[tuple[int, int]]) -> Pairs:
    both = np.array(pairs, dtype=np.intp).reshape(-1, 2)
    return both[:, 0], both[:, 1]


def _collapse_identical(rows: list[int], sketches: np.ndarray, langs: list[str]) -> tuple[list[int], Pairs]:
    """One row per identical sketch, and the pairs tying the others to it: identical
    bodies can come by the thousand (a feed refetched daily), too many to pair up."""
    kept: dict[tuple[str, bytes], int] = {}
    star: list[tuple[int, int]] = []
    for row in rows:
        first = kept.setdefault((langs[row], sketches[row].tobytes()), row)
        if first != row:
            star.append((first, row))
    return list(kept.values()), _as_pairs(star)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep the garbage collector from rescanning the LSH's sets (16 per
    document, in no cycle) again and again: it cost a third of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _similar_body_pairs(table: np.ndarray, langs: list[str], lengths: np.ndarray) -> Iterator[Pairs]:
    # Bodies too short to match without an equal title are left to
    # _same_title_pairs, which sees every pair with an equal title.
    sketches = table["sketch"]
    long_bodies = np.flatnonzero((table["shingles"] > 0) & (lengths >= MIN_UNTITLED_WORDS))
    rows, identical = _collapse_identical(long_bodies.tolist(), sketches, langs)
    yield identical
    minhash, minhash_lsh, permutations = _minhash()
    lsh = minhash_lsh(num_perm=NUM_PERM, params=(LSH_BANDS, LSH_ROWS))
    # One MinHash carries each row's values in turn: insert copies the bands
    # out at once, and building a MinHash per row costs a third of the time.
    carrier = minhash(num_perm=NUM_PERM, seed=MINHASH_SEED,
                      permutations=permutations, scheme=MINHASH_SCHEME)
    for row in rows:
        carrier.hashvalues = sketches[row]
        lsh.insert(row, carrier, check_duplication=False)
    # Reading the crowded buckets is cheaper than querying every row again.
    pairs: set[tuple[int, int]] = set()
    for band, counts in zip(lsh.hashtables, lsh.get_counts()):
        for bucket, count in counts.items():
            if count > 1:
                members = sorted(band.get(bucket))
                pairs.update(pair for pair in itertools.combinations(members, 2)
                             if langs[pair[0]] == langs[pair[1]])
    yield _as_pairs(list(pairs))


def _same_title_pairs(table: np.ndarray, langs: list[str]) -> Iterator[Pairs]:
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    titled = (table["title_words"] >= MIN_TITLE_WORDS) & (table["shingles"] > 0)
    for row, title_hash in zip(np.flatnonzero(titled).tolist(), table["title_hash"][titled].tolist()):
        groups[langs[row], title_hash].append(row)
    for group in groups.values():
        if len(group) > 1:
            rows, identical = _collapse_identical(group, table["sketch"], langs)
            yield identical
            # Row by row: a recurring title ("Weather for tomorrow") can gather
            # thousands of documents, too many pairs to judge at once.
            for at in range(len(rows) - 1):
                others = np.array(rows[at + 1:], dtype=np.intp)
                yield np.full(len(others), rows[at], dtype=np.intp), others


def _copy_pairs(table: np.ndarray, lengths: np.ndarray, first: np.ndarray,
                second: np.ndarray) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The candidate pairs that are copies, by the rules in the module docstring:
    ``(near_identical, contained)``, each contained pair as (teaser, container)."""
    sketches, shingles = table["sketch"], table["shingles"].astype(np.float64)
    jaccard = np.count_nonzero(sketches[first] == sketches[second], axis=1) / NUM_PERM
    same_title = ((table["title_hash"][first] == table["title_hash"][second])
                  & (table["title_words"][first] >= MIN_TITLE_WORDS))
    long_enough = np.minimum(lengths[first], lengths[second]) >= MIN_UNTITLED_WORDS
    near_identical = (jaccard >= NEAR_IDENTICAL) & (same_title | long_enough)
    smaller = np.minimum(shingles[first], shingles[second])
    larger = np.maximum(shingles[first], shingles[second])
    containment = jaccard * (smaller + larger) / ((1 + jaccard) * smaller)
    contained = ~near_identical & same_title & (containment >= CONTAINED)
    first_smaller = shingles[first] <= shingles[second]
    teasers = np.where(first_smaller, first, second)[contained]
    containers = np.where(first_smaller, second, first)[contained]
    return (list(zip(first[near_identical].tolist(), second[near_identical].tolist())),
            list(zip(teasers.tolist(), containers.tolist())))


class _Groups:
    """Rows tied by pairs, directly or through others (union-find)."""

    def __init__(self):
        self.parent: dict[int, int] = {}

    def root(self, row: int) -> int:
        parent = self.parent
        while parent.setdefault(row, row) != row:
            parent[row] = row = parent[parent[row]]
        return row

    def join(self, a: int, b: int) -> None:
        self.parent[self.root(a)] = self.root(b)

    def members(self) -> list[list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for row in list(self.parent):
            found[self.root(row)].append(row)
        return list(found.values())


def _primary(group: list[Copy]) -> Copy:
    longest = max(doc.length for doc in group)

    def rank(doc: Copy) -> tuple[bool, bool, int, int]:
        teaser = doc.length < longest * (1 - LENGTH_TOLERANCE)
        return teaser, is_amp_or_print(doc.url), len(doc.url), doc.docnum

    return min(group, key=rank)


def find_copies(docs: Sequence[Copy]) -> dict[int, int]:
    """Each hidden copy's docnum mapped to its group's primary docnum (primaries are not keys)."""
    if not docs:
        return {}
    table = _read_fingerprints(docs)
    langs = [doc.lang for doc in docs]
    lengths = np.array([doc.length for doc in docs], dtype=np.int64)
    groups = _Groups()
    teasers: dict[int, set[int]] = defaultdict(set)
    with _collector_paused():
        for candidates in (_similar_body_pairs(table, langs, lengths), _same_title_pairs(table, langs)):
            for first, second in candidates:
                near, contained = _copy_pairs(table, lengths, first, second)
                for a, b in near:
                    groups.join(a, b)
                for teaser, container in contained:
                    teasers[teaser].add(container)
    # A teaser joins the article it is the start of, but never ties together
    # different articles that begin alike under one title: held in several, it stays apart.
    for teaser, containers in teasers.items():
        roots = {groups.root(row) for row in containers}
        if len(roots) == 1:
            groups.join(teaser, roots.pop())
    hidden: dict[int, int] = {}
    for rows in groups.members():
        group = [docs[row] for row in rows]
        primary = _primary(group)
        hidden.update((doc.docnum, primary.docnum) for doc in group if doc is not primary)
    return hidden


def copies_by_primary(hidden: dict[int, int]) -> dict[int, list[int]]:
    """Each primary's hidden copies, sorted; the inverse of find_copies."""
    copies: dict[int, list[int]] = defaultdict(list)
    for copy, primary in hidden.items():
        copies[primary].append(copy)
    return {primary: sorted(copies[primary]) for primary in sorted(copies)}
