"""The guide's dashboard: their area's pipeline and cores at a glance, and what needs doing."""

from __future__ import annotations

from datetime import date, timedelta

from resalat_guides import services

from resalat_core.sdk import get_db, get_region, ids_under


def _counts(html: str, section: str) -> dict[str, str]:
    part = html.split(f'data-testid="{section}"')[1].split("</ul>")[0]
    found = {}
    for row in part.split('data-status="')[1:]:
        status = row.split('"')[0]
        found[status] = row.split('data-testid="count">')[1].split("<")[0]
    return found


def test_the_dashboard_counts_the_areas_candidates_and_cores_by_status(
    guide, client_as, record, act, make_core, make_member
):
    for _ in range(2):
        record(guide.member_id)
    advised = record(guide.member_id)
    act(guide.member_id, advised, services.advise, text="ادامه دهید")
    dropped = record(guide.member_id)
    act(guide.member_id, dropped, services.set_status, "dropped", reason="انصراف")
    make_core("zanjan/gorg-tappeh", "livestock")
    make_core("zanjan/abhar", "clothing", approve=False)
    yazd_guide = client_as("guide", region="yazd/yazd")
    record(yazd_guide.member_id, region="yazd/ardakan", field="hand_weaving")  # not ours
    make_core("yazd/ardakan", "hand_weaving")  # not ours either

    html = guide.get("/guides/").get_data(as_text=True)

    assert _counts(html, "candidates-by-status") == {
        "identified": "۲",
        "advised": "۱",
        "core_registered": "۰",
        "booth_opened": "۰",
        "dropped": "۱",
    }
    assert _counts(html, "cores-by-status") == {"candidate": "۱", "active": "۱", "suspended": "۰"}
    assert "(۴)" in html.split('data-testid="candidates-total"')[1][:20]


def test_follow_ups_that_are_due_and_not_yet_followed_are_listed(guide, record, act):
    today = date.today()
    due = record(guide.member_id, name="رقیه محمدی")
    act(
        guide.member_id,
        due,
        services.advise,
        text="اول",
        advised_on=today - timedelta(days=9),
        follow_up_on=today - timedelta(days=2),
    )
    followed = record(guide.member_id, name="لیلا رضایی")
    act(
        guide.member_id,
        followed,
        services.advise,
        text="اول",
        advised_on=today - timedelta(days=9),
        follow_up_on=today - timedelta(days=2),
    )
    act(guide.member_id, followed, services.advise, text="پیگیری شد", advised_on=today - timedelta(days=1))
    later = record(guide.member_id, name="حسن یوسفی")
    act(guide.member_id, later, services.advise, text="اول", follow_up_on=today + timedelta(days=30))

    html = guide.get("/guides/").get_data(as_text=True)

    follow_ups = html.split('data-testid="follow-ups"')[1].split("</ul>")[0]
    assert "رقیه محمدی" in follow_ups
    assert "لیلا رضایی" not in follow_ups and "حسن یوسفی" not in follow_ups
    recent = html.split('data-testid="recent-advice"')[1].split("</ul>")[0]
    # Newest advice first: today's, then yesterday's follow-up, then the older ones.
    assert recent.index("حسن یوسفی") < recent.index("لیلا رضایی") < recent.index("رقیه محمدی")


def test_pending_suggestions_of_the_area_are_on_the_dashboard(guide, make_core, suggest):
    source = make_core("zanjan/gorg-tappeh", "livestock", name="دام سبک قراجه‌لو")
    suggest(guide.member_id, source, make_core("yazd/ardakan", "hand_weaving", name="کاربافان آسی‌پور"))

    html = guide.get("/guides/").get_data(as_text=True)

    pending = html.split('data-testid="pending-links"')[1].split("</ul>")[0]
    assert "دام سبک قراجه‌لو" in pending and "کاربافان آسی‌پور" in pending


def test_the_dashboard_costs_the_same_queries_however_busy_the_area(
    client_as, record, act, make_core, suggest, count_queries
):
    counts = []
    for size in (1, 12):
        someone = client_as("guide", region="zanjan/zanjan")
        for n in range(size):
            candidate = record(someone.member_id)
            act(
                someone.member_id,
                candidate,
                services.advise,
                text=f"مشاوره {n}",
                advised_on=date.today() - timedelta(days=5),
                follow_up_on=date.today() - timedelta(days=1),
            )
            source = make_core("zanjan/abhar", "livestock")
            suggest(someone.member_id, source, make_core("yazd/ardakan", "hand_weaving"))
        assert someone.get("/guides/").status_code == 200  # warm
        with count_queries() as q:
            html = someone.get("/guides/").get_data(as_text=True)
        assert html.count("مشاوره ") >= min(size, services.DASHBOARD_ROWS)
        counts.append(q.count)

    assert counts[0] == counts[1], counts


def test_the_dashboard_of_an_empty_area_says_so(guide):
    html = guide.get("/guides/").get_data(as_text=True)

    assert "پیگیری موعدرسیده‌ای نیست" in html
    assert "هنوز مشاوره‌ای ثبت نشده است" in html
    assert "پیشنهادی در انتظار پاسخ نیست" in html


def test_a_guide_gets_a_home_tile_and_a_plain_member_does_not(guide, client_as):
    assert "/guides/" in guide.get("/").get_data(as_text=True)
    assert 'href="/guides/"' not in client_as().get("/").get_data(as_text=True)


def test_the_stats_count_the_candidates_of_the_admins_area(app, guide, record):
    from resalat_guides import hooks

    record(guide.member_id)
    record(guide.member_id, region="zanjan/abhar")

    with app.test_request_context():  # read in the reader's language (Persian by default)
        s = get_db().session
        [nationwide] = hooks.resalat_stats(session=s, area=None)
        [zanjan] = hooks.resalat_stats(session=s, area=ids_under(s, [get_region(s, "zanjan")]))
        [yazd] = hooks.resalat_stats(session=s, area=ids_under(s, [get_region(s, "yazd")]))

        assert (nationwide.value, str(nationwide.unit)) == (2, "نفر")
        assert (zanjan.value, yazd.value) == (2, 0)
