"""Connect as the ADK app does: google-adk's DatabaseSessionService over asyncpg,
with the session URI the Deployment passes to `adk api_server`. Creates a
session, reads it back, and prints its id."""

from __future__ import annotations

import asyncio
import sys


async def main(url: str) -> None:
    from google.adk.sessions.database_session_service import DatabaseSessionService

    service = DatabaseSessionService(db_url=url)
    created = await service.create_session(app_name="adk-gitops-e2e", user_id="u1", state={"probe": "ok"})
    got = await service.get_session(app_name="adk-gitops-e2e", user_id="u1", session_id=created.id)
    assert got is not None and got.state["probe"] == "ok", got
    print(f"session {created.id} stored and read back")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
