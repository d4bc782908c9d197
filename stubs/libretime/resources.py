"""The upstream v2 collections the stub serves: which schema components, keys and defaults each uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .openapi import FieldSpec, field_specs

DURATIONS = frozenset({"length", "cue_in", "cue_out", "filled_time"})


@dataclass(frozen=True)
class Resource:
    path: str  # URL segment under /api/v2/
    table: str  # store table name
    model: str  # Django model name, used in 404 bodies
    read: str  # component rendered on reads
    create: str  # component validated on POST
    update: str  # component validated on PUT/PATCH
    fks: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    unique: tuple[str, ...] = ()
    verbose_name: str = ""
    filters: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return hash(self.path)

    @cached_property
    def read_fields(self) -> dict[str, FieldSpec]:
        return field_specs(self.read, durations=DURATIONS, fks=self.fks)

    @cached_property
    def create_fields(self) -> dict[str, FieldSpec]:
        return field_specs(self.create, durations=DURATIONS, fks=self.fks)

    @cached_property
    def update_fields(self) -> dict[str, FieldSpec]:
        return field_specs(self.update, durations=DURATIONS, fks=self.fks)


FILES = Resource(
    path="files",
    table="files",
    model="File",
    read="File",
    create="File",
    update="File",
    fks={"library": "libraries", "owner": "users", "edited_by": "users"},
    # The model's own defaults; exists, hidden, scheduled and part_of_list stay null unless given.
    defaults={"import_status": 1},
    filters=("md5", "genre"),
)
LIBRARIES = Resource(
    path="libraries",
    table="libraries",
    model="Library",
    read="Library",
    create="Library",
    update="Library",
    defaults={"enabled": True, "analyze_cue_points": True},
    unique=("code",),
    verbose_name="library",
)
SHOWS = Resource(
    path="shows",
    table="shows",
    model="Show",
    read="Show",
    create="Show",
    update="Show",
    # Playlists are not modelled: any playlist id is "Invalid pk", as on a station without playlists.
    fks={"auto_playlist": "playlists", "intro_playlist": "playlists", "outro_playlist": "playlists"},
    defaults={"live_enabled": False},
)
SHOW_INSTANCES = Resource(
    path="show-instances",
    table="show_instances",
    model="ShowInstance",
    read="ShowInstance",
    create="ShowInstance",
    update="ShowInstance",
    fks={"show": "shows", "instance": "show_instances", "record_file": "files"},
    defaults={"record_enabled": 0},
)
SCHEDULE = Resource(
    path="schedule",
    table="schedule",
    model="Schedule",
    read="ReadSchedule",
    create="WriteSchedule",
    # Upstream updates through the read serializer: cue_out and ends_at are read-only there.
    update="ReadSchedule",
    fks={"instance": "show_instances", "file": "files", "stream": "webstreams"},
    defaults={"position_status": 1},
    filters=(
        "starts_after",
        "starts_before",
        "ends_after",
        "ends_before",
        "position_status",
        "broadcasted",
        "overbooked",
    ),
)
PLAYOUT_HISTORY = Resource(
    path="playout-history",
    table="playout_history",
    model="PlayoutHistory",
    read="PlayoutHistory",
    create="PlayoutHistory",
    update="PlayoutHistory",
    fks={"file": "files", "instance": "show_instances"},
)
WEBSTREAMS = Resource(
    path="webstreams",
    table="webstreams",
    model="Webstream",
    read="Webstream",
    create="Webstream",
    update="Webstream",
)

RESOURCES: tuple[Resource, ...] = (FILES, LIBRARIES, SHOWS, SHOW_INSTANCES, SCHEDULE, PLAYOUT_HISTORY, WEBSTREAMS)
BY_TABLE = {r.table: r for r in RESOURCES}
TABLES = tuple(r.table for r in RESOURCES)
