"""``kartoteka cluster``: the configurations of a trial Sphinx / Manticore cluster."""

from __future__ import annotations

import click

from ..engine.sphinx.config import init_cluster
from ..errors import BuildError


@click.group()
def cluster():
    """A trial search cluster of searchd shards behind a front."""


@cluster.command("init")
@click.option("--shards", type=click.IntRange(1, 64), default=3, show_default=True,
              help="How many shard searchd processes.")
@click.option("--dir", "folder", type=click.Path(file_okay=False), required=True,
              help="The folder for configurations, data, logs and pid files.")
@click.option("--base-port", type=click.IntRange(1024, 65000), default=9406, show_default=True,
              help="Shard n listens on base+2n (SphinxQL) and base+2n+1 (its agent); "
                   "the front on base+2·shards.")
@click.option("--ports", help="Comma-separated ports instead of --base-port: each shard's "
                              "SphinxQL and agent port, then the front's.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The front's address (and the shards', without --shard-hosts).")
@click.option("--shard-hosts", help="Comma-separated addresses of the shards' machines, "
                                    "one per shard, when they run elsewhere.")
def init(shards: int, folder: str, base_port: int, ports: str | None, host: str,
         shard_hosts: str | None):
    """Write searchd configurations for a cluster, and print the commands that
    start and stop it.

    Examples:

        kartoteka cluster init --shards 3 --dir ~/kartoteka-cluster

        kartoteka cluster init --shards 2 --dir /srv/kt --host 10.0.0.10 \\
            --shard-hosts 10.0.0.11,10.0.0.12
    """
    try:
        chosen = [int(p) for p in ports.split(",")] if ports else None
        hosts = [h.strip() for h in shard_hosts.split(",")] if shard_hosts else None
        made = init_cluster(folder, shards, base_port=base_port, host=host, ports=chosen,
                            shard_hosts=hosts)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote a cluster of {shards} shards and a front in {made.folder}")
    click.echo(f"Front (SphinxQL): {made.front[0]}:{made.front[1]}")
    if hosts:
        click.echo("\nCopy each shard's folder to its machine, to the same path:")
        for n, (shard_host, _, _) in enumerate(made.shards):
            click.echo(f"  rsync -a {made.folder}/shard-{n}/ {shard_host}:{made.folder}/shard-{n}/")
    click.echo("\nStart it (shards first" + (", each on its machine" if hosts else "") + "):")
    for config in made.configs():
        click.echo(f"  searchd -c {config}")
    click.echo("\nStop it:")
    for config in reversed(made.configs()):
        click.echo(f"  searchd -c {config} --stop")


def index_into_cluster(engine, sources, folder, update: bool, jobs: int | None = None,
                       glossary=None, aliases=None, outlets=None, dictionary=None) -> None:
    """``kartoteka index SOURCES --index CLUSTER [--update] [--jobs N] [--glossary F]
    [--aliases F] [--outlets F]``: the articles into the cluster's shards, all of them (analyzed
    in ``jobs`` processes) or (``--update``) the new, changed and gone ones."""
    try:
        if update:
            info = engine.update(sources, folder, glossary=glossary, aliases=aliases,
                                 outlets=outlets, dictionary=dictionary)
        else:
            info = engine.build(sources, folder, workers=jobs, glossary=glossary,
                                aliases=aliases, outlets=outlets, dictionary=dictionary)
    except (BuildError, ValueError, FileNotFoundError) as error:
        # ValueError: a cluster.json of another version; FileNotFoundError: an own file
        raise click.ClickException(str(error)) from None
    except OSError as error:  # pymysql's connection errors are OSErrors too
        raise click.ClickException(f"cannot reach the cluster in {folder}: {error}; start its "
                                   "searchd processes first (kartoteka cluster init printed "
                                   "the commands)") from None
    n = info["articles"]
    done = "Updated the cluster to" if update else "Indexed"
    click.echo(f"{done} {n} article{'' if n == 1 else 's'} into the cluster of "
               f"{info['shards']} shards in {folder} in {info['seconds']:.1f} s")
    if update:
        click.echo(f"Added {info['added']}, changed {info['changed']}, "
                   f"removed {info['removed']}")
    for note in info.get("notes", []) + info.get("warnings", []):
        click.echo(note, err=True)
    if info.get("problems"):
        click.echo(f"{info['problems']} file(s) or record(s) could not be read and were "
                   "skipped", err=True)
