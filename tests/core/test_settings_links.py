"""The drill-through link templates the marts get as dbt vars (the rendered links: tests/dashboards e2e)."""

from __future__ import annotations

from pathlib import Path

import pytest

from closedloop.core.errors import ClosedloopError
from closedloop.core.settings import Settings

VARIABLES = ("CLOSEDLOOP_HELPDESK_TICKET_URL", "CLOSEDLOOP_ZENDESK_SUBDOMAIN", "CLOSEDLOOP_TRACKER_ITEM_URL")


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return Settings(home=tmp_path, data_dir=tmp_path / "demo")


def test_without_a_zendesk_subdomain_or_a_tracker_address_there_are_no_links(settings: Settings) -> None:
    assert settings.drill_through_vars == {"helpdesk_ticket_url": "", "tracker_item_url": ""}


def test_a_zendesk_subdomain_gives_the_agent_view_of_a_ticket(settings: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOSEDLOOP_ZENDESK_SUBDOMAIN", "acme")
    monkeypatch.setenv("CLOSEDLOOP_TRACKER_ITEM_URL", "https://acme.atlassian.net/browse/{key}")
    assert settings.drill_through_vars == {"helpdesk_ticket_url": "https://acme.zendesk.com/agent/tickets/{id}",
                                           "tracker_item_url": "https://acme.atlassian.net/browse/{key}"}


def test_an_own_help_desk_address_replaces_zendesks(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOSEDLOOP_HELPDESK_TICKET_URL", "https://support.example.com/tickets/{id}/view")
    assert settings.drill_through_vars["helpdesk_ticket_url"] == "https://support.example.com/tickets/{id}/view"


@pytest.mark.parametrize(("variable", "template"), [
    ("CLOSEDLOOP_TRACKER_ITEM_URL", "https://acme.atlassian.net/browse/"),
    ("CLOSEDLOOP_TRACKER_ITEM_URL", "javascript:alert({key})"),
    ("CLOSEDLOOP_HELPDESK_TICKET_URL", "https://x.example/{id}'); drop table t; --"),
    ("CLOSEDLOOP_HELPDESK_TICKET_URL", "https://x.example/{id}/{id}"),
])
def test_a_template_that_is_no_link_is_refused_naming_the_variable(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                                   variable: str, template: str) -> None:
    monkeypatch.setenv(variable, template)
    with pytest.raises(ClosedloopError, match=variable):
        _ = settings.drill_through_vars
