"""Ticket type forms for synthetic history, and believable values for them.

Values are drawn once per form into a small pool of variants and passed through the same
``clean_data`` the API uses, so seeded tickets hold exactly what a real submission would.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from servicetickets.forms.fields import FieldDef
from servicetickets.forms.values import clean_data
from servicetickets.tickets.inputs import summary_of

VARIANTS_PER_FORM = 40

DEVICES = ["Laptop", "Desktop", "Monitor", "Printer", "Phone", "Network", "Other"]
ITEMS = ["Laptop", "Monitor", "Keyboard", "Mouse", "Headset", "Docking station", "Projector"]
SYSTEMS = ["Email", "VPN", "ERP", "CRM", "HR portal", "File share", "Wiki"]
ROOMS = ["Aurora (4)", "Borealis (8)", "Cosmos (12)", "Delta (20)", "Everest (40)"]

#: (name, description, fields). Names are at most 12 characters; no field needs an upload.
TEMPLATES: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "Fault repair",
        "Something broken or not working.",
        [
            {"key": "device", "label": "Device", "kind": "select", "options": DEVICES},
            {"key": "location", "label": "Location", "kind": "text", "required": True},
            {"key": "description", "label": "What happens", "kind": "textarea", "required": True},
            {"key": "photos", "label": "Photos", "kind": "image", "max_files": 5},
            {
                "key": "urgency",
                "label": "Urgency",
                "kind": "select",
                "required": True,
                "options": ["Low", "Normal", "High", "Critical"],
            },
        ],
    ),
    (
        "Equipment",
        "Borrow or get new equipment.",
        [
            {"key": "item", "label": "Item", "kind": "select", "required": True, "options": ITEMS},
            {"key": "period", "label": "From / to", "kind": "daterange", "required": True},
            {"key": "quantity", "label": "Quantity", "kind": "number", "min": 1, "max": 20},
            {"key": "note", "label": "Note", "kind": "textarea"},
        ],
    ),
    (
        "Access",
        "Access to a system or a shared folder.",
        [
            {"key": "system", "label": "Systems", "kind": "multiselect", "options": SYSTEMS},
            {"key": "manager", "label": "Approving manager", "kind": "member", "required": True},
            {"key": "reason", "label": "Why", "kind": "textarea", "required": True},
        ],
    ),
    (
        "Meeting room",
        "Book a meeting room.",
        [
            {"key": "room", "label": "Room", "kind": "select", "required": True, "options": ROOMS},
            {"key": "start", "label": "Starts", "kind": "datetime", "required": True},
            {"key": "attendees", "label": "Attendees", "kind": "number", "min": 1, "max": 40},
            {
                "key": "catering",
                "label": "Catering",
                "kind": "select",
                "options": ["None", "Coffee", "Lunch"],
            },
        ],
    ),
    (
        "Purchase",
        "Buy something for the team.",
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
            {"key": "needed_by", "label": "Needed by", "kind": "date"},
            {"key": "supplier", "label": "Supplier", "kind": "text"},
        ],
    ),
    (
        "Software",
        "Install or license software.",
        [
            {"key": "software", "label": "Software", "kind": "text", "required": True},
            {"key": "licences", "label": "Licences", "kind": "number", "min": 1, "max": 500},
            {"key": "justification", "label": "Why", "kind": "textarea", "required": True},
        ],
    ),
    (
        "Onboarding",
        "Prepare for a new colleague.",
        [
            {"key": "new_hire", "label": "New colleague", "kind": "text", "required": True},
            {"key": "start_date", "label": "First day", "kind": "date", "required": True},
            {"key": "email", "label": "Private e-mail", "kind": "email"},
            {"key": "equipment", "label": "Equipment", "kind": "multiselect", "options": ITEMS},
            {"key": "buddy", "label": "Buddy", "kind": "member"},
        ],
    ),
    (
        "Travel",
        "Book a business trip.",
        [
            {"key": "destination", "label": "Destination", "kind": "text", "required": True},
            {"key": "dates", "label": "Dates", "kind": "daterange", "required": True},
            {"key": "budget", "label": "Budget", "kind": "amount", "min": 0},
            {"key": "phone", "label": "Phone on the road", "kind": "phone"},
            {"key": "purpose", "label": "Purpose", "kind": "textarea"},
        ],
    ),
    (
        "Cleaning",
        "Extra cleaning of a place.",
        [
            {"key": "location", "label": "Where", "kind": "text", "required": True},
            {"key": "day", "label": "When", "kind": "date", "required": True},
            {"key": "details", "label": "Details", "kind": "textarea"},
        ],
    ),
    (
        "Badge",
        "A new or changed access badge.",
        [
            {"key": "info", "label": "Bring your old badge.", "kind": "note"},
            {"key": "employee", "label": "For", "kind": "member", "required": True},
            {
                "key": "reason",
                "label": "Reason",
                "kind": "select",
                "required": True,
                "options": ["New", "Lost", "Damaged", "Access change"],
            },
            {"key": "details", "label": "Details", "kind": "textarea"},
        ],
    ),
    (
        "Parking",
        "A parking permit.",
        [
            {"key": "plate", "label": "Number plate", "kind": "text", "required": True},
            {"key": "period", "label": "Period", "kind": "daterange", "required": True},
            {"key": "phone", "label": "Phone", "kind": "phone"},
        ],
    ),
    (
        "Expense",
        "Reimburse an expense.",
        [
            {"key": "amount", "label": "Amount", "kind": "amount", "required": True, "min": 0},
            {"key": "spent_on", "label": "Date", "kind": "date", "required": True},
            {
                "key": "category",
                "label": "Category",
                "kind": "select",
                "required": True,
                "options": ["Travel", "Meals", "Supplies", "Training", "Other"],
            },
            {"key": "receipt", "label": "Receipt", "kind": "file"},
            {"key": "description", "label": "What for", "kind": "textarea"},
        ],
    ),
    (
        "Print job",
        "Large or special print jobs.",
        [
            {"key": "description", "label": "What", "kind": "text", "required": True},
            {"key": "copies", "label": "Copies", "kind": "number", "required": True, "min": 1},
            {"key": "deadline", "label": "Deadline", "kind": "datetime"},
            {"key": "file", "label": "File", "kind": "file"},
        ],
    ),
    (
        "Moving",
        "Move desks or furniture.",
        [
            {"key": "from_location", "label": "From", "kind": "text", "required": True},
            {"key": "to_location", "label": "To", "kind": "text", "required": True},
            {"key": "move_date", "label": "Date", "kind": "date", "required": True},
            {
                "key": "items",
                "label": "Items",
                "kind": "table",
                "columns": [
                    {"key": "item", "label": "Item", "kind": "text", "required": True},
                    {"key": "count", "label": "Count", "kind": "number", "min": 1},
                ],
            },
        ],
    ),
    (
        "Workstation",
        "Ergonomic changes to a workplace.",
        [
            {"key": "location", "label": "Desk", "kind": "text", "required": True},
            {"key": "need", "label": "What is needed", "kind": "textarea", "required": True},
        ],
    ),
]

#: A type that was used for a while and then deleted.
RETIRED = (
    "Fax line",
    "Fax numbers and fax machines.",
    [
        {"key": "location", "label": "Location", "kind": "text", "required": True},
        {"key": "description", "label": "Request", "kind": "textarea"},
    ],
)

#: Added to the first type of each desk as its form version 2.
ADDED_FIELD: dict[str, Any] = {"key": "asset_tag", "label": "Asset tag", "kind": "text"}

_TEXTS: dict[str, list[str]] = {
    "location": [
        "Building A, room 101",
        "Building A, 2nd floor kitchen",
        "Building B, reception",
        "Building B, room 214",
        "Warehouse, loading bay",
        "HQ, 5th floor open space",
        "HQ, meeting room Delta",
        "Lab 3",
    ],
    "description": [
        "Does not start after the update",
        "Screen flickers every few minutes\nIt started on Monday.",
        "Paper jam that keeps coming back",
        "Very slow since this morning",
        "Makes a loud noise",
        "Cannot connect to the Wi-Fi",
        "Broken hinge",
        "Error message on start: code 0x80070005",
    ],
    "need": ["Standing desk", "Second monitor arm", "Foot rest", "Better chair"],
    "reason": [
        "Needed for the quarterly report",
        "New project starting next week",
        "Replacing a colleague on leave",
        "Auditors need read access",
    ],
    "software": ["Visio", "Adobe Acrobat Pro", "JetBrains IDE", "Tableau", "Zoom Webinar"],
    "justification": ["Required by the client", "Team standard", "Trial ended, we keep it"],
    "new_hire": ["Mia Chen", "Noah Patel", "Olivia Rossi", "Lucas Meyer", "Ava Kim"],
    "destination": ["Berlin", "Shanghai", "Lyon", "Toronto", "Singapore", "Madrid"],
    "purpose": ["Customer visit", "Trade fair", "Team offsite", "Training course"],
    "plate": ["B-AB 1234", "M-XY 77", "HH-Q 4512", "K-LM 900"],
    "supplier": ["Office World", "TechDirect", "Bureau Plus"],
    "name": ["Toner cartridge", "USB-C cable", "Notebooks", "Whiteboard markers", "Chairs"],
    "item": ["Desk", "Chair", "Cabinet", "Boxes", "Plant"],
    "from_location": ["Building A, room 101", "HQ, 3rd floor"],
    "to_location": ["Building B, room 214", "HQ, 5th floor"],
}
_FALLBACK_TEXTS = [
    "Please help",
    "See the details below",
    "Needed as soon as possible",
    "Follow-up of last week's request",
]


def template_for(index: int) -> tuple[str, str, list[dict[str, Any]]]:
    """The ``index``-th form of a desk; past the catalogue, names get a number (max 12 chars)."""
    name, description, fields = TEMPLATES[index % len(TEMPLATES)]
    if index >= len(TEMPLATES):
        name = f"{name[:9].rstrip()} {index // len(TEMPLATES) + 1}"
    return name, description, fields


class _Members:
    """A ``DataContext`` that knows the seeded usernames without asking the database."""

    def __init__(self, usernames: Sequence[str]) -> None:
        self.usernames = frozenset(usernames)

    def member_exists(self, username: str) -> bool:
        return username in self.usernames

    def upload_problem(self, upload_ids: list[str], *, images_only: bool) -> str | None:
        return None


def variants(
    fields: list[FieldDef],
    *,
    rng: random.Random,
    members: Sequence[str],
    fallback_title: str,
    today: date,
    count: int = VARIANTS_PER_FORM,
) -> list[tuple[str, dict[str, Any]]]:
    """``count`` (title, data) pairs for a form, each as the API would store it."""
    context = _Members(members)
    out = []
    for _i in range(count):
        raw = {f.key: _value(f, rng, members, today) for f in fields if f.takes_value}
        raw = {k: v for k, v in raw.items() if v is not None}
        data = clean_data(fields, raw, context=context)
        out.append((summary_of(list(fields), data, fallback_title), data))
    return out


def _value(field: FieldDef, rng: random.Random, members: Sequence[str], today: date) -> Any:
    if not field.required and rng.random() < 0.25:
        return None
    kind = field.kind
    if kind in ("text", "textarea"):
        return rng.choice(_TEXTS.get(field.key) or _FALLBACK_TEXTS)
    if kind in ("number", "amount"):
        low = int(field.min) if field.min is not None else 1
        high = int(field.max) if field.max is not None else max(low + 10, 50)
        if kind == "amount":
            return round(rng.uniform(low, min(high, 2000)), 2)
        return rng.randint(low, min(high, low + 30))
    if kind == "date":
        return (today + timedelta(days=rng.randint(-20, 40))).isoformat()
    if kind == "datetime":
        day = today + timedelta(days=rng.randint(0, 30))
        moment = datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.choice((0, 30)))
        return moment.isoformat()
    if kind == "daterange":
        start = today + timedelta(days=rng.randint(0, 30))
        return [start.isoformat(), (start + timedelta(days=rng.randint(0, 14))).isoformat()]
    if kind == "select":
        return rng.choice(field.options)
    if kind == "multiselect":
        return rng.sample(field.options, rng.randint(1, min(3, len(field.options))))
    if kind == "phone":
        return f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    if kind == "email":
        return f"{rng.choice(['mia', 'noah', 'ava', 'lucas'])}{rng.randint(1, 99)}@example.org"
    if kind == "member":
        return rng.choice(members)
    if kind == "table":
        return [
            {c.key: v for c in field.columns if (v := _value(c, rng, members, today)) is not None}
            for _row in range(rng.randint(1, 4))
        ]
    return None  # image, file: seeded tickets carry no uploads
