"""What the demo is made of: its people, desks, ticket types with their forms, and believable
answers to those forms."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    role: str | Promise
    site_admin: bool = False


PEOPLE = (
    Person("admin", "Ada Admin", _("site admin"), site_admin=True),
    Person("itadmin", "Ivan Iverson", _("desk admin, IT Assistant")),
    Person("facadmin", "Fatima Farouk", _("desk admin, Facilities")),
    Person("hank", "Hank Hughes", _("handler, IT Assistant")),
    Person("hilda", "Hilda Hansen", _("handler, IT Assistant")),
    Person("fred", "Fred Fischer", _("handler, Facilities")),
    Person("alice", "Alice Anders", _("employee")),
    Person("bob", "Bob Brown", _("employee")),
    Person("carol", "Carol Chen", _("employee")),
)

#: (title, data) for a ticket submitted on the given day.
Answers = Callable[[random.Random, date], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class DemoType:
    name: str
    description: str
    fields: list[dict[str, Any]]
    answers: Answers
    weight: float


@dataclass(frozen=True)
class DemoDesk:
    code: str
    name: str
    admin: str
    handlers: tuple[str, ...]
    # Who submits here, with how often.
    requesters: dict[str, int]
    types: tuple[DemoType, ...]
    # Menu: (group label, [type names]) and then top-level type names.
    group: tuple[str, tuple[str, ...]]
    top: tuple[str, ...]
    share: float  # of all demo tickets


def _pick(rng: random.Random, options: list[str]) -> str:
    return rng.choice(options)


def _fault(rng: random.Random, day: date) -> tuple[str, dict[str, Any]]:
    device, problem = rng.choice(
        [
            ("Laptop", "Laptop does not start after the update"),
            ("Laptop", "Battery drains within an hour"),
            ("Monitor", "Second screen flickers\nIt gets worse in the afternoon."),
            ("Printer", "Printer on the 2nd floor jams on every page"),
            ("Phone", "Desk phone has no dial tone"),
            ("Network", "Wi-Fi drops in the meeting rooms"),
            ("Desktop", "PC is very slow since Monday"),
            ("Other", "Projector in Delta shows no picture"),
        ]
    )
    data: dict[str, Any] = {
        "device": device,
        "location": _pick(rng, ["Building A, 2.14", "Building A, 3.02", "HQ, reception", "Lab 3"]),
        "description": problem,
        "urgency": rng.choices(["Low", "Normal", "High", "Critical"], weights=[2, 6, 3, 1])[0],
    }
    return problem.splitlines()[0], data


def _equipment(rng: random.Random, day: date) -> tuple[str, dict[str, Any]]:
    start = day + timedelta(days=rng.randint(1, 10))
    item = _pick(rng, ["Laptop", "Monitor", "Headset", "Docking station", "Projector"])
    quantity = rng.choice([1, 1, 1, 2, 4])
    return f"{quantity} x {item}", {
        "item": item,
        "period": [start.isoformat(), (start + timedelta(days=rng.randint(0, 14))).isoformat()],
        "quantity": quantity,
    }


def _access(rng: random.Random, day: date) -> tuple[str, dict[str, Any]]:
    systems = rng.sample(["Email", "VPN", "ERP", "CRM", "HR portal", "File share"], 2)
    return "Access to " + " and ".join(systems), {
        "system": systems,
        "manager": _pick(rng, ["itadmin", "facadmin", "carol"]),
        "reason": _pick(
            rng,
            [
                "I am taking over the supplier reports from Dana.",
                "Working from home next month.",
                "New project: customer portal.",
                "Need to read the audit folder.",
            ],
        ),
    }


def _repairs(rng: random.Random, day: date) -> tuple[str, dict[str, Any]]:
    location, problem = rng.choice(
        [
            ("Building A, kitchen", "Dishwasher leaks"),
            ("Building A, 2nd floor", "Ceiling light flickers"),
            ("Building B, room 214", "Window does not close"),
            ("HQ, car park", "Barrier stuck open"),
            ("HQ, 5th floor", "Air conditioning far too cold"),
            ("Building B, toilets", "Tap keeps running"),
        ]
    )
    return f"{problem} ({location})", {"location": location, "problem": problem}


def _meeting(rng: random.Random, day: date) -> tuple[str, dict[str, Any]]:
    when = day + timedelta(days=rng.randint(1, 14))
    moment = datetime(when.year, when.month, when.day, rng.randint(8, 16), rng.choice([0, 30]))
    room = _pick(rng, ["Aurora (4)", "Borealis (8)", "Cosmos (12)", "Delta (20)"])
    return f"{room}, {moment:%Y-%m-%d %H:%M}", {
        "room": room,
        "start": moment.isoformat(),
        "attendees": rng.randint(2, 20),
    }


def _purchase(rng: random.Random, day: date) -> tuple[str, dict[str, Any]]:
    catalogue = [
        ("Whiteboard markers", 4.5),
        ("Desk lamp", 29.9),
        ("Office chair", 189.0),
        ("Coffee beans 1 kg", 17.25),
        ("Plant", 24.0),
        ("Ergonomic mouse", 39.99),
    ]
    rows: list[dict[str, Any]] = []
    for name, price in rng.sample(catalogue, rng.randint(1, 3)):
        rows.append({"name": name, "count": rng.randint(1, 6), "price": price})
    total = round(sum(r["count"] * r["price"] for r in rows), 2)
    return ", ".join(r["name"] for r in rows), {"items": rows, "total": total}


DEVICES = ["Laptop", "Desktop", "Monitor", "Printer", "Phone", "Network", "Other"]

IT = DemoDesk(
    code="IT",
    name="IT Assistant",
    admin="itadmin",
    handlers=("hank", "hilda"),
    requesters={"alice": 5, "bob": 4, "carol": 3, "fred": 1, "facadmin": 1},
    types=(
        DemoType(
            "Fault repair",
            "Something is broken or does not work.",
            [
                {"key": "device", "label": "Device", "kind": "select", "options": DEVICES},
                {"key": "location", "label": "Location", "kind": "text", "required": True},
                {"key": "description", "label": "What happens", "kind": "textarea"},
                {"key": "photos", "label": "Photos", "kind": "image", "max_files": 5},
                {
                    "key": "urgency",
                    "label": "Urgency",
                    "kind": "select",
                    "options": ["Low", "Normal", "High", "Critical"],
                },
            ],
            _fault,
            5,
        ),
        DemoType(
            "Equipment",
            "Borrow or get new equipment.",
            [
                {
                    "key": "item",
                    "label": "Item",
                    "kind": "select",
                    "required": True,
                    "options": ["Laptop", "Monitor", "Headset", "Docking station", "Projector"],
                },
                {"key": "period", "label": "From / to", "kind": "daterange", "required": True},
                {"key": "quantity", "label": "Quantity", "kind": "number", "min": 1, "max": 20},
            ],
            _equipment,
            3,
        ),
        DemoType(
            "Access",
            "Access to a system or a shared folder.",
            [
                {
                    "key": "system",
                    "label": "Systems",
                    "kind": "multiselect",
                    "required": True,
                    "options": ["Email", "VPN", "ERP", "CRM", "HR portal", "File share"],
                },
                {"key": "manager", "label": "Approving manager", "kind": "member"},
                {"key": "reason", "label": "Why", "kind": "textarea", "required": True},
            ],
            _access,
            2,
        ),
    ),
    group=("Hardware", ("Fault repair", "Equipment")),
    top=("Access",),
    share=0.6,
)

FAC = DemoDesk(
    code="FAC",
    name="Facilities",
    admin="facadmin",
    handlers=("fred",),
    requesters={"alice": 4, "bob": 3, "carol": 4, "hank": 1, "hilda": 1, "itadmin": 1},
    types=(
        DemoType(
            "Repairs",
            "Something in the building needs fixing.",
            [
                {"key": "location", "label": "Where", "kind": "text", "required": True},
                {"key": "problem", "label": "Problem", "kind": "textarea", "required": True},
                {"key": "photos", "label": "Photos", "kind": "image", "max_files": 5},
            ],
            _repairs,
            4,
        ),
        DemoType(
            "Meeting room",
            "Book a meeting room.",
            [
                {
                    "key": "room",
                    "label": "Room",
                    "kind": "select",
                    "required": True,
                    "options": ["Aurora (4)", "Borealis (8)", "Cosmos (12)", "Delta (20)"],
                },
                {"key": "start", "label": "Starts", "kind": "datetime", "required": True},
                {"key": "attendees", "label": "Attendees", "kind": "number", "min": 1, "max": 40},
            ],
            _meeting,
            3,
        ),
        DemoType(
            "Purchase",
            "Buy something for the office.",
            [
                {
                    "key": "items",
                    "label": "Items",
                    "kind": "table",
                    "required": True,
                    "columns": [
                        {"key": "name", "label": "Item", "kind": "text", "required": True},
                        {"key": "count", "label": "Count", "kind": "number", "min": 1},
                        {"key": "price", "label": "Unit price", "kind": "amount", "min": 0},
                    ],
                },
                {"key": "total", "label": "Total", "kind": "amount", "required": True, "min": 0},
            ],
            _purchase,
            2,
        ),
    ),
    group=("Building", ("Repairs", "Meeting room")),
    top=("Purchase",),
    share=0.4,
)

DESKS = (IT, FAC)
