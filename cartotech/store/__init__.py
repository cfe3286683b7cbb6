"""The store: schema, migrations, repositories, search. The only place SQL lives.

Write inside ``with unit_of_work(engine) as conn:``; the functions here take
that connection and never commit.
"""

from cartotech.store.actors import actor_id_by_key, get_actor, latest_actors, upsert_actor
from cartotech.store.bulk import bulk_insert_actors
from cartotech.store.directory import ImportReport, import_directory
from cartotech.store.engine import create_store_engine, is_migrated, migrate, unit_of_work
from cartotech.store.facts import add_award, add_fact, add_person_role, add_relation
from cartotech.store.ingest_files import FileStamp, file_done, mark_file_done
from cartotech.store.labels import label_programmes
from cartotech.store.press import DocumentReport, actor_candidates, record_document
from cartotech.store.press_review import actor_press_review, territory_press_review
from cartotech.store.review import (
    ReviewDecision,
    accept_review_item,
    list_review_items,
    reject_review_item,
)
from cartotech.store.search import (
    FACETS,
    SORTS,
    ActorQuery,
    SearchResult,
    actor_points,
    count_by_territory,
    search_actors,
)
from cartotech.store.sources import ensure_source, get_source
from cartotech.store.stories import load_story_index, story_parameters
from cartotech.store.territories import (
    actor_counts_by_type,
    count_actors_by,
    load_territories,
    territory_awards,
    territory_facts,
)

__all__ = [
    "FACETS",
    "SORTS",
    "ActorQuery",
    "DocumentReport",
    "FileStamp",
    "ImportReport",
    "ReviewDecision",
    "SearchResult",
    "accept_review_item",
    "actor_candidates",
    "actor_counts_by_type",
    "actor_id_by_key",
    "actor_points",
    "actor_press_review",
    "add_award",
    "add_fact",
    "add_person_role",
    "add_relation",
    "bulk_insert_actors",
    "count_actors_by",
    "count_by_territory",
    "create_store_engine",
    "ensure_source",
    "file_done",
    "get_actor",
    "get_source",
    "import_directory",
    "is_migrated",
    "label_programmes",
    "latest_actors",
    "list_review_items",
    "load_story_index",
    "load_territories",
    "mark_file_done",
    "migrate",
    "record_document",
    "reject_review_item",
    "search_actors",
    "story_parameters",
    "territory_awards",
    "territory_facts",
    "territory_press_review",
    "unit_of_work",
    "upsert_actor",
]
