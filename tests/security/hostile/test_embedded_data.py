"""Strings a page hands to its scripts (``json_script`` blocks, ``data-*`` attributes, the
designer's JSON answers) survive as the exact stored text: escaped for HTML on the way, never
changed, never markup."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from servicetickets.accounts.models import User
from tests.security.hostile.markup import Page, assert_inert
from tests.security.hostile.world import World, hostile_form


def _page(world: World, user: User, url: str) -> Page:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return assert_inert(response.content, url)


def _labels(fields: list[dict[str, Any]]) -> list[str]:
    return [f["label"] for f in fields] + [c["label"] for f in fields for c in f.get("columns", [])]


def test_the_designer_reads_labels_help_and_options_back_exactly(world: World) -> None:
    sent = [json.loads(json.dumps(f)) for f in hostile_form(world.payload)]
    page = _page(world, world.admin, reverse("type-designer", args=[world.kind.pk]))

    stored = page.json_scripts()["designer-fields"]

    assert isinstance(stored, list)
    assert _labels(stored) == [label.strip() for label in _labels(sent)]
    assert [f.get("help", "") for f in stored] == [f["help"].strip() for f in sent]
    assert [f.get("options") for f in stored] == [
        [o.strip() for o in f["options"]] if "options" in f else None for f in sent
    ]


def test_saving_the_form_answers_the_labels_as_exact_json(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    fields = hostile_form(world.payload)

    response = client.post(
        reverse("type-designer", args=[world.kind.pk]),
        json.dumps({"fields": fields}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert _labels(response.json()["fields"]) == [label.strip() for label in _labels(fields)]


def test_the_menu_editor_reads_group_and_entry_labels_back_exactly(world: World) -> None:
    page = _page(world, world.admin, reverse("desk-menu", args=[world.desk.pk]))

    config = page.json_scripts()["menu-config"]

    assert isinstance(config, dict)
    [group] = config["entries"]
    assert group["label"] == world.payload.fit(40).strip()
    assert group["children"][0]["label"] == world.payload.fit(40).strip()
    assert config["types"] == [{"id": world.kind.pk, "name": world.kind.name}]


def test_the_confirm_question_carries_names_as_attribute_text(world: World) -> None:
    page = _page(world, world.root, reverse("site-desk", args=[world.desk.pk]))

    [question] = [e.attrs["data-confirm"] for e in page.elements if "data-confirm" in e.attrs]

    assert f"Remove {world.admin.display_name} as an admin of {world.desk.name}?" == question
