"""Server-rendered pages (Jinja2). They work without JavaScript, except the maps."""

from cartotech.web.pages import (
    actors,
    admin,
    auth,
    candidacies,
    events,
    evidence_files,
    home,
    moderation,
    owners,
    participation,
    petitions,
    present,
    static_pages,
    territories,
)

routers = [
    home.router,
    actors.router,
    territories.router,
    static_pages.router,
    auth.router,
    admin.router,
    # participation (#5)
    participation.router,
    present.router,
    owners.router,
    moderation.router,
    events.router,
    petitions.router,
    candidacies.router,
    evidence_files.router,
]

__all__ = ["routers"]
