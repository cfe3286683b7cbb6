"""Server-rendered pages (Jinja2). They work without JavaScript, except the maps."""

from cartotech.web.pages import actors, admin, auth, home, static_pages, territories

routers = [
    home.router,
    actors.router,
    territories.router,
    static_pages.router,
    auth.router,
    admin.router,
]

__all__ = ["routers"]
