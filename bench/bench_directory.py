"""The directory benchmark: cartotech's store on a seeded synthetic directory of
1,000,000 actors, each figure printed beside the same work done raw through the
database driver, with the target it must meet.

    .venv/bin/python bench/bench_directory.py                   # 1M actors, SQLite, temp dir
    .venv/bin/python bench/bench_directory.py --actors 50000    # a quick run
    .venv/bin/python bench/bench_directory.py --database-url postgresql+psycopg://...

What is measured (see bench/README.md):

* bulk load: ``init_database`` then ``bulk_insert_actors`` in one ``unit_of_work``, in a
  child process so that its own peak RSS is known; beside it the same records, with the
  same derived columns, inserted with the driver's ``executemany`` into a second fresh
  database with the same schema (indexes and FTS triggers included);
* search: 50 fixed queries through ``search_actors`` beside the exact SQL statements it
  sent (captured from the engine) replayed through the driver;
* facets: searches with facets, same comparison;
* counts by département: ``count_actors_by`` beside hand-written ``GROUP BY`` SQL;
* serving: the peak RSS of a real ``cartotech serve`` process answering a fixed set of
  ``/api/v1/actors`` requests on loopback.

It is not a test: it prints figures and PASS/MISS, and exits 0 either way.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import multiprocessing
import os
import platform
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path
from typing import Any

import psutil
from _memory import peak_rss, rss, vm_hwm
from _report import Row, console, cpu_model, print_table, verdict
from rich.table import Table
from sqlalchemy import Connection, Engine, event, text

from cartotech.domain import ActorRecord, ActorType, SourceKind, SourceRecord
from cartotech.geo import Referential, Territory, get_referential
from cartotech.normalize import normalize_name
from cartotech.operations import init_database
from cartotech.store import (
    ActorQuery,
    bulk_insert_actors,
    count_actors_by,
    create_store_engine,
    ensure_source,
    search_actors,
    unit_of_work,
)
from cartotech.store.actors import search_terms_of, search_text_of
from cartotech.store.bulk import RESET_SEQUENCE
from cartotech.store.placement import place_on_territory

DEFAULT_SEED = 20251124
DEFAULT_ACTORS = 1_000_000
REPEATS = 5  # timed repetitions of each query, after a warm-up and a capture pass
BATCH = 20_000  # rows per executemany in the raw load (bulk_insert_actors' default too)
MIB = 1024 * 1024
GIB = 1024 * MIB

# Targets (figures must be at most these).
LOAD_SECONDS = 90.0
LOAD_MEMORY = 1.5 * GIB
SEARCH_P95_MS = 25.0
SEARCH_RATIO = 1.5
COUNT_MS = 150.0
SERVE_MEMORY = 400 * MIB


BENCH_SOURCE = SourceRecord(
    key="bench-synthetic",
    kind=SourceKind.CURATED,
    title="Synthetic directory of the benchmark (bench/bench_directory.py)",
)

# --------------------------------------------------------------------------------------------
# The synthetic directory
# --------------------------------------------------------------------------------------------

# Invented brand words are built from syllables: ~50,000 distinct words, so that names repeat
# words (each ~20 times over 1M actors) while the vocabulary stays large, as real names do.
ONSETS = (
    "ka", "lu", "no", "vi", "ta", "re", "mi", "zo", "ne", "da", "fi", "xa", "pa", "so", "li",
    "be", "ra", "te", "mo", "sy", "ga", "hé", "jo", "qua", "cy", "dé", "bri", "cla", "flo",
    "gro", "pri", "tri", "vé", "wi", "yu", "al", "el", "ol", "ar", "in",
)  # fmt: skip
MIDDLES = (
    "na", "li", "ro", "ve", "sa", "do", "mé", "ti", "ba", "lo", "ri", "ga", "za", "no", "pe",
    "ci", "ma", "lé", "tu", "vo", "ra", "bi", "ké", "ni", "so", "da", "fé", "lu", "mi", "xe",
)  # fmt: skip
ENDINGS = (
    "lia", "néo", "ra", "tix", "ly", "va", "na", "ro", "tek", "go", "ix", "ium", "io", "ance",
    "ys", "ora", "is", "on", "um", "ea", "ka", "os", "ine", "ette", "ia", "al", "ens", "ova",
    "ar", "eo", "ïa", "ène", "ex", "ity", "ify", "up", "oo", "an", "im", "ax",
)  # fmt: skip
# Common words, most frequent first (drawn with Zipf weights).
COMMON = (
    "Tech", "Digital", "Data", "Labs", "Solutions", "Numérique", "Conseil", "Innovation",
    "Software", "Systems", "Technologies", "Cloud", "Santé", "Énergie", "Studio", "Services",
    "Mobilité", "Robotics", "Green", "Connect", "Bio", "Analytics", "Sécurité", "Finance",
    "Factory", "Group", "AI", "Réseau", "Développement", "Immo", "Formation", "Environnement",
    "Agro", "Médical", "Électronique", "Industrie", "Logistique", "Télécom", "Web", "Games",
)  # fmt: skip
LEADING = ("Groupe", "Société", "Atelier", "Maison", "Agence", "Compagnie", "Les Ateliers")
SECTORS = (
    "digital", "software", "fintech", "healthtech", "greentech", "edtech", "ecommerce",
    "marketplace", "cloud", "data_hosting", "iot", "hardware", "biotech", "agritech",
    "mobility", "logistics", "legaltech", "proptech", "hr_tech", "cybersecurity", "ai",
    "media", "tourism", "events", "investment", "open_source", "tech_for_good", "maritime",
    "space", "gaming",
)  # fmt: skip
TYPE_WEIGHTS = {
    ActorType.STARTUP: 45,
    ActorType.COMPANY: 25,
    ActorType.ASSOCIATION: 6,
    ActorType.SCHOOL_OR_LAB: 5,
    ActorType.INVESTOR: 4,
    ActorType.PUBLIC_BODY: 4,
    ActorType.EVENT: 3,
    ActorType.INCUBATOR: 2,
    ActorType.MEDIA: 2,
    ActorType.ACCELERATOR: 1.5,
    ActorType.CLUSTER: 1.5,
    ActorType.LABEL_PROGRAM: 1,
}
TYPE_LABELS_FR = {
    ActorType.STARTUP: "Start-up",
    ActorType.COMPANY: "Entreprise",
    ActorType.ASSOCIATION: "Association",
    ActorType.SCHOOL_OR_LAB: "Laboratoire",
    ActorType.INVESTOR: "Fonds d'investissement",
    ActorType.PUBLIC_BODY: "Acteur public",
    ActorType.EVENT: "Événement",
    ActorType.INCUBATOR: "Incubateur",
    ActorType.MEDIA: "Média",
    ActorType.ACCELERATOR: "Accélérateur",
    ActorType.CLUSTER: "Pôle de compétitivité",
    ActorType.LABEL_PROGRAM: "Programme",
}
# Name patterns per type: {b} an invented word, {c} a common word, {l} a leading word,
# {p} the commune name, {d} the département name, {a} an acronym.
PATTERNS: dict[ActorType, tuple[tuple[str, int], ...]] = {
    ActorType.STARTUP: (
        ("{b}", 30), ("{b} {c}", 35), ("{l} {b}", 6), ("{c} {c}", 8), ("{b} {b}", 10),
        ("{c} {b}", 8), ("{a}", 3),
    ),
    ActorType.COMPANY: (
        ("{b}", 20), ("{b} {c}", 30), ("{l} {b}", 20), ("{l} {c} {p}", 10), ("{a} {c}", 10),
        ("{b} {c} {c}", 10),
    ),
    ActorType.ASSOCIATION: (
        ("Association {b}", 40), ("{c} Club {p}", 30), ("Les Amis du {c}", 10),
        ("Association {c} {d}", 20),
    ),
    ActorType.SCHOOL_OR_LAB: (
        ("Laboratoire {a}", 30), ("École {b}", 25), ("Institut {c} de {p}", 25),
        ("Université de {p}", 10), ("IUT de {p}", 10),
    ),
    ActorType.INVESTOR: (
        ("{b} Capital", 35), ("{b} Ventures", 30), ("{p} Invest", 15), ("{b} Partners", 10),
        ("Business Angels {d}", 10),
    ),
    ActorType.PUBLIC_BODY: (
        ("Agence de développement de {p}", 30), ("Mairie de {p}", 30), ("CCI {d}", 20),
        ("Mission {c} {d}", 20),
    ),
    ActorType.EVENT: (
        ("{b} Days", 30), ("Forum {c} {p}", 30), ("Salon {c} de {p}", 20), ("{b} Summit", 20),
    ),
    ActorType.INCUBATOR: (
        ("Incubateur {b}", 35), ("{b} Incubator", 20), ("Pépinière de {p}", 25),
        ("Incubateur {c} {p}", 20),
    ),
    ActorType.MEDIA: (("{b} Mag", 40), ("Le Journal du {c}", 30), ("{b} Radio", 30)),
    ActorType.ACCELERATOR: (
        ("{b} Accélérateur", 40), ("Accélérateur {p}", 30), ("{b} Booster", 30),
    ),
    ActorType.CLUSTER: (("Pôle {c} {d}", 40), ("Cluster {c}", 30), ("{b} Cluster", 30)),
    ActorType.LABEL_PROGRAM: (
        ("French Tech {p}", 40), ("Label {c}", 30), ("Programme {b}", 30),
    ),
}  # fmt: skip


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass
class SyntheticDirectory:
    """A deterministic stream of actors for a seed (same seed, same actors, same order)."""

    referential: Referential
    seed: int
    places: list[Territory] = field(init=False)

    def __post_init__(self) -> None:
        # Actors sit on communes by population; Paris, Lyon and Marseille on their
        # arrondissements (whose populations add up to the commune's).
        communes = self.referential.all("commune")
        parents = {t.parent_id for t in communes if t.parent_id}
        self.places = [t for t in communes if t.id not in parents and t.population]
        self._place_weights = _cumulative(t.population or 0 for t in self.places)
        self._departements = self.referential.all("departement")
        self._groups = self.referential.all("group")
        self._epcis = self.referential.all("epci")
        self.invented = sorted(
            {o + e for o in ONSETS for e in ENDINGS}
            | {o + m + e for o in ONSETS for m in MIDDLES for e in ENDINGS}
        )
        self._common_weights = _cumulative(1 / (rank + 1) for rank in range(len(COMMON)))
        self._sector_weights = _cumulative(1 / (rank + 1) ** 0.8 for rank in range(len(SECTORS)))
        self._types = list(TYPE_WEIGHTS)
        self._type_weights = _cumulative(TYPE_WEIGHTS.values())
        self._patterns = {
            t: ([p for p, _ in choices], _cumulative(w for _, w in choices))
            for t, choices in PATTERNS.items()
        }

    def actors(self, count: int) -> Iterator[ActorRecord]:
        rng = random.Random(self.seed)
        for index in range(count):
            yield self._actor(rng, index)

    def _pick(self, rng: random.Random, items: Sequence[Any], cumulative: list[float]) -> Any:
        return items[bisect.bisect(cumulative, rng.random() * cumulative[-1])]

    def _brand(self, rng: random.Random) -> str:
        return rng.choice(self.invented).capitalize()

    def _actor(self, rng: random.Random, index: int) -> ActorRecord:
        actor_type: ActorType = self._pick(rng, self._types, self._type_weights)
        commune: Territory = self._pick(rng, self.places, self._place_weights)
        departement = self.referential.get(f"fr:departement:{commune.departement_code}")
        patterns, weights = self._patterns[actor_type]
        pattern: str = self._pick(rng, patterns, weights)
        city = commune.name.split(" ")[0] if commune.kind == "arrondissement" else commune.name
        name = pattern.format_map(
            _Filler(
                lambda: self._brand(rng),
                lambda: self._pick(rng, COMMON, self._common_weights),
                lambda: rng.choice(LEADING),
                city,
                departement.name,
                lambda: "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUV") for _ in range(3)),
            )
        )
        aliases: tuple[str, ...] = ()
        roll = rng.random()
        if roll < 0.08 and " " in name:
            aliases = ("".join(w[0] for w in name.split() if w[0].isalpha()).upper(),)
        elif roll < 0.12:
            aliases = (f"{name} {rng.choice(('SAS', 'SA', 'France', 'Group'))}",)
        elif roll < 0.13:
            aliases = (self._brand(rng), self._brand(rng))
        sectors = tuple(
            dict.fromkeys(
                self._pick(rng, SECTORS, self._sector_weights)
                for _ in range(rng.choice((0, 1, 1, 1, 1, 2, 2, 2, 3, 3)))
            )
        )
        territory_id: str | None = commune.id
        roll = rng.random()
        if roll < 0.01:
            territory_id = None
        elif roll < 0.02:
            territory_id = departement.id
        elif roll < 0.025:
            territory_id = rng.choice(self._groups).id
        elif roll < 0.03:
            territory_id = f"fr:epci:{commune.epci_code}" if commune.epci_code else commune.id
        description_fr = description_en = None
        if rng.random() < 0.3:
            sector = sectors[0].replace("_", " ") if sectors else "numérique"
            description_fr = f"{TYPE_LABELS_FR[actor_type]} ({sector}) basée à {city}."
        if rng.random() < 0.1:
            description_en = f"{actor_type.value.replace('_', ' ').capitalize()} in {city}."
        key = f"bench-{index:07d}"
        return ActorRecord(
            key=key,
            name=name,
            type=actor_type,
            source_key=BENCH_SOURCE.key,
            aliases=aliases,
            sectors=sectors,
            territory_id=territory_id,
            place_label=f"Campus {self._brand(rng)}" if rng.random() < 0.02 else None,
            website=f"https://{key}.example.org" if rng.random() < 0.6 else None,
            description_fr=description_fr,
            description_en=description_en,
        )


class _Filler(dict[str, str]):
    """``str.format_map`` filler drawing a fresh word at each placeholder."""

    def __init__(
        self,
        brand: Callable[[], str],
        common: Callable[[], str],
        leading: Callable[[], str],
        place: str,
        departement: str,
        acronym: Callable[[], str],
    ) -> None:
        super().__init__()
        self._draw = {"b": brand, "c": common, "l": leading, "a": acronym}
        self._fixed = {"p": place, "d": departement}

    def __missing__(self, key: str) -> str:
        return self._fixed[key] if key in self._fixed else self._draw[key]()


# --------------------------------------------------------------------------------------------
# Loading (each in a child process, for its own peak RSS)
# --------------------------------------------------------------------------------------------

ACTOR_COLUMNS = (
    "id", "key", "name", "name_norm", "type", "website", "description_fr", "description_en",
    "territory_id", "place_label", "commune_code", "epci_code", "departement_code",
    "region_code", "lat", "lon", "search_text", "source_id",
)  # fmt: skip


def _raw_load(engine: Engine, records: Iterable[ActorRecord], referential: Referential) -> int:
    """The baseline: the same rows (same derived columns, same explicit ids), inserted with
    the DB-API driver's ``executemany`` in one transaction, without SQLAlchemy."""
    raw = engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        mark = "?" if engine.dialect.name == "sqlite" else "%s"
        cursor = driver.cursor()
        cursor.execute("SELECT id FROM sources WHERE key = " + mark, (BENCH_SOURCE.key,))
        found = cursor.fetchone()
        if found is None:
            cursor.execute(
                f"INSERT INTO sources (key, kind, title) VALUES ({mark}, {mark}, {mark})",
                (BENCH_SOURCE.key, BENCH_SOURCE.kind.value, BENCH_SOURCE.title),
            )
            cursor.execute("SELECT id FROM sources WHERE key = " + mark, (BENCH_SOURCE.key,))
            found = cursor.fetchone()
        source_id = found[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM actors")
        next_id = int(cursor.fetchone()[0]) + 1
        insert_actor = (
            f"INSERT INTO actors ({', '.join(ACTOR_COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(ACTOR_COLUMNS))})"
        )
        insert_alias = (
            "INSERT INTO actor_aliases (actor_id, alias, alias_norm) "
            f"VALUES ({mark}, {mark}, {mark})"
        )
        insert_sector = f"INSERT INTO actor_sectors (actor_id, sector) VALUES ({mark}, {mark})"
        insert_term = f"INSERT INTO search_terms (term) VALUES ({mark}) ON CONFLICT DO NOTHING"
        place = lru_cache(maxsize=100_000)(lambda t: place_on_territory(t, referential))
        iterator = iter(records)
        inserted = 0
        while batch := list(islice(iterator, BATCH)):
            rows: list[tuple[Any, ...]] = []
            aliases: list[tuple[Any, ...]] = []
            sectors: list[tuple[Any, ...]] = []
            terms: set[str] = set()
            for r in batch:
                p = place(r.territory_id)
                rows.append(
                    (
                        next_id, r.key, r.name, normalize_name(r.name), r.type.value, r.website,
                        r.description_fr, r.description_en, r.territory_id, r.place_label,
                        p.commune_code, p.epci_code, p.departement_code, p.region_code,
                        r.lat if r.lat is not None else p.lat,
                        r.lon if r.lon is not None else p.lon,
                        search_text_of(r, p.place_names), source_id,
                    )
                )  # fmt: skip
                aliases += [(next_id, a, normalize_name(a)) for a in dict.fromkeys(r.aliases)]
                sectors += [(next_id, s) for s in dict.fromkeys(r.sectors)]
                terms |= search_terms_of([r.name, *r.aliases])
                next_id += 1
            cursor.executemany(insert_actor, rows)
            cursor.executemany(insert_alias, aliases)
            cursor.executemany(insert_sector, sectors)
            cursor.executemany(insert_term, [(t,) for t in sorted(terms)])
            inserted += len(rows)
        if engine.dialect.name == "postgresql":
            cursor.execute(RESET_SEQUENCE)
        driver.commit()
        return inserted
    finally:
        raw.close()


class TimedRecords:
    """The synthetic records, timing how long producing them takes: that is the input's
    cost (a CSV reader's, in real use), not the loader's, and is left out of load times."""

    def __init__(self, records: Iterator[ActorRecord]) -> None:
        self.records = records
        self.seconds = 0.0

    def __iter__(self) -> TimedRecords:
        return self

    def __next__(self) -> ActorRecord:
        started = time.perf_counter()
        try:
            return next(self.records)
        finally:
            self.seconds += time.perf_counter() - started


def _load_child(kind: str, url: str, actors: int, seed: int, report: Any) -> None:
    """Run in a fresh (spawned) process: initialise, load, send back time and peak RSS."""
    try:
        referential = get_referential()
        engine = create_store_engine(url)
        started = time.perf_counter()
        init_database(engine)
        init_seconds = time.perf_counter() - started
        records = TimedRecords(SyntheticDirectory(referential, seed).actors(actors))
        started = time.perf_counter()
        if kind == "cartotech":
            with unit_of_work(engine) as conn:
                source_id, _ = ensure_source(conn, BENCH_SOURCE)
                inserted = bulk_insert_actors(conn, records, source_id, referential)
        else:
            inserted = _raw_load(engine, records, referential)
        elapsed = time.perf_counter() - started
        engine.dispose()
        report.send(
            {
                "inserted": inserted,
                "seconds": elapsed - records.seconds,
                "generation": records.seconds,
                "init": init_seconds,
                "peak": peak_rss(),
            }
        )
    except BaseException as exc:  # reported to the parent, which stops with the message
        report.send({"error": f"{type(exc).__name__}: {exc}"})
        raise


def run_load(kind: str, url: str, actors: int, seed: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_load_child, args=(kind, url, actors, seed, sender))
    process.start()
    sender.close()
    try:
        result: dict[str, Any] = receiver.recv()
    except EOFError:
        result = {"error": f"the {kind} load process died (exit code {process.exitcode})"}
    process.join()
    if "error" in result:
        raise SystemExit(f"bench: {kind} load failed: {result['error']}")
    if result["inserted"] != actors:
        raise SystemExit(f"bench: {kind} load inserted {result['inserted']} of {actors} actors")
    return result


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    category: str
    query: ActorQuery

    @property
    def label(self) -> str:
        q = self.query
        parts = [repr(q.text)] if q.text else ["(no text)"]
        for name, values in (
            ("type", q.types),
            ("sector", q.sectors),
            ("region", q.regions),
            ("departement", q.departements),
            ("epci", q.epcis),
        ):
            if values:
                parts.append(f"{name}={','.join(values)}")
        if q.territory_id:
            parts.append(f"territory={q.territory_id}")
        return " ".join(parts)

    def url_params(self) -> str:
        q = self.query
        params: list[tuple[str, str]] = [("q", q.text)] if q.text else []
        for name, values in (
            ("type", q.types),
            ("sector", q.sectors),
            ("region", q.regions),
            ("departement", q.departements),
            ("epci", q.epcis),
        ):
            params += [(name, v) for v in values]
        if q.territory_id:
            params.append(("territory", q.territory_id))
        return urllib.parse.urlencode(params)


def _typo(word: str, rng: random.Random) -> str:
    """One edit in the middle of ``word``: a substitution, deletion or transposition."""
    i = rng.randrange(1, len(word) - 2)
    match rng.randrange(3):
        case 0:
            letter = rng.choice([c for c in "bcdfgklmnprstvz" if c != word[i]])
            return word[:i] + letter + word[i + 1 :]
        case 1:
            return word[:i] + word[i + 1 :]
        case _:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def query_mix(directory: SyntheticDirectory, actors: int) -> list[BenchQuery]:
    """The 50 fixed queries, drawn (seeded) from the first actors of the directory."""
    rng = random.Random(directory.seed + 1)
    sample = list(directory.actors(min(actors, 5_000)))
    named = [a for a in sample if len(normalize_name(a.name)) >= 6]
    invented = set(directory.invented)
    brands = sorted(
        {w for a in sample for w in normalize_name(a.name).split() if w in invented and len(w) >= 6}
    )
    out: list[BenchQuery] = []

    def add(category: str, text: str = "", **filters: Any) -> None:
        out.append(BenchQuery(category, ActorQuery(text=text, with_facets=False, **filters)))

    for actor in rng.sample(named, 8):
        add("exact name", actor.name)
    for actor in rng.sample([a for a in named if " " in a.name], 4):
        first, second = actor.name.split(" ", 1)
        add("prefix", f"{first} {second[:3]}")
    for brand in rng.sample(brands, 4):
        add("prefix", brand[:4])
    known = {w for a in sample for w in normalize_name(a.name).split()}
    typos: list[str] = []
    for brand in rng.sample(brands, len(brands)):
        word = _typo(brand, rng)
        if word not in known and word not in invented:
            typos.append(word)
        if len(typos) == 8:
            break
    for word in typos:
        add("typo", word)
    accented = [a for a in sample if a.name != normalize_name(a.name) and any(
        ch in a.name for ch in "éèêëïîôüç")]  # fmt: skip
    for actor in rng.sample(accented, 3):
        add("accented", actor.name)  # with its accents
    for actor in rng.sample(accented, 3):
        add("accented", normalize_name(actor.name))  # typed without them
    for word in ("tech", "data", "numerique", "solutions"):
        add("common word", word)
    regions = sorted({a.territory_id for a in sample if a.territory_id})
    region_codes = sorted({directory.referential.get(t).region_code or "" for t in regions} - {""})
    add("facet filter", "tech", types=("startup",))
    add("facet filter", "data", types=("investor", "incubator"))
    add("facet filter", "digital", sectors=("fintech",))
    add("facet filter", brands[0][:5], sectors=("software", "cloud"))
    add("facet filter", "conseil", regions=(rng.choice(region_codes),))
    add("facet filter", "", types=("cluster",), regions=(rng.choice(region_codes),))
    add("facet filter", "lab", departements=("69",), types=("school_or_lab",))
    add("facet filter", "", sectors=("space",), departements=("31",))
    add("territory filter", "tech", territory_id="fr:commune:75056")
    add("territory filter", "data", territory_id="fr:epci:200046977")  # Métropole de Lyon
    add("territory filter", "startup", territory_id="fr:departement:33")
    add("territory filter", "innovation", territory_id="fr:region:93")
    add("territory filter", "", territory_id="group:sophia-antipolis")
    add("territory filter", rng.choice(brands), territory_id="fr:region:11")
    add("territory filter", "", territory_id="fr:commune:35238")  # Rennes
    add("territory filter", "association", territory_id="fr:departement:59")
    assert len(out) == 50, len(out)
    return out


FACET_QUERIES = (
    ActorQuery(text=""),
    ActorQuery(text="tech"),
    ActorQuery(text="data", regions=("84",)),
    ActorQuery(text="", types=("incubator",), territory_id="fr:departement:13"),
    ActorQuery(text="conseil", sectors=("software",)),
    ActorQuery(text="santé", territory_id="fr:epci:200093201"),  # Métropole Européenne de Lille
)

# --------------------------------------------------------------------------------------------
# Timing queries beside their raw SQL
# --------------------------------------------------------------------------------------------

Statements = list[tuple[str, Any]]


class StatementRecorder:
    """Records the SQL statements (and parameters) an engine sends to the driver."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: Statements = []

    def _record(self, *args: Any) -> None:
        _conn, _cursor, statement, parameters, _context, _many = args
        self.statements.append((statement, parameters))

    def capture(self, run: Callable[[], object]) -> Statements:
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._record)
        try:
            run()
        finally:
            event.remove(self.engine, "before_cursor_execute", self._record)
        return self.statements


def replay(cursor: Any, statements: Statements) -> None:
    for statement, parameters in statements:
        cursor.execute(statement, parameters)
        cursor.fetchall()


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


@dataclass
class Timings:
    cartotech: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def compare(
    engine: Engine,
    conn: Connection,
    cursor: Any,
    cartotech: Callable[[], object],
    repeats: int,
    statements: Statements | None = None,
) -> Timings:
    """Warm up, capture the SQL (unless given), then time cartotech and the raw replay
    alternately ``repeats`` times."""
    cartotech()
    if statements is None:
        statements = StatementRecorder(engine).capture(cartotech)
    replay(cursor, statements)
    timings = Timings()
    for _ in range(repeats):
        timings.cartotech.append(timed(cartotech))
        timings.raw.append(timed(lambda: replay(cursor, statements)))
    return timings


# --------------------------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServeResult:
    idle_peak: int
    peak: int
    requests: int
    latencies: list[float]


def measure_server(database_url: str, paths: list[str], workdir: Path) -> ServeResult:
    """Start ``cartotech serve`` on a free loopback port, send ``paths``, read its peak RSS."""
    executable = Path(sys.executable).parent / "cartotech"
    command = [str(executable) if executable.exists() else "cartotech"]
    port = _free_port()
    log_path = workdir / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [*command, "serve", "--db", database_url, "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    polled = 0
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    "bench: `cartotech serve` did not start; its output:\n"
                    + log_path.read_text(errors="replace")
                )
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        idle = vm_hwm(server.pid) or rss(server.pid)
        latencies = []
        for path in paths:
            started = time.perf_counter()
            with urllib.request.urlopen(base + path, timeout=300) as response:
                json.loads(response.read())
            latencies.append(time.perf_counter() - started)
            polled = max(polled, rss(server.pid))
        peak = vm_hwm(server.pid) or polled
        return ServeResult(idle_peak=idle, peak=peak, requests=len(paths), latencies=latencies)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def _mib(size: float) -> str:
    return f"{size / MIB:,.0f} MiB"


def machine_lines(args: argparse.Namespace, url: str) -> list[str]:
    model = cpu_model()
    memory = f"{psutil.virtual_memory().total / GIB:.1f} GiB RAM"
    return [
        f"machine: {os.cpu_count()} cores ({model}), {memory}, {platform.system()} "
        f"{platform.release()}",
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        f"actors: {args.actors:,}, seed: {args.seed}, repetitions: {args.repeats}",
        f"database: {url}",
    ]


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--actors", type=int, default=DEFAULT_ACTORS, help="how many actors")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--db", type=Path, help="SQLite file to create (must not exist; default: a temp dir)"
    )
    parser.add_argument(
        "--database-url",
        help="run against this (empty, or holding no actors) PostgreSQL database instead",
    )
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed runs per query")
    parser.add_argument("--no-serve", action="store_true", help="skip the serving measure")
    return parser.parse_args(argv)


def _check_empty_postgresql(url: str) -> None:
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            has_actors = conn.execute(text("SELECT to_regclass('actors') IS NOT NULL")).scalar()
            if has_actors and conn.execute(text("SELECT count(*) FROM actors")).scalar():
                raise SystemExit(f"bench: {url} already holds actors; give an empty database")
    finally:
        engine.dispose()


def _truncate_postgresql(url: str) -> None:
    engine = create_store_engine(url)
    with unit_of_work(engine) as conn:
        conn.execute(text("TRUNCATE actors, actor_aliases, actor_sectors, search_terms CASCADE"))
    engine.dispose()


def bench_load(args: argparse.Namespace, url: str, workdir: Path) -> list[Row]:
    if url.startswith("sqlite"):
        console.print("[bold]load[/] cartotech (bulk_insert_actors)…")
        ours = run_load("cartotech", url, args.actors, args.seed)
        console.print(f"  {ours['seconds']:.1f} s; raw sqlite3 baseline…")
        raw_path = workdir / "baseline-raw.db"
        raw = run_load("raw", f"sqlite:///{raw_path}", args.actors, args.seed)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{raw_path}{suffix}").unlink(missing_ok=True)
        driver = "sqlite3"
    else:
        # One database: the raw baseline first, emptied, then cartotech's load that stays.
        _check_empty_postgresql(url)
        console.print("[bold]load[/] raw psycopg baseline…")
        raw = run_load("raw", url, args.actors, args.seed)
        _truncate_postgresql(url)
        console.print(f"  {raw['seconds']:.1f} s; cartotech (bulk_insert_actors)…")
        ours = run_load("cartotech", url, args.actors, args.seed)
        driver = "psycopg"
    console.print(
        f"  {raw['seconds']:.1f} s (left out of both: generating the records, "
        f"{ours['generation']:.1f} s and {raw['generation']:.1f} s; "
        f"init_database, {ours['init']:.1f} s)"
    )
    sqlite_target = url.startswith("sqlite")
    return [
        Row(
            f"bulk load, {args.actors:,} actors, records' generation left out "
            f"(baseline: {driver} executemany per table)",
            f"{ours['seconds']:,.1f} s",
            f"{raw['seconds']:,.1f} s",
            f"{ours['seconds'] / raw['seconds']:.2f}",
            f"≤ {LOAD_SECONDS:.0f} s" + ("" if sqlite_target else " (SQLite target)"),
            verdict(ours["seconds"] <= LOAD_SECONDS) if sqlite_target else "—",
        ),
        Row(
            "peak RSS of the loading process",
            _mib(ours["peak"]),
            _mib(raw["peak"]),
            f"{ours['peak'] / raw['peak']:.2f}",
            f"≤ {LOAD_MEMORY / GIB:.1f} GiB",
            verdict(ours["peak"] <= LOAD_MEMORY),
        ),
    ]


def bench_queries(
    args: argparse.Namespace, engine: Engine, queries: list[BenchQuery]
) -> tuple[list[Row], list[tuple[BenchQuery, Timings]]]:
    referential = get_referential()
    rows: list[Row] = []
    raw = engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
        with engine.connect() as conn:
            # The first typo-corrected search of a process builds the vocabulary.
            first_typo = next(q for q in queries if q.category == "typo")
            cold = timed(lambda: search_actors(conn, first_typo.query, referential))
            console.print("[bold]search[/] 50 queries…")
            per_query: list[tuple[BenchQuery, Timings]] = []
            for bench_query in queries:
                timings = compare(
                    engine,
                    conn,
                    cursor,
                    partial(search_actors, conn, bench_query.query, referential),
                    args.repeats,
                )
                per_query.append((bench_query, timings))
            ours = [t for _, timings in per_query for t in timings.cartotech]
            base = [t for _, timings in per_query for t in timings.raw]
            p50, p50_raw = percentile(ours, 50), percentile(base, 50)
            p95, p95_raw = percentile(ours, 95), percentile(base, 95)
            rows += [
                Row(
                    "search p50, 50 queries × repeats (raw: the captured SQL replayed)",
                    _ms(p50),
                    _ms(p50_raw),
                    f"{p50 / p50_raw:.2f}",
                    f"ratio ≤ {SEARCH_RATIO}",
                    verdict(p50 / p50_raw <= SEARCH_RATIO),
                ),
                Row(
                    "search p95",
                    _ms(p95),
                    _ms(p95_raw),
                    f"{p95 / p95_raw:.2f}",
                    f"≤ {SEARCH_P95_MS:.0f} ms · ratio ≤ {SEARCH_RATIO}",
                    verdict(p95 <= SEARCH_P95_MS / 1000, p95 / p95_raw <= SEARCH_RATIO),
                ),
            ]
            typo_raw = statistics.median(dict(per_query)[first_typo].raw)
            rows.append(
                Row(
                    f"first typo search of a process (builds the vocabulary): {first_typo.label}",
                    _ms(cold),
                    _ms(typo_raw),
                    f"{cold / typo_raw:.1f}",
                    "—",
                    "—",
                )
            )
            console.print("[bold]facets[/]…")
            facet_timings = [
                (
                    BenchQuery("facets", query),
                    compare(
                        engine,
                        conn,
                        cursor,
                        partial(search_actors, conn, query, referential),
                        max(1, args.repeats // 2),
                    ),
                )
                for query in FACET_QUERIES
            ]
            facet_ours = [t for _, timings in facet_timings for t in timings.cartotech]
            facet_raw = [t for _, timings in facet_timings for t in timings.raw]
            rows.append(
                Row(
                    f"search with facets, median of {len(FACET_QUERIES)} queries",
                    _ms(statistics.median(facet_ours)),
                    _ms(statistics.median(facet_raw)),
                    f"{statistics.median(facet_ours) / statistics.median(facet_raw):.2f}",
                    "—",
                    "—",
                )
            )
            slowest, slow = max(facet_timings, key=lambda qt: statistics.median(qt[1].cartotech))
            ours_slow = statistics.median(slow.cartotech)
            raw_slow = statistics.median(slow.raw)
            rows.append(
                Row(
                    f"search with facets, slowest: {slowest.label}",
                    _ms(ours_slow),
                    _ms(raw_slow),
                    f"{ours_slow / raw_slow:.2f}",
                    "—",
                    "—",
                )
            )
            console.print("[bold]counts[/] by département…")
            count_sql = (
                "SELECT departement_code, count(*) FROM actors WHERE departement_code IS NOT NULL "
                "GROUP BY departement_code ORDER BY count(*) DESC, departement_code"
            )
            counts = compare(
                engine,
                conn,
                cursor,
                lambda: count_actors_by(conn, "departement"),
                args.repeats,
                statements=[(count_sql, ())],
            )
            ours_count = statistics.median(counts.cartotech)
            raw_count = statistics.median(counts.raw)
            rows.append(
                Row(
                    "count_actors_by(departement) (raw: hand-written GROUP BY)",
                    _ms(ours_count),
                    _ms(raw_count),
                    f"{ours_count / raw_count:.2f}",
                    f"≤ {COUNT_MS:.0f} ms",
                    verdict(ours_count <= COUNT_MS / 1000),
                )
            )
    finally:
        raw.close()
    return rows, per_query


def category_table(per_query: list[tuple[BenchQuery, Timings]]) -> None:
    table = Table(
        title="search by kind of query (median of each kind's runs)", title_justify="left"
    )
    for name, justify in (("kind", "left"), ("queries", "right"), ("cartotech", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("raw SQL", justify="right")
    table.add_column("ratio", justify="right")
    for category in dict.fromkeys(q.category for q, _ in per_query):
        group = [t for q, t in per_query if q.category == category]
        ours = statistics.median(x for t in group for x in t.cartotech)
        raw = statistics.median(x for t in group for x in t.raw)
        table.add_row(category, str(len(group)), _ms(ours), _ms(raw), f"{ours / raw:.2f}")
    console.print(table)
    slowest = sorted(per_query, key=lambda qt: -statistics.median(qt[1].cartotech))[:5]
    table = Table(title="slowest queries (median)", title_justify="left")
    for name in ("query", "kind", "cartotech", "raw SQL", "ratio"):
        table.add_column(name, justify="left" if name in ("query", "kind") else "right")
    for q, t in slowest:
        ours, raw = statistics.median(t.cartotech), statistics.median(t.raw)
        table.add_row(q.label, q.category, _ms(ours), _ms(raw), f"{ours / raw:.2f}")
    console.print(table)


def serve_paths(queries: list[BenchQuery]) -> list[str]:
    """The fixed requests sent to the server: the 50 searches (with facets, as the API
    answers them), a few pages, and the no-text listing."""
    paths = [f"/api/v1/actors?{q.url_params()}" for q in queries]
    paths += [
        "/api/v1/actors",
        "/api/v1/actors?per_page=200",
        "/api/v1/actors?q=tech&page=2",
        "/api/v1/actors?q=tech&page=50&per_page=100",
        "/api/v1/actors?q=data&sort=name",
        "/api/v1/actors?sort=updated&type=startup",
    ]
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="cartotech-bench-"))
    try:
        if args.database_url:
            url = args.database_url
        else:
            path = args.db or workdir / "bench.db"
            if path.exists():
                raise SystemExit(f"bench: {path} exists; give a new file name (--db)")
            url = f"sqlite:///{path}"
        for line in machine_lines(args, url):
            console.print(line)
        rows = bench_load(args, url, workdir)
        engine = create_store_engine(url)
        directory = SyntheticDirectory(get_referential(), args.seed)
        queries = query_mix(directory, args.actors)
        query_rows, per_query = bench_queries(args, engine, queries)
        rows += query_rows
        engine.dispose()
        if not args.no_serve:
            console.print("[bold]serve[/] (cartotech serve, real process)…")
            served = measure_server(url, serve_paths(queries), workdir)
            rows.append(
                Row(
                    f"peak RSS of `cartotech serve` after {served.requests} API requests "
                    "(baseline: same server, idle)",
                    _mib(served.peak),
                    _mib(served.idle_peak),
                    f"{served.peak / served.idle_peak:.2f}",
                    f"≤ {SERVE_MEMORY / MIB:.0f} MiB",
                    verdict(served.peak <= SERVE_MEMORY),
                )
            )
            console.print(
                f"  HTTP latency with facets: p50 {_ms(percentile(served.latencies, 50))}, "
                f"p95 {_ms(percentile(served.latencies, 95))}, "
                f"max {_ms(max(served.latencies))}"
            )
        console.print()
        category_table(per_query)
        print_table(f"cartotech directory benchmark — {args.actors:,} actors", rows)
        console.print(
            "raw SQL: the statements cartotech sent, captured from the engine and replayed "
            "through the DB-API driver (rows fetched); counts: hand-written SQL."
        )
        console.print(f"total run time {time.perf_counter() - started:,.0f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
