"""Hooks scoring calls: `rescored(result)` after a re-scoring round wrote scores, inside its
transaction (the dashboard announces new scores to open pages there)."""

from __future__ import annotations

from typing import Any

from dxgov.core.hooks import Hook

rescored: Hook[Any] = Hook()
