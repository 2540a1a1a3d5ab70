"""The gateway adapter is chosen by name: a built-in, or a provider's class named in the config."""

from __future__ import annotations

import pytest
from resalat_hesam import gateways


def test_a_provider_adapter_is_named_by_its_import_path():
    assert isinstance(gateways.gateway_named("sandbox"), gateways.SandboxGateway)
    found = gateways.gateway_named("resalat_hesam.gateways:SandboxGateway")
    assert found.name == "sandbox"


@pytest.mark.parametrize("name", ["", "mybank", "no_such_module:Gateway", "resalat_hesam.gateways:Nothing"])
def test_an_unknown_gateway_is_a_gateway_error(name):
    with pytest.raises(gateways.GatewayError):
        gateways.gateway_named(name)


@pytest.mark.parametrize(
    ("card", "ok"),
    [(gateways.SANDBOX_CARD, True), ("6037990000000000", False), ("60379900", False), ("۶۰۳۷", False)],
)
def test_card_numbers_are_checked_with_luhn(card, ok):
    assert gateways.luhn_ok(card) is ok
