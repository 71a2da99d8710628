"""The Sphinx engine's connections: a pool to the front, and one to each shard.

Searches go to the front in batches (several statements and their ``SHOW
META`` in one round trip); a batch whose ``SHOW META`` carries a warning
(a shard that did not answer) raises ``ClusterError``, so a partial count is
never taken for a whole one. The shards are asked directly only for
keywords' document counts (``CALL KEYWORDS``), which the cluster-wide IDF
needs.
"""

from __future__ import annotations

import concurrent.futures
import threading

from ...errors import IndexUnavailable, QueryError
from .config import Cluster
from .terms import Unreachable, connect

POOL_SIZE = 8  # idle connections to the front kept open
FREQUENCIES_KEPT = 100_000  # keywords' document counts remembered per build


class ClusterError(IndexUnavailable):
    """The cluster cannot answer in full (a shard down, the front unreachable);
    the message names what failed. Never a partial answer presented as whole."""


class ClusterLink:
    """Connections to one cluster, for one build's table set (``table``)."""

    def __init__(self, cluster: Cluster, table: str):
        self.cluster, self.table = cluster, table
        self.pool_lock = threading.Lock()
        self.idle: list = []  # connections to the front, one per request at a time
        self.shard_lock = threading.Lock()
        self.shards: list = []
        self.frequencies: dict[str, tuple[int, int]] = {}  # see ``_counted``
        self.workers = concurrent.futures.ThreadPoolExecutor(max_workers=POOL_SIZE)
        try:
            self.idle.append(connect(*cluster.front))
        except Unreachable as error:
            self.workers.shutdown()
            raise ClusterError(str(error)) from None

    def close(self) -> None:
        self.workers.shutdown()
        with self.pool_lock:
            for connection in self.idle:
                connection.close()
            self.idle.clear()
        with self.shard_lock:
            for shard in self.shards:
                shard.close()
            self.shards.clear()

    def in_background(self, fn, *args) -> concurrent.futures.Future:
        """``fn(*args)`` in a thread of the link's own: a second batch at once."""
        return self.workers.submit(fn, *args)

    def run_batch(self, statements: list[tuple[str, list]]) -> list[tuple[tuple, dict]]:
        """(rows, ``SHOW META``) of each statement, all sent in one round trip."""
        import pymysql

        answers = []
        connection = self._borrow()
        try:
            _reconnect(connection)
            with connection.cursor() as cursor:
                cursor.execute(";\n".join(f"{cursor.mogrify(sql, args)}; SHOW META"
                                          for sql, args in statements))
                while True:
                    rows = cursor.fetchall()
                    cursor.nextset()
                    answers.append((rows, dict(cursor.fetchall())))
                    if not cursor.nextset():
                        break
        except pymysql.err.MySQLError as error:
            connection.close()  # what is left of the batch is not read again
            message = str(error.args[-1]).rstrip("\x00")
            if "non-computable" in message:
                raise QueryError("the query only excludes words: add a word to search for") from None
            raise ClusterError(f"the search cluster failed: {message}") from None
        finally:
            if connection.open:
                self._give_back(connection)
        for _, meta in answers:
            if "warning" in meta or "error" in meta:
                raise ClusterError("the search cluster answered only in part, so no total is "
                                   f"given: {meta.get('warning') or meta.get('error')}")
        return answers

    def document_frequencies(self, words: list[str]) -> dict[str, int]:
        """How many articles hold each keyword, summed over the shards (``CALL
        KEYWORDS`` on each); remembered for this build (an update opens a new one)."""
        return {w: total for w, (total, _) in self._counted(words).items()}

    def fewest_on_a_shard(self, words: list[str]) -> dict[str, int]:
        """Each keyword's fewest articles on a shard that holds it (where Sphinx
        gives it the highest IDF); 0 for a keyword no shard holds."""
        return {w: fewest for w, (_, fewest) in self._counted(words).items()}

    def _counted(self, words: list[str]) -> dict[str, tuple[int, int]]:
        """(articles in all, fewest on a shard that holds it) of each keyword."""
        import pymysql

        missing = [w for w in words if w not in self.frequencies]
        if missing:
            found = {w: [] for w in missing}
            with self.shard_lock:
                try:
                    if not self.shards:
                        self.shards = [connect(h, p) for h, p, _ in self.cluster.shards]
                    for shard in self.shards:
                        _reconnect(shard)
                        with shard.cursor() as cursor:
                            cursor.execute("CALL KEYWORDS(%s, %s, 1)",
                                           (" ".join(missing), self.table))
                            counts = {row[2]: int(row[3]) for row in cursor.fetchall()}
                        for word, per_shard in found.items():
                            per_shard.append(counts.get(word, 0))
                except (Unreachable, pymysql.err.MySQLError) as error:
                    message = error if isinstance(error, Unreachable) else error.args[-1]
                    raise ClusterError(f"a shard of the search cluster failed: {message}") from None
                if len(self.frequencies) > FREQUENCIES_KEPT:
                    self.frequencies.clear()
                self.frequencies.update(
                    (w, (sum(n), min((c for c in n if c), default=0))) for w, n in found.items())
        return {w: self.frequencies[w] for w in words}

    def _borrow(self):
        """An idle connection to the front, or a new one."""
        with self.pool_lock:
            if self.idle:
                return self.idle.pop()
        try:
            return connect(*self.cluster.front)
        except Unreachable as error:
            raise ClusterError(str(error)) from None

    def _give_back(self, connection) -> None:
        with self.pool_lock:
            if len(self.idle) < POOL_SIZE:
                self.idle.append(connection)
                return
        connection.close()


def _reconnect(connection) -> None:
    """Connect again when searchd closed the connection (a restart, a timeout)."""
    import pymysql

    try:
        connection.ping(reconnect=False)
    except pymysql.err.Error:
        connection.connect()
