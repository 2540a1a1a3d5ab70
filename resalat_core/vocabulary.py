"""The words of the ecosystem, each owned by the host or by one plugin: roles, system accounts,
account kinds, transfer purposes and notification kinds.

The host declares only its own (member and admin, cash in, the main and earmarked accounts);
every plugin declares the rest on its ``Plugin`` and in its ``messages`` module, and the host
collects them when it loads the plugin, refusing a name two owners claim. Services ask
``vocabulary()`` (the current app's) instead of keeping lists of other owners' words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context

from resalat_core.errors import PluginError
from resalat_core.i18n import _l
from resalat_core.plugins.base import (
    AccountKind,
    MessageKind,
    Persona,
    Plugin,
    Purpose,
    Role,
    SystemAccount,
)
from resalat_core.words import Text, decode_params, render

HOST = "core"

# Account kinds the ledger itself knows. Plugins add theirs (deposits adds ``deposit``).
MEMBER_MAIN = "member_main"
EARMARKED = "earmarked"
SYSTEM = "system"

HOST_ROLES = (
    Role(
        "member",
        _l("Member"),
        description=_l("Everyone who has joined; implied for all."),
        personas=(Persona("member", "مریم احمدی", "09120000002", "001000002", "zanjan/gorg-tappeh"),),
    ),
    Role(
        "admin",
        _l("Administrator"),
        description=_l("Runs the system in a region or nationwide; holds every permission there."),
        personas=(Persona("admin", "مدیر سامانه", "09120000001", "001000001", "tehran/tehran"),),
    ),
)
HOST_ACCOUNTS = (
    # The outside world's side of top-ups: its balance is minus what members brought in.
    SystemAccount("cash_in", _l("Cash in"), may_go_negative=True),
)
HOST_ACCOUNT_KINDS = (
    AccountKind(MEMBER_MAIN, _l("Main account")),
    AccountKind(EARMARKED, _l("Earmarked money")),
    AccountKind(SYSTEM, _l("System account")),
)
HOST_PURPOSES = (Purpose("admin_adjustment", _l("Adjustment by the administrator")),)


@dataclass
class Vocabulary:
    """Every declared word and its owner (``core`` for the host's)."""

    roles: dict[str, Role] = field(default_factory=dict)
    accounts: dict[str, SystemAccount] = field(default_factory=dict)
    account_kinds: dict[str, AccountKind] = field(default_factory=dict)
    purposes: dict[str, Purpose] = field(default_factory=dict)
    messages: dict[tuple[str, str], MessageKind] = field(default_factory=dict)
    owner: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of_host(cls) -> Vocabulary:
        vocab = cls()
        vocab.add(HOST, roles=HOST_ROLES, accounts=HOST_ACCOUNTS, account_kinds=HOST_ACCOUNT_KINDS)
        vocab.add(HOST, purposes=HOST_PURPOSES)
        return vocab

    # -- declaring --------------------------------------------------------------------------------
    def check(self, owner: str, plugin: Plugin, messages: list[MessageKind]) -> None:
        """Raise PluginError if anything ``plugin`` declares is already someone else's."""
        for space, names in (
            ("role", [r.name for r in plugin.roles]),
            ("system account", [a.code for a in plugin.accounts]),
            ("account kind", [k.name for k in plugin.account_kinds]),
            ("purpose", [p.code for p in plugin.purposes]),
        ):
            seen: set[str] = set()
            for name in names:
                taken = self.owner.get((space, name))
                if taken is not None or name in seen:
                    by = "the host" if taken == HOST else (taken or owner)
                    raise PluginError(f"{space} {name!r} is already declared by {by}")
                seen.add(name)
        kinds = [m.kind for m in messages]
        dupes = sorted({k for k in kinds if kinds.count(k) > 1})
        if dupes:
            raise PluginError(f"message kind {dupes[0]!r} is declared twice in {owner}.messages")
        for role in plugin.roles:
            for kind in role.kinds:
                if not kind.name:
                    raise PluginError(f"role {role.name!r} has a kind without a name")

    def add(
        self,
        owner: str,
        *,
        roles: tuple[Role, ...] = (),
        accounts: tuple[SystemAccount, ...] = (),
        account_kinds: tuple[AccountKind, ...] = (),
        purposes: tuple[Purpose, ...] = (),
        messages: list[MessageKind] | None = None,
    ) -> None:
        for role in roles:
            self.roles[role.name] = role
            self.owner[("role", role.name)] = owner
        for account in accounts:
            self.accounts[account.code] = account
            self.owner[("system account", account.code)] = owner
        for kind in account_kinds:
            self.account_kinds[kind.name] = kind
            self.owner[("account kind", kind.name)] = owner
        for purpose in purposes:
            self.purposes[purpose.code] = purpose
            self.owner[("purpose", purpose.code)] = owner
        for message in messages or []:
            self.messages[(owner, message.kind)] = message

    # -- reading ----------------------------------------------------------------------------------
    def role(self, name: str) -> Role | None:
        return self.roles.get(name)

    def personas(self) -> list[tuple[Role, Persona]]:
        return [(role, persona) for role in self.roles.values() for persona in role.personas]

    def role_title(self, name: str, kind: str | None = None) -> str:
        role = self.roles.get(name)
        if role is None:
            return str(_l("Unknown role"))
        if kind:
            found = role.kind(kind)
            return str(found.title) if found else str(role.title)
        return str(role.title)

    def purpose_label(self, code: str | None) -> str:
        """What a member reads for a transfer's purpose; a code nobody declares reads as 'Other'."""
        purpose = self.purposes.get(code or "")
        return str(purpose.label) if purpose else str(_l("Other transfer"))

    def purpose_detail(self, code: str | None, params: dict[str, Any] | None) -> str:
        """The purpose's detail line filled with the transfer's stored parameters ('' if none)."""
        purpose = self.purposes.get(code or "")
        if purpose is None or purpose.detail is None or params is None:
            return ""
        try:
            return render(purpose.detail, decode_params(params))
        except (KeyError, TypeError, ValueError):
            # A transfer written before its purpose's wording gained a variable.
            return ""

    def account_kind_title(self, kind: str) -> Text:
        found = self.account_kinds.get(kind)
        return found.title if found else _l("Account")

    def message(self, source: str, kind: str) -> MessageKind | None:
        return self.messages.get((source, kind))


_HOST_ONLY = Vocabulary.of_host()


def vocabulary() -> Vocabulary:
    """The current app's vocabulary; outside an app, the host's words alone."""
    if has_app_context() and "resalat" in current_app.extensions:
        vocab: Vocabulary = current_app.extensions["resalat"].vocabulary
        return vocab
    return _HOST_ONLY


def messages_of(module: Any) -> list[MessageKind]:
    """The message kinds a plugin's ``messages`` module declares at its top level."""
    if module is None:
        return []
    return [value for value in vars(module).values() if isinstance(value, MessageKind)]
