"""The bases every idspine screen extends: typed access to the app, its workspace and its settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:  # the App module imports every screen; importing it here at run time would be a cycle
    from wizard.session import WorkspaceState
    from wizard.settings import Connections
    from wizard.ui.app import IdspineApp

ScreenResultT = TypeVar("ScreenResultT")


class IdspineScreen(Screen[ScreenResultT]):
    """A screen of the idspine app (use `self.idspine` rather than `self.app` for typed access)."""

    @property
    def idspine(self) -> IdspineApp:
        """The running app, typed."""
        return cast("IdspineApp", self.app)

    @property
    def workspace_state(self) -> WorkspaceState:
        """The open workspace; screens are only pushed once it has loaded."""
        state = self.idspine.state
        if state is None:  # pragma: no cover - the app opens no screen before the workspace loads
            raise RuntimeError("the workspace has not loaded yet")
        return state

    @property
    def connections(self) -> Connections:
        """Where the providers are and how to reach them."""
        return self.idspine.connections


class IdspineModalScreen(ModalScreen[ScreenResultT], IdspineScreen[ScreenResultT]):
    """A modal screen (dims what is under it, its bindings come first) with the same typed access."""
