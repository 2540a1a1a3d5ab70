"""No N+1: every list page and API list costs the same number of queries for 2 rows or 20."""

from __future__ import annotations

from resalat_maher import services

from resalat_core.sdk import Member
from resalat_core.testing import work


def _fill(app, make_member, make_course, make_skill, learner, n):
    with work(app) as s:
        me = s.get(Member, learner)
        for i in range(n):
            teacher = make_member(region="zanjan/gorg-tappeh")
            make_skill(teacher, name=f"کاربافی {i}", mentoring=True)
            course = make_course(teacher, lessons=2, title=f"کاربافی {i}")
            c = services.get_course(s, course["id"])
            e = services.enrol(s, me, c)
            services.mark_done(s, me, c, services.lessons_of(s, c)[0])
            services.ask_mentoring(s, me, services.skills_of(s, teacher)[0])
            assert e.id
        s.commit()


URLS = (
    "/maher/",
    "/maher/courses",
    "/maher/courses?q=کاربافی",
    "/maher/coaches?q=کاربافی",
    "/maher/mentoring",
    "/api/v1/maher/courses",
    "/api/v1/maher/coaches?q=کاربافی",
    "/api/v1/maher/learning",
    "/api/v1/maher/mentoring",
)


def test_every_list_costs_the_same_for_2_or_20_rows(
    app, client_as, make_member, make_course, make_skill, count_queries
):
    learner = client_as()
    costs: dict[str, list[int]] = {url: [] for url in URLS}
    for n in (2, 18):
        _fill(app, make_member, make_course, make_skill, learner.member_id, n)
        for url in URLS:
            learner.get(url)  # warm: the brochure's fields, the activation table
            with count_queries() as q:
                r = learner.get(url)
            assert r.status_code == 200, (url, r.get_data(as_text=True)[:500])
            costs[url].append(q.count)
    assert all(a == b for a, b in costs.values()), costs
