"""A guide records the candidates of their area and works through them in the order of work."""

from __future__ import annotations

import pytest

PAGE = "/guides/candidates"


@pytest.fixture
def form_of(new_person):
    """``form_of(**changes)``: the new-candidate form filled for a new person."""

    def fill(**changes):
        return _form(new_person(), **changes)

    return fill


def _form(person, **changes):
    data = {
        "name": "جعفر قراجه‌لو",
        "national_code": person["national_code"],
        "mobile": person["mobile"],
        "region": "zanjan/gorg-tappeh",
        "intent": "grow",
        "field": "livestock",
        "experience_years": "۱۵",
    }
    data.update(changes)
    return data


def test_a_guide_records_a_candidate_of_their_area(guide, candidate_of, form_of):
    data = form_of(name="جعفر  قراجه‌لو", national_code="۰۰۱۲۳۴۵۶۷۹", mobile="+98 912 111 2233")

    answer = guide.form(f"{PAGE}/new", data)

    assert answer.status_code == 302
    candidate_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    stored = candidate_of(candidate_id)
    assert (stored.name, stored.national_code, stored.mobile) == ("جعفر قراجه‌لو", "0012345679", "09121112233")
    assert (stored.intent, stored.experience_years, stored.status, stored.guide_id) == (
        "grow",
        15,
        "identified",
        guide.member_id,
    )
    page = guide.get(answer.headers["Location"]).get_data(as_text=True)
    assert "جعفر قراجه‌لو" in page
    assert "۱۵ سال" in page
    assert 'dir="ltr">۰۹۱۲•••۲۲۳۳</bdi>' in page  # masked, with a link to call
    assert 'href="tel:09121112233"' in page
    assert "شناسایی‌شده" in page  # the first step of the history


def test_the_list_puts_experience_first_then_growing_then_the_oldest(guide, record):
    newcomer = record(guide.member_id, name="حسن یوسفی", intent="start", years=0)
    starter_with_experience = record(guide.member_id, name="لیلا رضایی", intent="start", years=4)
    grower_without = record(guide.member_id, name="کریم نوروزی", intent="grow", years=0)
    grower_with = record(guide.member_id, name="رقیه محمدی", intent="grow", years=8)
    second_grower_with = record(guide.member_id, name="زهرا کاظمی", intent="grow", years=1)

    html = guide.get(PAGE).get_data(as_text=True)

    order = [int(part.split('"')[0]) for part in html.split('data-testid="candidate" data-id="')[1:]]
    assert order == [grower_with, second_grower_with, starter_with_experience, grower_without, newcomer]


def test_the_list_filters_by_status_and_finds_names_in_any_spelling(guide, record, act):
    from resalat_guides import services

    rogayeh = record(guide.member_id, name="رقیه محمدی")
    record(guide.member_id, name="حسن یوسفی")
    act(guide.member_id, rogayeh, services.advise, text="گلیم‌بافی را ادامه دهد.")

    advised = guide.get(f"{PAGE}?status=advised").get_data(as_text=True)
    arabic_spelling = guide.get(f"{PAGE}?q=رقيه").get_data(as_text=True)  # Arabic yeh
    nobody = guide.get(f"{PAGE}?q=ناشناس").get_data(as_text=True)

    assert advised.count('data-testid="candidate"') == 1 and "رقیه محمدی" in advised
    assert arabic_spelling.count('data-testid="candidate"') == 1 and "رقیه محمدی" in arabic_spelling
    assert 'data-testid="empty"' in nobody


def test_a_guide_sees_only_their_areas_candidates(guide, client_as, record):
    yazd_guide = client_as("guide", region="yazd/ardakan")
    ours = record(guide.member_id, name="رقیه محمدی")
    theirs = record(yazd_guide.member_id, name="زهرا آسی‌پور", region="yazd/ardakan", field="hand_weaving")

    html = guide.get(PAGE).get_data(as_text=True)

    assert f'data-id="{ours}"' in html and f'data-id="{theirs}"' not in html
    # Another area's candidate, a missing one and one too big to exist all look the same.
    for other in (theirs, 999_999, 99_999_999_999):
        assert guide.get(f"{PAGE}/{other}").status_code == 404
    assert yazd_guide.get(f"{PAGE}/{theirs}").status_code == 200


def test_a_nationwide_admin_sees_every_area(client_as, guide, record):
    admin = client_as("admin", role_region=None)
    ours = record(guide.member_id)

    assert admin.get(f"{PAGE}/{ours}").status_code == 200
    assert f'data-id="{ours}"' in admin.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("url", ["/guides/", PAGE, f"{PAGE}/new", "/guides/links", "/guides/links/new"])
def test_a_plain_member_cannot_reach_the_guides_pages(client_as, url):
    member = client_as()

    assert member.get(url).status_code == 403


def test_a_plain_member_cannot_record_a_candidate(client_as, snapshot, form_of):
    member = client_as()
    token = member.csrf_token("/")
    before = snapshot()

    answer = member.post(f"{PAGE}/new", data={**form_of(), "csrf_token": token})

    assert answer.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "field_name", "says"),
    [
        ({"national_code": "0012345678"}, "national_code", "کد ملی معتبر نیست"),
        ({"national_code": "1111111111"}, "national_code", "کد ملی معتبر نیست"),
        ({"national_code": ""}, "national_code", "کد ملی را وارد کنید"),
        ({"mobile": "0912"}, "mobile", "۰۹۱۲۱۲۳۴۵۶۷"),
        ({"name": "ali2"}, "name", "رقم"),
        ({"region": "yazd/ardakan"}, "region", "بیرون از منطقه‌ی شما"),
        ({"region": "yazd"}, "region", "بیرون از منطقه‌ی شما"),
        ({"region": "atlantis"}, "region", "از فهرست انتخاب کنید"),
        ({"field": "alchemy"}, "field", "رشته‌ای از فهرست"),
        ({"intent": "sell"}, "intent", "توسعه"),
        ({"experience_years": "-2"}, "experience_years", "عدد صحیح"),
        ({"experience_years": "۹۹"}, "experience_years", "عدد صحیح"),
        ({"experience_years": "five"}, "experience_years", "عدد صحیح"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_recorded(
    guide, snapshot, form_of, changes, field_name, says
):
    before = snapshot()

    answer = guide.form(f"{PAGE}/new", form_of(**changes))

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert f'id="e-{field_name}"' in html
    assert says in html.split(f'id="e-{field_name}"')[1][:300]
    assert snapshot() == before


def test_every_bad_field_is_reported_at_once(guide, snapshot, form_of):
    before = snapshot()

    answer = guide.form(f"{PAGE}/new", form_of(national_code="123", mobile="x", field="", intent=""))

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    for name in ("national_code", "mobile", "field", "intent"):
        assert f'id="e-{name}"' in html
    assert snapshot() == before


def test_the_same_person_is_not_recorded_twice_unless_dropped(
    guide, record, act, snapshot, form_of, new_person
):
    from resalat_guides import services

    person = new_person()
    first = record(guide.member_id, **person)
    before = snapshot()

    again = guide.form(f"{PAGE}/new", form_of(**person))

    assert again.status_code == 400
    assert "هم‌اکنون نامزد است" in again.get_data(as_text=True)
    assert snapshot() == before
    act(guide.member_id, first, services.set_status, "dropped", reason="مهاجرت کرد")
    assert guide.form(f"{PAGE}/new", form_of(**person)).status_code == 302


def test_the_form_offers_only_places_of_the_guides_area(guide):
    html = guide.get(f"{PAGE}/new").get_data(as_text=True)

    assert 'value="zanjan/gorg-tappeh"' in html and 'value="zanjan"' in html
    assert 'value="yazd/ardakan"' not in html
    assert 'value="livestock"' in html and "دام سبک" in html


def test_the_list_costs_the_same_queries_for_3_or_30_candidates(guide, client_as, record, count_queries):
    counts = []
    for how_many in (3, 30):
        someone = client_as("guide", region="zanjan/zanjan")
        for n in range(how_many):
            record(someone.member_id, intent="grow" if n % 2 else "start", years=n % 3)
        assert someone.get(f"{PAGE}?per_page=50").status_code == 200  # warm
        with count_queries() as q:
            html = someone.get(f"{PAGE}?per_page=50").get_data(as_text=True)
        assert html.count('data-testid="candidate"') >= how_many
        counts.append(q.count)

    assert counts[0] == counts[1], counts


def test_the_list_is_paginated(guide, record):
    for _ in range(5):
        record(guide.member_id)

    first = guide.get(f"{PAGE}?per_page=2").get_data(as_text=True)
    last = guide.get(f"{PAGE}?per_page=2&page=3").get_data(as_text=True)

    assert first.count('data-testid="candidate"') == 2
    assert last.count('data-testid="candidate"') == 1
    assert "page=2" in first
    assert guide.get(f"{PAGE}?page=abc").status_code == 400
    assert guide.get(f"{PAGE}?status=sleeping").status_code == 400
