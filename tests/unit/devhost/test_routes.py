"""Route templates match request paths the way the Functions host's routing does."""

from __future__ import annotations

import pytest

from devhost.routes import RouteTemplate


@pytest.mark.parametrize(
    ("template", "path", "values"),
    [
        ("tickets", "tickets", {}),
        ("tickets", "/tickets/", {}),
        ("tickets", "TICKETS", {}),
        ("Tickets/{id}", "tickets/42", {"id": "42"}),
        ("tickets/{id}", "tickets/a%20b", {"id": "a b"}),
        ("tickets/{id:int}", "tickets/-7", {"id": "-7"}),
        ("tickets/{id:int}", "tickets/2147483647", {"id": "2147483647"}),
        ("tickets/{id:long}", "tickets/2147483648", {"id": "2147483648"}),
        ("tickets/{id:alpha}", "tickets/Abc", {"id": "Abc"}),
        (
            "tickets/{id:guid}",
            "tickets/0f8fad5b-d9cb-469f-a165-70867728950e",
            {"id": "0f8fad5b-d9cb-469f-a165-70867728950e"},
        ),
        ("tickets/{id:guid}", "tickets/0f8fad5bd9cb469fa16570867728950e", {"id": "0f8fad5bd9cb469fa16570867728950e"}),
        ("flags/{on:bool}", "flags/TRUE", {"on": "TRUE"}),
        ("prices/{p:decimal}", "prices/12.50", {"p": "12.50"}),
        ("days/{d:datetime}", "days/2024-02-29", {"d": "2024-02-29"}),
        ("pages/{n:min(1)}", "pages/1", {"n": "1"}),
        ("pages/{n:range(1,10)}", "pages/10", {"n": "10"}),
        ("codes/{c:length(3):alpha}", "codes/ITA", {"c": "ITA"}),
        ("codes/{c:minlength(2):maxlength(3)}", "codes/ab", {"c": "ab"}),
        ("zips/{z:regex(^\\d{{5}}$)}", "zips/00184", {"z": "00184"}),
        ("tickets/{id?}", "tickets", {}),
        ("tickets/{id?}", "tickets/9", {"id": "9"}),
        ("pages/{n=1}", "pages", {"n": "1"}),
        ("pages/{n=1}", "pages/3", {"n": "3"}),
        ("files/{*rest}", "files", {}),
        ("files/{*rest}", "files/a/b/c.txt", {"rest": "a/b/c.txt"}),
        ("files/{**rest}", "files/a", {"rest": "a"}),
        ("attachments/{name}.{ext}", "attachments/report.v2.pdf", {"name": "report.v2", "ext": "pdf"}),
        ("tickets/{id}/comments/{n:int}", "tickets/T-1/comments/3", {"id": "T-1", "n": "3"}),
        ("{{literal}}/{id}", "{literal}/5", {"id": "5"}),
        ("", "", {}),
    ],
)
def test_a_template_matches_a_path_giving_decoded_route_values(
    template: str, path: str, values: dict[str, str]
) -> None:
    assert RouteTemplate(template).match(path) == values


@pytest.mark.parametrize(
    ("template", "path"),
    [
        ("tickets", "ticket"),
        ("tickets", "tickets/1"),
        ("tickets/{id}", "tickets"),
        ("tickets/{id}", "tickets/1/2"),
        ("tickets/{id:int}", "tickets/x"),
        ("tickets/{id:int}", "tickets/2147483648"),
        ("tickets/{id:int}", "tickets/1.5"),
        ("tickets/{id:alpha}", "tickets/abc1"),
        ("tickets/{id:guid}", "tickets/not-a-guid"),
        ("tickets/{id:guid}", "tickets/{0f8fad5b-d9cb-469f-a165-70867728950e"),
        ("flags/{on:bool}", "flags/yes"),
        ("pages/{n:min(1)}", "pages/0"),
        ("pages/{n:max(10)}", "pages/11"),
        ("pages/{n:range(1,10)}", "pages/11"),
        ("codes/{c:length(3)}", "codes/ab"),
        ("zips/{z:regex(^\\d{{5}}$)}", "zips/1234"),
        ("attachments/{name}.{ext}", "attachments/report"),
        ("tickets/{id?}", "tickets/1/2"),
    ],
)
def test_a_template_refuses_a_path_that_does_not_fit(template: str, path: str) -> None:
    assert RouteTemplate(template).match(path) is None


@pytest.mark.parametrize(
    ("specific", "general"),
    [
        ("tickets/new", "tickets/{id}"),
        ("tickets/{id:int}", "tickets/{id}"),
        ("tickets/{id}", "tickets/{*rest}"),
        ("files/{name}.{ext}", "files/{name}"),
        ("a/b/{c}", "a/{b}/c"),
    ],
)
def test_a_more_specific_template_takes_precedence(specific: str, general: str) -> None:
    assert RouteTemplate(specific).precedence < RouteTemplate(general).precedence


@pytest.mark.parametrize(
    "template",
    [
        "tickets//{id}",
        "tickets/{id",
        "tickets/id}",
        "tickets/{}",
        "tickets/{1id}",
        "tickets/{id}{n}",
        "tickets/{id}/{id}",
        "tickets/{id:unknown}",
        "tickets/{id:min(x)}",
        "tickets/{id:length(1,2,3)}",
        "tickets/{id?}/more",
        "files/{*rest}/more",
        "files/x{*rest}",
        "pages/{n=1?}",
        "zips/{z:regex([0-9)}",
    ],
)
def test_a_malformed_template_is_refused(template: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        RouteTemplate(template)
