"""A member's own data in the supporters plugin: the support one gave is in one's copy and the
support one received in the beneficiary's; closing blanks what the supporter wrote, keeping the record."""

from __future__ import annotations

from resalat_supporters import mydata, services
from resalat_supporters.models import SupportAction

from resalat_core.sdk import Member
from resalat_core.testing import work


def test_support_given_and_received_and_what_closing_blanks(app, make_member, person):
    zahra = make_member("supporter", kind="technical", name="زهرا حامی")
    maryam, stranger = person(), make_member()
    with work(app) as s:
        action_id = services.record_action(
            s,
            s.get(Member, zahra),
            kind="technical",
            member=maryam.mobile,
            happened_on=services.today(),
            description="آموزش رنگرزی گیاهی",
        ).id
    with app.test_request_context(), work(app) as s:
        [given] = mydata.resalat_member_data(s, s.get(Member, zahra))
        [received] = mydata.resalat_member_data(s, s.get(Member, maryam.id))
        assert mydata.resalat_member_data(s, s.get(Member, stranger)) == []
    assert [a["description"] for a in given.data["support_given"]] == ["آموزش رنگرزی گیاهی"]
    assert given.data["support_received"] == []
    assert [a["id"] for a in received.data["support_received"]] == [action_id]
    with work(app) as s:
        mydata.resalat_member_closed(s, s.get(Member, zahra))
    with work(app) as s:
        kept = s.get(SupportAction, action_id)
        assert (kept.description, kept.beneficiary_member_id) == ("", maryam.id)
