"""M-Maher's answers to other plugins: Rasan's experts, Merat's signal, the tile and next steps."""

from __future__ import annotations

from resalat_maher import hooks, services

from resalat_core.sdk import Member, get_region
from resalat_core.testing import work


def test_experts_by_field_or_words_nearest_place_first(app, make_member, make_skill):
    far = make_member(region="yazd/ardakan")
    province = make_member(region="zanjan/zanjan")
    same = make_member(region="zanjan/gorg-tappeh")
    for who in (far, province, same):
        make_skill(who, name="پرورش گوسفند", field="livestock")
    make_skill(same, name="اصلاح نژاد", field="livestock")  # one row a member, not two
    bees = make_member(region="zanjan/gorg-tappeh")
    make_skill(bees, name="زنبورداری", field="beekeeping", level="master")
    with app.test_request_context(), work(app) as s:
        place = get_region(s, "zanjan/gorg-tappeh")
        found = hooks.resalat_ask_me_experts("livestock", "", place.id, 10)
        assert [f["member_id"] for f in found] == [same, province, far]
        assert all(isinstance(f["title"], str) and "(" in f["title"] for f in found)
        assert [f["member_id"] for f in hooks.resalat_ask_me_experts("livestock", "", place.id, 2)] == [
            same,
            province,
        ]
        # The words alone, spelt with Arabic letters, find the beekeeper.
        assert [f["member_id"] for f in hooks.resalat_ask_me_experts(None, "زنبوردارى", place.id, 5)] == [
            bees
        ]
        assert hooks.resalat_ask_me_experts(None, "", None, 5) == []
        assert hooks.resalat_ask_me_experts("livestock", None, None, 0) == []


def test_completed_courses_are_a_merat_signal(app, make_member, make_course):
    teacher = make_member()
    learner = make_member()
    course = make_course(teacher, lessons=2)
    with app.test_request_context(), work(app) as s:
        m = s.get(Member, learner)
        assert hooks.resalat_credit_signals(m) == []
        (kind,) = hooks.resalat_credit_signal_kinds()
        assert kind.kind == "maher_courses"
        c = services.get_course(s, course["id"])
        services.enrol(s, m, c)
        for lesson in services.lessons_of(s, c):
            services.mark_done(s, m, c, lesson)
        (signal,) = hooks.resalat_credit_signals(m)
        assert (signal.kind, signal.value) == ("maher_courses", 1)


def test_next_steps_continue_a_course_and_answer_a_mentoring_request(
    app, make_member, make_course, make_skill
):
    teacher = make_member()
    learner = make_member()
    course = make_course(teacher, lessons=3)
    skill = make_skill(teacher, mentoring=True)
    with app.test_request_context(), work(app) as s:
        m = s.get(Member, learner)
        assert hooks.resalat_next_steps(m) == []
        c = services.get_course(s, course["id"])
        services.enrol(s, m, c)
        services.mark_done(s, m, c, services.lessons_of(s, c)[0])
        services.ask_mentoring(s, m, services.get_skill(s, skill))
        (step,) = hooks.resalat_next_steps(m)
        assert step.link.endswith(f"/lessons/{course['lessons'][1]}")
        (ask,) = hooks.resalat_next_steps(s.get(Member, teacher))
        assert ask.link.endswith("/maher/mentoring") and ask.priority == 50
        (tile,) = hooks.resalat_tiles(m)
        assert tile.url.endswith("/maher/")


def test_the_keyed_figure_counts_certificates_by_the_learners_place(
    app, make_member, make_course, count_queries
):
    from resalat_maher import hooks, services
    from resalat_maher.models import Course, Lesson

    from resalat_core.sdk import Member, get_region, ids_under
    from resalat_core.testing import work

    course = make_course(make_member(), lessons=1)

    def finish(region):
        with work(app) as s:
            learner, held = s.get(Member, make_member(region=region)), s.get(Course, course["id"])
            services.enrol(s, learner, held)
            services.mark_done(s, learner, held, s.get(Lesson, course["lessons"][0]))

    def figures(region=None):
        with work(app) as s, count_queries() as q:
            area = None if region is None else ids_under(s, [get_region(s, region)])
            found = {f.key: f.value for f in hooks.resalat_stats(session=s, area=area) if f.key}
        return found, q.count

    finish("zanjan/gorg-tappeh")
    small, few = figures()
    for _ in range(2):
        finish("yazd/ardakan")
    large, many = figures()

    assert small == {"certificates": 1} and large == {"certificates": 3}
    assert figures("yazd")[0] == {"certificates": 2}
    assert few == many
