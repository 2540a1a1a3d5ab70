"""An administrator records cash a member brought in: once per form, and only with the permission."""

from __future__ import annotations

import re

import pytest
from resalat_hesam import services

URL = "/hesam/admin/topup"


def _form(client) -> dict[str, str]:
    html = client.get(URL).get_data(as_text=True)
    return {"key": re.search(r'name="key" value="([^"]+)"', html).group(1)}


def test_an_admin_records_a_cash_top_up_and_the_member_sees_it(client_as, person, balance_of):
    admin = client_as("admin")
    maryam = person(name="مریم احمدی")

    done = admin.form(URL, {**_form(admin), "member": maryam.mobile, "amount": "۵٬۰۰۰٬۰۰۰", "note": "نقد"})

    assert done.status_code == 302
    assert "۵٬۰۰۰٬۰۰۰ تومان به حساب مریم احمدی افزوده شد" in admin.get(URL).get_data(as_text=True)
    assert balance_of(maryam.id) == 50_000_000


def test_submitting_the_same_top_up_form_twice_records_it_once(client_as, person, balance_of):
    admin = client_as("admin")
    maryam = person()
    data = {**_form(admin), "member": maryam.national_code, "amount": "1000"}

    admin.form(URL, data)
    admin.form(URL, data)

    assert "این واریز پیش‌تر ثبت شده بود" in admin.get(URL).get_data(as_text=True)
    assert balance_of(maryam.id) == 10_000
    # A new form is a new top-up.
    admin.form(URL, {**data, **_form(admin)})
    assert balance_of(maryam.id) == 20_000


def test_a_member_without_the_permission_gets_403_and_moves_nothing(client_as, person, ledger_snapshot):
    member = client_as()
    maryam = person()
    before = ledger_snapshot()

    assert member.get(URL).status_code == 403
    answer = member.form(
        URL, {"key": "k", "member": maryam.mobile, "amount": "1000"}, token_from="/hesam/transfer"
    )

    assert answer.status_code == 403
    assert ledger_snapshot() == before
    assert "ثبت واریز نقدی" not in member.get("/hesam/").get_data(as_text=True)


def test_an_admin_of_one_province_cannot_top_up_in_another(client_as, person, ledger_snapshot):
    admin = client_as("admin", region="zanjan/zanjan")
    in_tehran = person(region="tehran/tehran")
    before = ledger_snapshot()

    answer = admin.form(URL, {**_form(admin), "member": in_tehran.mobile, "amount": "1000"})

    assert answer.status_code == 403
    assert "فقط می‌توانید به حساب اعضای منطقه‌ی خودتان" in answer.get_data(as_text=True)
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("member", "amount", "field"),
    [
        ("09359999999", "1000", "member"),
        ("", "1000", "member"),
        ("{mobile}", "0", "amount"),
        ("{mobile}", "-10", "amount"),
        ("{mobile}", "ده", "amount"),
    ],
)
def test_bad_top_ups_are_refused_and_move_nothing(client_as, person, ledger_snapshot, member, amount, field):
    admin = client_as("admin")
    maryam = person()
    before = ledger_snapshot()

    answer = admin.form(
        URL, {**_form(admin), "member": member.format(mobile=maryam.mobile), "amount": amount}
    )

    assert answer.status_code == 400
    assert f'id="e-{field}"' in answer.get_data(as_text=True)
    assert ledger_snapshot() == before


def test_the_manual_gateway_is_a_seam_a_bank_gateway_can_fill(app, make_member):
    """Any object with ``name`` and ``settle`` is a gateway; one that refuses moves nothing."""
    from resalat_core.sdk import BadInput, Member, get_db

    class DecliningBank:
        name = "bank"

        def settle(self, request: services.TopUpRequest) -> services.GatewayReceipt:
            raise BadInput("the bank says the payment was not completed")

    class Bank:
        name = "bank"

        def settle(self, request: services.TopUpRequest) -> services.GatewayReceipt:
            return services.GatewayReceipt(self.name, f"trace-{request.key}")

    member_id = make_member()
    with app.app_context():
        s = get_db().session
        member = s.get(Member, member_id)
        with pytest.raises(BadInput):
            services.top_up(s, member, 10_000, key="ipg-1", gateway=DecliningBank())
        assert services.main_balance(s, member) == 0
        sent = services.top_up(s, member, 10_000, key="ipg-2", gateway=Bank())
        s.commit()
        assert (sent.transfer.reference, services.main_balance(s, member)) == ("trace-ipg-2", 10_000)
