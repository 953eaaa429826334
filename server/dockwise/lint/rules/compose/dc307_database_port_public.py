"""
## What it does
Reports a database port published on all host interfaces: a `ports` entry whose
container port is a well-known database port (PostgreSQL 5432, MySQL/MariaDB 3306 and
33060, Redis 6379, MongoDB 27017–27019, Elasticsearch/OpenSearch 9200/9300, CouchDB 5984,
Neo4j 7474/7687, Cassandra 9042, CockroachDB 26257, Memcached 11211, SQL Server 1433,
Oracle 1521, InfluxDB 8086, ArangoDB 8529, RethinkDB 28015, Qdrant 6333/6334, Milvus
19530, ClickHouse 8123, etcd 2379, Couchbase 8091) with no host IP, or `0.0.0.0` / `::`
(an ephemeral host port counts: it is still published on every interface).
`network_mode: host` services are DC304's business.

A port *range* (`"8000-8100:8000-8100"`) counts only when the service's image is the
database the port belongs to (`influxdb:2.7` publishing `8080-8090` is reported as
InfluxDB 8086; `nginx` publishing the same range is not): a range that merely spans a
well-known port says nothing about a database. The image is read after interpolation
(project `.env`, defaults); when it is unknown, ranges are not reported.

## Why is this bad?
Docker writes its own iptables rules for published ports, ahead of host firewalls such
as UFW or firewalld: the database is reachable from the network even when the firewall
says otherwise. Exposed databases with default or weak credentials are found by
scanners within hours.

## Example
```yaml
services:
  db:
    image: postgres:17
    ports:
      - "5432:5432"
```
Use instead:
```yaml
    ports:
      - "127.0.0.1:5432:5432"
```
(or no `ports:` at all: other services reach it as `db:5432` on the Compose network).

## Fix safety
Unsafe: binding to `127.0.0.1` makes the port unreachable from other machines, which a
remote client may rely on. Short syntax gets a `127.0.0.1:` prefix; long syntax gets
`host_ip: 127.0.0.1`.
"""

from __future__ import annotations

import json

from dockwise.compose import interpolation
from dockwise.compose.builds import image_of, service_layers
from dockwise.compose.edits import insert_entry
from dockwise.compose.service import Port, ports, text_of
from dockwise.compose.yaml_model import MappingNode, ScalarNode, get, get_key
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

DB_PORTS = {5432: "PostgreSQL", 3306: "MySQL/MariaDB", 33060: "MySQL X", 6379: "Redis",
            27017: "MongoDB", 27018: "MongoDB", 27019: "MongoDB",
            9200: "Elasticsearch", 9300: "Elasticsearch", 5984: "CouchDB", 7474: "Neo4j",
            7687: "Neo4j", 9042: "Cassandra", 26257: "CockroachDB", 11211: "Memcached",
            1433: "SQL Server", 1521: "Oracle", 8086: "InfluxDB", 8529: "ArangoDB",
            28015: "RethinkDB", 6333: "Qdrant", 6334: "Qdrant", 19530: "Milvus",
            8123: "ClickHouse", 2379: "etcd", 8091: "Couchbase"}
_ALL = ("", "0.0.0.0", "::", "[::]")

# words in an image's repository path that name the database of a DB_PORTS label
DB_IMAGES = {
    "PostgreSQL": ("postgres", "pgvector", "timescale", "postgis"),
    "MySQL/MariaDB": ("mysql", "mariadb", "percona"), "MySQL X": ("mysql",),
    "Redis": ("redis", "valkey", "keydb"), "MongoDB": ("mongo",),
    "Elasticsearch": ("elasticsearch", "opensearch"), "CouchDB": ("couchdb",),
    "Neo4j": ("neo4j",), "Cassandra": ("cassandra", "scylla"), "CockroachDB": ("cockroach",),
    "Memcached": ("memcached",), "SQL Server": ("mssql", "sqlserver", "azure-sql-edge"),
    "Oracle": ("oracle",), "InfluxDB": ("influxdb",), "ArangoDB": ("arangodb",),
    "RethinkDB": ("rethinkdb",), "Qdrant": ("qdrant",), "Milvus": ("milvus",),
    "ClickHouse": ("clickhouse",), "etcd": ("etcd",), "Couchbase": ("couchbase",),
}

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True


def image_is(image: str | None, label: str) -> bool:
    """The image (a reference) is the database of the DB_PORTS label."""
    if not image:
        return False
    name = image.split("@", 1)[0].lower()
    last = name.rsplit("/", 1)[-1]
    name = name[: len(name) - len(last)] + last.split(":", 1)[0]  # drop the tag
    return any(w in name for w in DB_IMAGES.get(label, ()))


def _targets(raw: str, env: dict[str, str]) -> tuple[list[int], bool]:
    """Database ports among the container port(s), and whether they are a range."""
    if "$" in raw:
        sub = interpolation.substitute(raw, env)
        if sub.missing:
            return [], False
        raw = sub.value
    lo, _, hi = raw.strip().partition("-")
    try:
        a, b = int(lo), int(hi or lo)
    except ValueError:
        return [], False
    return [p for p in DB_PORTS if a <= p <= b], a != b


def _fix(ctx: ComposeContext, p: Port) -> Fix | None:
    title = "bind to 127.0.0.1"
    node = p.node
    if isinstance(node, ScalarNode):
        s = (text_of(node, ctx.text) or "").strip()
        if p.host_ip:
            rest = s[s.find("]") + 1:] if s.startswith("[") else s[len(p.host_ip):]
        elif p.published is None:
            rest = "::" + s
        else:
            rest = ":" + s
        new = json.dumps("127.0.0.1" + rest)
        return Fix(title, (Edit(ctx.span(node), new),), Applicability.UNSAFE)
    if isinstance(node, MappingNode):
        ip = get(node, "host_ip")
        if ip is not None and get_key(node, "host_ip") is not None:
            return Fix(title, (Edit(ctx.span(ip), "127.0.0.1"),), Applicability.UNSAFE)
        if node.flow_style:
            e = node.end_mark.index - 1
            return Fix(title, (Edit(Span(e, e), ", host_ip: 127.0.0.1"),), Applicability.UNSAFE)
        ed = insert_entry(ctx.doc, node, ["host_ip: 127.0.0.1"])
        return Fix(title, (ed,), Applicability.UNSAFE) if ed else None
    return None


@rule(code="DC307", name="database-port-public", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    seen: set[int] = set()
    for svc in ctx.services:
        if text_of(svc.get("network_mode"), ctx.text) == "host":
            continue
        for p in ports(svc, ctx.text):
            if id(p.node) in seen or (p.host_ip or "").strip() not in _ALL:
                continue
            hits, is_range = _targets(p.target, ctx.project.env)
            if hits and is_range:
                # a range is a database port only when the image is that database
                image = image_of(service_layers(ctx.project, svc.name, ctx.read_text),
                                 ctx.project.env)
                hits = [h for h in hits if image_is(image, DB_PORTS[h])]
            if not hits:
                continue
            seen.add(id(p.node))
            port = hits[0]
            where = get(p.node, "target") if isinstance(p.node, MappingNode) else None
            ctx.report(where or p.node, f"{DB_PORTS[port]} port {port} of service `{svc.name}` is "
                       "published on all host interfaces (Docker's published ports bypass host "
                       "firewalls such as UFW): bind it to `127.0.0.1`, or drop `ports:` if "
                       "only other services use it", fix=_fix(ctx, p))
