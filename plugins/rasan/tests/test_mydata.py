"""A member's own data in Rasan: the member's posts and comments are in their copy (nobody else's),
and closing the account removes them, their likes and follows, keeping others' posts and counts right."""

from __future__ import annotations

from resalat_rasan import mydata, services
from resalat_rasan.models import RasanComment, RasanFollow, RasanLike, RasanPost
from sqlalchemy import func, select

from resalat_core.sdk import Member
from resalat_core.testing import work


def _talk(app, write, make_member):
    """Maryam and Jafar each post; each comments on, likes and follows the other."""
    maryam, jafar = make_member(name="مریم احمدی"), make_member(name="جعفر قراجه‌لو")
    hers = write(maryam, "نخ پشمی آماده است #بافندگی")
    his = write(jafar, "بره‌ها رسیدند")
    with work(app) as s:
        m, j = s.get(Member, maryam), s.get(Member, jafar)
        services.comment(s, m, his, "مبارک باشد")
        services.comment(s, j, hers, "چه رنگی دارید؟")
        services.like(s, m, his)
        services.like(s, j, hers)
        services.follow(s, m, member_id=jafar)
        services.follow(s, j, member_id=maryam)
    return maryam, jafar, hers, his


def test_the_copy_holds_my_posts_and_comments_only(app, write, make_member):
    maryam, jafar, hers, _his = _talk(app, write, make_member)
    with app.test_request_context(), work(app) as s:
        [section] = mydata.resalat_member_data(s, s.get(Member, maryam))
    assert [p["text"] for p in section.data["posts"]] == ["نخ پشمی آماده است #بافندگی"]
    assert [c["text"] for c in section.data["comments"]] == ["مبارک باشد"]
    assert (section.data["likes"], section.data["follows"]) == (1, 1)
    assert "بره‌ها رسیدند" not in str(section.data) and "چه رنگی دارید؟" not in str(section.data)


def test_closing_removes_what_the_member_wrote_and_keeps_others_right(app, write, make_member):
    maryam, jafar, hers, his = _talk(app, write, make_member)
    with work(app) as s:
        mydata.resalat_member_closed(s, s.get(Member, maryam))
    with work(app) as s:
        assert s.get(RasanPost, hers) is None
        post = s.get(RasanPost, his)
        assert (post.text, post.comment_count, post.like_count) == ("بره‌ها رسیدند", 0, 0)
        assert s.scalar(select(func.count()).select_from(RasanComment)) == 0
        assert s.scalar(select(func.count()).select_from(RasanLike)) == 0
        assert s.scalar(select(func.count()).select_from(RasanFollow)) == 0
        with app.test_request_context():
            assert mydata.resalat_member_data(s, s.get(Member, maryam)) == []
            [theirs] = mydata.resalat_member_data(s, s.get(Member, jafar))
            assert [p["id"] for p in theirs.data["posts"]] == [his]
