"""A member's own data in the guides plugin: a guide's record of the member and the advice written
about them are in the member's copy; closing puts the placeholders on the record and blanks the advice."""

from __future__ import annotations

from resalat_guides import mydata, services
from resalat_guides.models import Advice, Candidate
from sqlalchemy import select

from resalat_core.sdk import Member
from resalat_core.testing import work


def test_the_record_of_a_member_is_in_their_copy_and_closing_blanks_it(app, guide, record, act, person):
    roghayeh = person(name="رقیه محمدی")
    candidate = record(guide.member_id, national_code=roghayeh.national_code, mobile=roghayeh.mobile)
    act(guide.member_id, candidate, services.advise, text="از فروش شیر محلی آغاز کنید")
    with work(app) as s:
        s.get(Candidate, candidate).member_id = roghayeh.id  # as converting her into a core does
    with app.test_request_context(), work(app) as s:
        [section] = mydata.resalat_member_data(s, s.get(Member, roghayeh.id))
        assert mydata.resalat_member_data(s, s.get(Member, guide.member_id)) == []
    assert [(r["id"], r["national_code"]) for r in section.data["records"]] == [
        (candidate, roghayeh.national_code)
    ]
    assert [a["text"] for a in section.data["advice"]] == ["از فروش شیر محلی آغاز کنید"]
    with work(app) as s:
        member = s.get(Member, roghayeh.id)
        # As the host leaves the row before the plugins hear of it.
        member.name, member.national_code, member.mobile = "عضو پیشین ۹", "x000000009", "x0000000009"
        s.flush()
        mydata.resalat_member_closed(s, member)
    with work(app) as s:
        kept = s.get(Candidate, candidate)
        assert (kept.name, kept.national_code, kept.mobile) == ("عضو پیشین ۹", "x000000009", "x0000000009")
        assert [a.text for a in s.scalars(select(Advice).where(Advice.candidate_id == candidate))] == [""]
