"""A guide's home page starts with the candidates waiting for them, counted in their area only."""

from __future__ import annotations

from typing import Any

from flask import Flask
from resalat_guides import hooks, services

from resalat_core.sdk import Member


def guides_steps(app: Flask, member_id: int, lang: str = "fa") -> list[Any]:
    """The guides plugin's own answer (not other plugins'), rendered in ``lang``."""
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = lang
        member = app.extensions["resalat"].db.session.get(Member, member_id)
        steps = hooks.resalat_next_steps(member)
        return [(str(s.title), str(s.text), s.link, s.priority, s.icon) for s in steps]


def test_a_guide_sees_how_many_candidates_wait_for_advice_and_for_a_core(app, make_member, record, act):
    guide = make_member("guide", region="zanjan/zanjan")
    first = record(guide, name="جعفر قراجه‌لو")
    record(guide, name="رقیه محمدی", region="zanjan/abhar")
    record(guide, name="لیلا رضایی")
    act(guide, first, services.advise, text="اصلاح نژاد گله")

    [(title, text, link, priority, icon)] = guides_steps(app, guide, "en")

    assert title == "Candidates waiting for you"
    assert text == "Not advised yet: 2 · advised, still without a core: 1"
    assert link == "/guides/candidates?status=identified"
    assert priority > 0 and icon
    [(title_fa, text_fa, *_rest)] = guides_steps(app, guide, "fa")
    assert "۲" in text_fa and "۱" in text_fa and not any(c.isascii() and c.isalnum() for c in text_fa)


def test_when_every_candidate_is_advised_the_card_leads_to_the_advised_ones(app, make_member, record, act):
    guide = make_member("guide", region="zanjan/zanjan")
    act(guide, record(guide), services.advise, text="بازدید از کارگاه")

    [(_title, _text, link, *_rest)] = guides_steps(app, guide, "en")

    assert link == "/guides/candidates?status=advised"


def test_a_guide_of_another_province_and_a_plain_member_see_no_card(app, make_member, record, count_queries):
    zanjan_guide = make_member("guide", region="zanjan/zanjan")
    record(zanjan_guide)
    tehran_guide = make_member("guide", region="tehran/tehran")
    member = make_member()

    assert guides_steps(app, tehran_guide) == []
    with app.test_request_context("/"):
        plain = app.extensions["resalat"].db.session.get(Member, member)
        with count_queries() as q:
            assert hooks.resalat_next_steps(plain) == []
    assert q.count <= 1  # at most the member's roles, never a count of candidates


def test_the_card_is_first_on_the_guides_home_page(client_as, record):
    guide = client_as("guide", region="zanjan/zanjan")
    record(guide.member_id)

    html = guide.get("/").get_data(as_text=True)

    assert html.index("نامزدهای منتظر شما") < html.index('data-testid="tiles"')
    assert 'href="/guides/candidates?status=identified"' in html
