"""Hooks: how a lower app announces a change to the apps above it without importing them.

A domain app defines its hooks (`<app>/signals.py`) and calls them inside the transaction of
the change; an app above connects its receivers in its `AppConfig.ready()` (the dashboard's
change feed, scoring's counts). Unlike Django's signals, a hook is typed, keeps no weak
references and lets a receiver's exception propagate, so a failing receiver rolls the change
back with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Hook(Generic[T]):
    """A plain list of functions, called in the order they were connected."""

    def __init__(self) -> None:
        self.receivers: list[Callable[[T], None]] = []

    def connect(self, receiver: Callable[[T], None]) -> Callable[[T], None]:
        if receiver not in self.receivers:
            self.receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Callable[[T], None]) -> None:
        if receiver in self.receivers:
            self.receivers.remove(receiver)

    def __call__(self, value: T) -> None:
        for receiver in list(self.receivers):
            receiver(value)
