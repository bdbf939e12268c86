"""API bodies shared by several capabilities' routers (pydantic; no logic)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DecisionIn(BaseModel):
    """A reviewer's decision on something waiting for one: approve or not, and why."""

    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: str = Field(min_length=1, max_length=500)
