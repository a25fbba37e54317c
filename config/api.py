"""The Ninja API: one router per app, mounted under /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(title="SafeGround API", version="1", description="Humanitarian mine action information")
