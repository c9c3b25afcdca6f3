"""Connect as the ADK app does: google-adk's DatabaseSessionService over asyncpg,
with the session URI the Deployment passes to `adk api_server`. Creates a
session, appends an event, reads both back, and prints the session id."""

from __future__ import annotations

import asyncio
import sys


async def main(url: str) -> None:
    from google.adk.events.event import Event
    from google.adk.sessions.database_session_service import DatabaseSessionService
    from google.genai import types

    async with DatabaseSessionService(db_url=url) as service:
        created = await service.create_session(app_name="adk-gitops-e2e", user_id="u1", state={"probe": "ok"})
        said = types.Content(role="user", parts=[types.Part(text="hello from adk-gitops")])
        await service.append_event(created, Event(author="user", invocation_id="inv-1", content=said))
        got = await service.get_session(app_name="adk-gitops-e2e", user_id="u1", session_id=created.id)
    assert got is not None and got.state["probe"] == "ok", got
    texts = [
        part.text for event in got.events for part in ((event.content.parts or []) if event.content else [])
    ]
    assert texts == ["hello from adk-gitops"], texts
    print(f"session {created.id} stored and read back with its event")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
