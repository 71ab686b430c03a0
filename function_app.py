"""The function app (Azure Functions Python v2 programming model): it only registers blueprints.

Authentication is the app's own (bearer tokens checked in code), so the host-level auth level is
anonymous; each route states who may call it.
"""

import azure.functions as func

from functions import (
    admin,
    attachments,
    calendar_status,
    common_files,
    console,
    escalation,
    health,
    inbound,
    openapi,
    outbox,
    portal,
    replies,
    reports,
    screen,
    search,
    staff,
    switchboard,
    tickets,
    views,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for blueprint in (
    health.bp,
    calendar_status.bp,
    tickets.bp,
    screen.bp,
    views.bp,
    attachments.bp,
    reports.bp,
    admin.bp,
    staff.bp,
    search.bp,
    switchboard.bp,
    replies.bp,
    outbox.bp,
    inbound.bp,
    escalation.bp,
    openapi.bp,
    portal.bp,
    console.bp,
    common_files.bp,
):
    app.register_functions(blueprint)
