"""The canned replies' documents: the administration's (``/api/admin/replies``), the composer's
search (``GET /api/replies``) and a reply filled for a ticket
(``GET /api/tickets/{id}/replies/{reply_id}``), with the mappers from the domain's values.

The bodies' rules (at least one language, known variables only, lengths) are
:func:`shared.domain.canned.canned_reply`'s, which names the field at fault (``bodies.it``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from functions.schemas.common import Body
from shared.domain.canned import MAX_BODY, REPLY_ID_PATTERN, CannedReply, FilledReply, ReplyChange
from shared.domain.language import Language

ReplyId = Annotated[str, StringConstraints(pattern=f"^{REPLY_ID_PATTERN}$")]
Title = Annotated[str, StringConstraints(max_length=200)]
Tags = Annotated[list[Annotated[str, StringConstraints(max_length=100)]], Field(max_length=50)]
BodyText = Annotated[str, StringConstraints(max_length=MAX_BODY)]


class Bodies(Body):
    """A reply's text per language; null (or left out) where it has none."""

    it: BodyText | None = None
    en: BodyText | None = None

    def both(self) -> dict[Language, str | None]:
        """Each language with its text (None where there is none)."""
        return {Language.ITALIAN: self.it, Language.ENGLISH: self.en}

    def by_language(self) -> dict[Language, str | None]:
        """The languages this document names (left-out ones are not named), with their text."""
        return {Language(name): getattr(self, name) for name in self.model_fields_set}


class ReplyDocument(Body):
    """``PUT /api/admin/replies``: the reply with this ``id`` created or replaced; without an
    ``id``, a new reply under a new one. Bodies may name ``{{contact_name}}``, ``{{ticket}}``,
    ``{{operator}}``, ``{{take_charge_due}}`` and ``{{resolution_due}}``, nothing else."""

    id: ReplyId | None = None
    title: Title
    tags: Tags = Field(default_factory=list)
    bodies: Bodies


class ReplyPatch(Body):
    """``PATCH /api/admin/replies/{id}``: the fields to change; in ``bodies``, a language given a
    text replaces that body, one given null removes it, one left out stays."""

    title: Title | None = None
    tags: Tags | None = None
    bodies: Bodies | None = None

    def change(self) -> ReplyChange:
        return ReplyChange(
            title=self.title,
            tags=None if self.tags is None else tuple(self.tags),
            bodies=None if self.bodies is None else self.bodies.by_language(),
        )


class BodiesOut(BaseModel):
    it: str | None
    en: str | None


class ReplyOut(BaseModel):
    """A canned reply; ``revision`` is also its ETag (in quotes)."""

    id: str
    title: str
    tags: list[str]
    bodies: BodiesOut
    revision: int


class ReplyList(BaseModel):
    """Replies by id, in one page (``cursor`` is always null: the desk keeps few)."""

    items: list[ReplyOut]
    cursor: None


class FilledReplyOut(BaseModel):
    """A reply filled for a ticket: in the ticket's language when ``in_ticket_language``, else in
    the only language the reply has (the console will not send it until it is rewritten)."""

    language: Language
    text: str
    in_ticket_language: bool


def reply_out(reply: CannedReply) -> ReplyOut:
    return ReplyOut(
        id=reply.id,
        title=reply.title,
        tags=list(reply.tags),
        bodies=BodiesOut(it=reply.bodies.get(Language.ITALIAN), en=reply.bodies.get(Language.ENGLISH)),
        revision=reply.revision,
    )


def filled_reply_out(reply: FilledReply) -> FilledReplyOut:
    return FilledReplyOut(language=reply.language, text=reply.text, in_ticket_language=reply.in_ticket_language)
