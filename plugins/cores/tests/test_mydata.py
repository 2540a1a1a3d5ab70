"""A member's own data in the cores plugin: the cores one leads and works in are in one's copy; a
core one leads stops the closing until the guide suspends it; closing puts the closed account's
placeholders in place of the person's name, national code and mobile on every core's list."""

from __future__ import annotations

from resalat_cores import mydata, services
from resalat_cores.models import Core, CoreMember
from sqlalchemy import select

from resalat_core.sdk import Member
from resalat_core.testing import work


def test_leading_a_core_stops_the_closing_until_it_is_suspended(app, make_member, new_core):
    leader = make_member(name="جعفر قراجه‌لو")
    admin = make_member("admin", region="zanjan/zanjan")
    core_id = new_core(leader, name="دامداری قراجه‌لو", approve_by=admin)
    with app.test_request_context(), work(app) as s:
        assert mydata.resalat_closing_blockers(s, s.get(Member, leader)) == [
            "شما راهبر هسته‌ی «دامداری قراجه‌لو» هستید: نخست از رهیار خود بخواهید آن را تعلیق کند "
            "یا راهبر دیگری برایش بگذارد."
        ]
    with work(app) as s:
        services.set_status(
            s, s.get(Core, core_id), "suspended", actor=s.get(Member, admin), reason="بستن حساب"
        )
    with app.test_request_context(), work(app) as s:
        assert mydata.resalat_closing_blockers(s, s.get(Member, leader)) == []


def test_the_copy_and_the_closing_of_a_family_member(app, make_member, new_core, person):
    leader = make_member(name="جعفر قراجه‌لو")
    wife = person(name="زینب صالحی")
    core_id = new_core(
        leader,
        name="دامداری قراجه‌لو",
        family=[
            {
                "name": wife.name,
                "national_code": wife.national_code,
                "mobile": wife.mobile,
                "relation": "spouse",
            }
        ],
    )
    with app.test_request_context(), work(app) as s:
        [section] = mydata.resalat_member_data(s, s.get(Member, wife.id))
        assert section.data["led"] == []
        assert [(m["core_id"], m["national_code"]) for m in section.data["memberships"]] == [
            (core_id, wife.national_code)
        ]
        [theirs] = mydata.resalat_member_data(s, s.get(Member, leader))
        assert wife.national_code not in str(theirs.data)
    with work(app) as s:
        member = s.get(Member, wife.id)
        # As the host leaves the row before the plugins hear of it.
        member.name, member.national_code, member.mobile = "عضو پیشین ۲", "x000000002", "x0000000002"
        s.flush()
        mydata.resalat_member_closed(s, member)
    with work(app) as s:
        line = s.scalar(select(CoreMember).where(CoreMember.member_id == wife.id))
        assert (line.name, line.national_code, line.mobile) == ("عضو پیشین ۲", "x000000002", None)
        assert s.get(Core, core_id).name == "دامداری قراجه‌لو"
