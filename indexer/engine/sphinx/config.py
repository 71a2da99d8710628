"""The trial cluster's layout: ``searchd`` configurations and ``cluster.json``.

``kartoteka cluster init`` writes, under one folder, a configuration per shard
(``shard-N/sphinx.conf``: two real-time indexes, ``articles_a`` and
``articles_b``) and one for the front (``front/sphinx.conf``: distributed
indexes ``dist_a`` and ``dist_b`` whose agents are the shards' tables of that
set), every listener a SphinxQL (``mysql41``) one on loopback, every
pid, log and binlog file inside the folder. ``cluster.json`` says where each
``searchd`` listens: the engine reads it to connect.

Two table sets make a full build atomic for searchers: the build fills the
set that is not live, then its ``build.json`` (swapped in with the other side
files) names the new set, and a generation opened after that searches it; one
opened before keeps searching the old set, left whole until the next full
build empties it to fill it again.

Each shard's indexes name a "global IDF" file with no words and an enormous
document total (``NEUTRAL_IDF``): with ``OPTION global_idf=1`` every keyword's
IDF is then about ½ on every shard, whatever the shard holds, and the engine
sends the keyword's cluster-wide IDF as its boost (``match``). A
shard's own IDF would rank an article by the luck of its shard (on a small
shard a word may be three times rarer than on its neighbour).

Sphinx does no analysis of its own here: kartoteka sends the analyzed terms
(``terms.py``), so the index's tokenizer only has to split on spaces
and keep the terms' letters as they are (``morphology = none``, a charset
table of exactly the letters ``terms.encode_term`` lets through).
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import asdict, dataclass
from pathlib import Path

CLUSTER_FILE = "cluster.json"
# 2: two table sets (a, b) for the atomic switch; 3: the neutral IDF file; 4: outlets
CLUSTER_VERSION = 4
NEUTRAL_IDF = "neutral.idf"
NEUTRAL_TOTAL = 2 ** 62
TABLE_SETS = ("a", "b")


def rt_index(table_set: str) -> str:
    """A shard's real-time index of a table set."""
    return f"articles_{table_set}"


def dist_index(table_set: str) -> str:
    """The front's distributed index of a table set."""
    return f"dist_{table_set}"


def other_set(table_set: str | None) -> str:
    """The set a full build fills: the one that is not live."""
    return "b" if table_set == "a" else "a"

# The analyzed text fields, searched by ``@field`` in MATCH.
TEXT_FIELDS = ("title", "body", "author", "exact")
# Multi-valued attributes: value ids from the generation's dictionary.
MULTI_ATTRS = ("regions", "region_groups", "authors", "topics", "outlets")
# Lower-case Latin, digits and Cyrillic а–я, ё: every other character of a term
# is encoded by ``terms`` into these, so nothing else needs listing.
CHARSET_TABLE = "0..9, a..z, U+430..U+44F, U+451"
AGENT_TIMEOUT_MS = 2000
# What a real-time table may keep in its RAM chunk. Articles past it go to disk
# chunks, where Sphinx 2.2 gives every keyword an IDF of 0 under a global IDF file,
# so a shard should hold no more than fits: 2048M holds about 200,000 articles of a
# thousand words (raise it in a shard's configuration when its machine has the
# memory; Sphinx 2.2.11 accepts 8192M). The build warns when one spills.
RT_MEM_LIMIT = "2048M"


@dataclass(frozen=True)
class Cluster:
    """Where the front and each shard listen, and where the cluster folder is.

    ``front`` is the front's SphinxQL (host, port); each of ``shards`` is
    (host, SphinxQL port, API port): the front's agents speak Sphinx's own API
    protocol, not SphinxQL (Sphinx 2.2.11 answers an agent on a ``mysql41``
    port with "handshake failure"), so a shard listens on both.
    """

    folder: str
    front: tuple[str, int]
    shards: tuple[tuple[str, int, int], ...]

    def to_dict(self) -> dict:
        """The cluster as ``cluster.json`` holds it."""
        return {"version": CLUSTER_VERSION, **asdict(self)}

    def shard_config(self, n: int) -> Path:
        """The configuration file of shard ``n``."""
        return Path(self.folder) / f"shard-{n}" / "sphinx.conf"

    @property
    def front_config(self) -> Path:
        """The configuration file of the front."""
        return Path(self.folder) / "front" / "sphinx.conf"

    def configs(self) -> list[Path]:
        """Every configuration, shards first: the order to start them in."""
        return [self.shard_config(n) for n in range(len(self.shards))] + [self.front_config]


def read_cluster(folder: str | Path) -> Cluster:
    """The cluster described in ``folder/cluster.json``.

    Raises ``FileNotFoundError`` when the folder has none, ``ValueError`` for
    another version.
    """
    data = json.loads((Path(folder) / CLUSTER_FILE).read_text(encoding="utf-8"))
    if data.get("version") != CLUSTER_VERSION:
        raise ValueError(f"{folder}/{CLUSTER_FILE} is version {data.get('version')}, "
                         f"this kartoteka reads {CLUSTER_VERSION}: run `kartoteka cluster init` again")
    return Cluster(data["folder"], tuple(data["front"]),
                   tuple(tuple(shard) for shard in data["shards"]))


def _searchd_section(folder: Path, host: str, port: int, api_port: int | None = None) -> str:
    api = f"\n    listen = {host}:{api_port}" if api_port else ""
    return f"""searchd
{{
    listen = {host}:{port}:mysql41{api}
    log = {folder}/searchd.log
    query_log = {folder}/query.log
    pid_file = {folder}/searchd.pid
    binlog_path = {folder}/binlog
    workers = threads
    max_children = 32
    read_timeout = 5
    client_timeout = 300
    seamless_rotate = 1
    preopen_indexes = 1
    unlink_old = 1
    max_packet_size = 32M
}}
"""


def shard_config_text(folder: Path, host: str, port: int, api_port: int) -> str:
    """A shard's configuration: the real-time index of each set and its ``searchd``."""
    indexes = "\n".join(_rt_section(folder, rt_index(s)) for s in TABLE_SETS)
    return f"""# Written by `kartoteka cluster init`: one shard of the trial cluster.
{indexes}
{_searchd_section(folder, host, port, api_port)}"""


def _rt_section(folder: Path, name: str) -> str:
    fields = "\n".join(f"    rt_field = {name}" for name in TEXT_FIELDS)
    multi = "\n".join(f"    rt_attr_multi = {name}" for name in MULTI_ATTRS)
    return f"""index {name}
{{
    type = rt
    path = {folder}/data/{name}
{fields}
    rt_attr_uint = lang
    rt_attr_uint = day
    rt_attr_uint = year
    rt_attr_uint = month
    rt_attr_uint = undated
{multi}
    rt_attr_bigint = copy_of
    rt_attr_string = article_id
    rt_mem_limit = {RT_MEM_LIMIT}
    global_idf = {folder}/{NEUTRAL_IDF}
    dict = keywords
    morphology = none
    charset_table = {CHARSET_TABLE}
    min_word_len = 1
    min_prefix_len = 2
    index_field_lengths = 1
}}
"""


def front_config_text(folder: Path, host: str, port: int,
                      shards: tuple[tuple[str, int, int], ...]) -> str:
    """The front's configuration: a distributed index per table set over every
    shard's API port."""
    indexes = []
    for table_set in TABLE_SETS:
        agents = "\n".join(f"    agent = {h}:{api}:{rt_index(table_set)}" for h, _, api in shards)
        indexes.append(f"""index {dist_index(table_set)}
{{
    type = distributed
{agents}
    agent_connect_timeout = {AGENT_TIMEOUT_MS}
    agent_query_timeout = {AGENT_TIMEOUT_MS * 5}
}}
""")
    return f"""# Written by `kartoteka cluster init`: the front of the trial cluster.
{"".join(indexes)}
{_searchd_section(folder, host, port)}"""


def write_neutral_idf(path: Path) -> None:
    """A global IDF file in Sphinx's format (the document total as a 64-bit
    integer, then sorted (64-bit word hash, 32-bit documents) pairs) that lists
    one word no article holds, so no keyword of ours is in it."""
    path.write_bytes(struct.pack("<qQI", NEUTRAL_TOTAL, 1, 1))


# The ranker: the Whoosh engine's BM25F, field by field (each field's own length
# against its average; Sphinx's ``<field>_len`` attributes), weighted as there.
# ``field_weights`` only numbers the fields, so the expression can tell them apart.
FIELD_NUMBERS = {"title": 1, "author": 2, "body": 3, "exact": 4}
FIELD_WEIGHTS = "field_weights=(" + ", ".join(f"{f}={n}" for f, n in FIELD_NUMBERS.items()) + ")"
IDF = "idf='plain,tfidf_unnormalized', global_idf=1"
SCORE_SCALE = 1000  # WEIGHT() is an integer: the score in thousandths


def ranker_option(articles: int, length_sums: list) -> str:
    """The ranking expression for a build of ``articles`` whose fields (in
    ``FIELD_NUMBERS`` order) hold ``length_sums`` terms in all."""
    from ..schema import BM25_B, BM25_K1
    from .match import FIELD_BASE

    score = "0"
    for (name, number), total in reversed(list(zip(FIELD_NUMBERS.items(), length_sums))):
        average = max(float(total or 0) / max(articles, 1), 1.0)
        # weight·tf·idf·(k1+1) / (tf + k1·(1 − b + b·length/average)), constants folded
        scale, fixed = FIELD_BASE[name] * (BM25_K1 + 1), BM25_K1 * (1 - BM25_B)
        per_word = BM25_K1 * BM25_B / average
        field = f"{scale:.6g}*tf_idf/(hit_count+{fixed:.6g}+{per_word:.6g}*{name}_len)"
        score = f"IF(user_weight={number}, {field}, {score})"
    return f"ranker=expr('{SCORE_SCALE}*sum({score})')"


def neutral_idf(local_docs: float) -> float:
    """The IDF Sphinx gives a keyword under the neutral file (its documents on the
    shard are all it has of it): log(T/d) / (2·log(T+1))."""
    return math.log(NEUTRAL_TOTAL / max(local_docs, 1.0)) / (2 * math.log(NEUTRAL_TOTAL + 1))


def init_cluster(folder: str | Path, shards: int, base_port: int = 9406,
                 host: str = "127.0.0.1", ports: list[int] | None = None,
                 shard_hosts: list[str] | None = None) -> Cluster:
    """Write the configurations of a trial cluster of ``shards`` shards into ``folder``.

    Shard ``n`` listens for SphinxQL on ``base_port + 2n`` and for its agent on
    ``base_port + 2n + 1``, the front on ``base_port + 2·shards`` (or on
    ``ports``, in that order, when given). The front listens on ``host``; shard
    ``n`` on ``shard_hosts[n]`` when given (another machine: its folder
    ``shard-n`` is copied there to the same path), else on ``host``. Returns the cluster; its
    ``cluster.json`` is written last, so a folder that has one is whole.
    """
    if shards < 1:
        raise ValueError("a cluster needs at least one shard")
    folder = Path(folder).resolve()
    try:
        read_cluster(folder)
    except FileNotFoundError:
        pass
    except ValueError:  # its shards' tables have an older schema: they cannot be reused
        raise ValueError(f"{folder} holds a cluster of an older layout: stop its searchd "
                         "processes and remove the folder, or choose another one") from None
    ports = list(ports) if ports else [base_port + n for n in range(2 * shards + 1)]
    if len(ports) != 2 * shards + 1:
        raise ValueError(f"{shards} shards and a front need {2 * shards + 1} ports")
    hosts = list(shard_hosts) if shard_hosts else [host] * shards
    if len(hosts) != shards:
        raise ValueError(f"{shards} shards need {shards} shard hosts, not {len(hosts)}")
    cluster = Cluster(str(folder), (host, ports[-1]),
                      tuple((hosts[n], ports[2 * n], ports[2 * n + 1]) for n in range(shards)))
    for n, (shard_host, port, api_port) in enumerate(cluster.shards):
        where = folder / f"shard-{n}"
        for sub in ("data", "binlog"):
            (where / sub).mkdir(parents=True, exist_ok=True)
        write_neutral_idf(where / NEUTRAL_IDF)
        cluster.shard_config(n).write_text(shard_config_text(where, shard_host, port, api_port),
                                           encoding="utf-8")
    front = folder / "front"
    (front / "binlog").mkdir(parents=True, exist_ok=True)
    cluster.front_config.write_text(front_config_text(front, host, ports[-1], cluster.shards),
                                    encoding="utf-8")
    (folder / CLUSTER_FILE).write_text(json.dumps(cluster.to_dict(), indent=2),
                                       encoding="utf-8")
    return cluster
