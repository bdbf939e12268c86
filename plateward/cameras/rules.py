"""What other capabilities may know about a camera: pure values, no database, web or I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CameraRef:
    """What read validation needs to know about a registered camera."""

    id: int
    code: str
    is_fixed: bool
    active: bool
    latitude: float | None
    longitude: float | None
