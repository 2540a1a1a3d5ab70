"""M-Maher's part of the demo world: Ms. Asipour's hand-weaving course, Jafar's livestock skills and
course, Maryam learning, a certificate, a mentoring request and the Zanjan guide's recommendation.

Asipour is found through the cores' public services (the hand-weaving core of Ardakan); a second
learner who finished her course is one of the Al-Ghadir centre's leaders, when the cores demo made them.
"""

from __future__ import annotations

import io
import secrets
from datetime import timedelta
from typing import Any

from PIL import Image, ImageDraw
from resalat_cores import services as cores
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import IMAGE, Member, can, get_region, ids_under, search_key, utcnow
from resalat_maher import services
from resalat_maher.models import (
    ACCEPTED,
    DECLINED,
    DRAFT,
    LEVELS,
    MODES,
    NAME_MAX,
    PUBLISHED,
    TITLE_MAX,
    Course,
    Enrolment,
    Lesson,
    LessonDone,
    MentoringRequest,
    Recommendation,
    Skill,
)
from resalat_maher.services.courses import COVER, stored

WEAVING_LESSONS = (
    (
        "آشنایی با دستگاه کاربافی",
        "دستگاه کاربافی اردکان از چوب ساخته می‌شود و چهار بخش اصلی دارد: چله، وردها، دفتین و پدال‌ها.\n\n"
        "پیش از شروع، دستگاه را در جایی با نور کافی بگذارید و چله را یکنواخت بکشید.",
    ),
    (
        "چله‌کشی و آماده کردن نخ",
        "نخ پنبه‌ای را پیش از چله‌کشی بشویید تا بعدها آب نرود.\n\n"
        "برای یک رومیزی ساده حدود چهارصد تار لازم است؛ تارها را به ترتیب از وردها بگذرانید.",
    ),
    (
        "بافت ساده و نقش راه‌راه",
        "با فشار پدال اول، دهنه باز می‌شود؛ ماکو را از دهنه بگذرانید و با دفتین بکوبید.\n\n"
        "برای نقش راه‌راه، هر ده پود رنگ نخ را عوض کنید.",
    ),
    (
        "پرداخت، شستشو و قیمت‌گذاری",
        "پارچه را پس از بافت از دستگاه جدا کنید، ریشه‌ها را گره بزنید و با آب سرد بشویید.\n\n"
        "قیمت را از هزینه‌ی نخ، ساعت‌های کار و قیمت بازار ام‌بازار حساب کنید.",
    ),
)

LAMB_LESSONS = (
    (
        "جای گرم و خشک برای بره‌ها",
        "بره‌ی تازه‌متولد در هوای سرد زنجان زود سرما می‌خورد. آغل را از باد دور نگه دارید و کف آن را خشک کنید.",
    ),
    (
        "آغوز و شیر در روزهای اول",
        "بره باید در شش ساعت اول آغوز بخورد. اگر میش شیر ندارد، از آغوز میش دیگری استفاده کنید.",
    ),
    (
        "واکسن و وزن‌کشی",
        "بره‌ها را هر هفته وزن کنید و برنامه‌ی واکسن را با دامپزشک منطقه هماهنگ کنید.",
    ),
)


# Warp and weft colours of Ardakan's karbafi: small pictures drawn at demo time, no files shipped.
COLOURS = ((178, 34, 52), (240, 200, 80), (30, 90, 140), (250, 245, 235))


def _woven(seed: int, size: tuple[int, int] = (480, 320)) -> tuple[str, bytes]:
    """A striped cloth as a PNG (name, bytes) pair, for the host's stored files."""
    picture = Image.new("RGB", size, COLOURS[3])
    draw = ImageDraw.Draw(picture)
    for n, x in enumerate(range(0, size[0], 24)):
        draw.rectangle([x, 0, x + 11, size[1]], fill=COLOURS[(n + seed) % 3])
    for n, y in enumerate(range(0, size[1], 40)):
        draw.rectangle([0, y, size[0], y + 6], fill=COLOURS[(n + seed + 1) % 3])
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return f"karbafi-{seed}.png", out.getvalue()


def _handout() -> tuple[str, bytes]:
    """A one-page PDF (a blank sheet with a pattern), the course's printable handout."""
    out = io.BytesIO()
    Image.open(io.BytesIO(_woven(9, (300, 420))[1])).save(out, format="PDF")
    return "karbafi-handout.pdf", out.getvalue()


def _asipour(session: Session, world: Any) -> Member | None:
    """The leader of the hand-weaving core of Ardakan, through the cores' public services."""
    made = world.extras.get("cores", {})
    if "asipour" in made:
        return made["asipour"].leader
    place = get_region(session, "yazd/ardakan")
    core = session.scalars(
        cores.cores_query(region_ids=ids_under(session, [place]), field="hand_weaving").limit(1)
    ).first()
    return core.leader if core is not None else None


def _course(
    session: Session,
    author: Member,
    title: str,
    summary: str,
    field: str,
    level: str,
    lessons: Any,
    pictures: bool = False,
) -> Any:
    course = services.create_course(
        session,
        author,
        title=title,
        summary=summary,
        field=field,
        level=level,
        cover=_woven(0) if pictures else None,
    )
    for n, (lesson_title, body) in enumerate(lessons, start=1):
        services.add_lesson(
            session,
            author,
            course,
            title=lesson_title,
            body=body,
            image=_woven(n) if pictures else None,
            attachment=_handout() if pictures and n == 1 else None,
        )
    services.set_published(session, author, course, True)
    return course


def _take(session: Session, learner: Member, course: Any, lessons: int) -> Any:
    enrolment = services.enrol(session, learner, course)
    for lesson in services.lessons_of(session, course)[:lessons]:
        services.mark_done(session, learner, course, lesson)
    return enrolment


def build(session: Session, world: Any) -> dict[str, Any]:
    """Skills, two courses, learners at every stage, a mentoring request and a recommendation."""
    made: dict[str, Any] = {}
    maryam = world.members.get("member")
    jafar = world.members.get("core_leader")
    guide = world.members.get("guide")
    asipour = _asipour(session, world)

    if asipour is not None:
        services.save_skill(
            session,
            asipour,
            name="کاربافی سنتی اردکان",
            field="hand_weaving",
            level="master",
            years=30,
            description="رومیزی، پارچه و دستمال با دستگاه دستی؛ آموزش به زنان روستا.",
            mentoring=True,
            mode="both",
        )
        made["weaving"] = _course(
            session,
            asipour,
            "کاربافی سنتی برای تازه‌کارها",
            "از شناخت دستگاه تا بافت یک رومیزی راه‌راه و قیمت‌گذاری آن، در چهار درس کوتاه.",
            "hand_weaving",
            "beginner",
            WEAVING_LESSONS,
            pictures=True,
        )
    if jafar is not None:
        sheep = services.save_skill(
            session,
            jafar,
            name="پرورش گوسفند و بز",
            field="livestock",
            level="master",
            years=22,
            description="نگهداری گله‌ی کوچک خانوادگی، تغذیه و زایمان.",
            mentoring=True,
            mode="in_person",
        )
        services.save_skill(
            session,
            jafar,
            name="اصلاح نژاد دام سبک",
            field="livestock",
            level="skilled",
            years=8,
            description="انتخاب قوچ و میش برای نژاد بهتر، با راهنمایی رهیار منطقه.",
        )
        made["lambs"] = _course(
            session,
            jafar,
            "نگهداری بره در زمستان",
            "سه درس کوتاه برای خانواده‌هایی که تازه دام سبک نگه می‌دارند.",
            "livestock",
            "beginner",
            LAMB_LESSONS,
        )
        made["sheep_skill"] = sheep
    if maryam is not None:
        services.save_skill(
            session, maryam, name="خیاطی لباس محلی", field="clothing", level="beginner", years=2
        )
        if "weaving" in made:
            made["maryam_weaving"] = _take(session, maryam, made["weaving"], 2)
        if "lambs" in made:
            made["maryam_lambs"] = _take(session, maryam, made["lambs"], len(LAMB_LESSONS))
        if "sheep_skill" in made:
            services.ask_mentoring(
                session, maryam, made["sheep_skill"], "برای شروع پرورش بز در خانه راهنمایی می‌خواهم."
            )
    # Another learner finished Asipour's course: one of the Al-Ghadir centre's leaders.
    alghadir = world.extras.get("cores", {}).get("alghadir_1")
    if alghadir is not None and "weaving" in made:
        made["graduate"] = _take(session, alghadir.leader, made["weaving"], len(WEAVING_LESSONS))
    if guide is not None and maryam is not None and "weaving" in made:
        services.recommend(
            session,
            guide,
            who=maryam.mobile,
            course=made["weaving"],
            note="کاربافی در کنار خیاطی درآمد خانواده را بیشتر می‌کند؛ درس‌ها کوتاه است.",
        )
    session.flush()
    return made


# --- many rows: every list the pages show, at size ----------------------------------------------

# Distinct covers kept for the courses added at size: more than a page of them, so a page of the
# catalogue shows as many different pictures as it would in life.
COVERS_AT_SIZE = 24


def _people(session: Session, world: Any) -> list[Member]:
    return [world.members[key] for key in sorted(world.members)]


def _demo_courses(session: Session) -> list[Course]:
    """The demo's own courses (found by title: an earlier run's world has no extras)."""
    titles = ("کاربافی سنتی برای تازه‌کارها", "نگهداری بره در زمستان")
    return list(session.scalars(select(Course).where(Course.title.in_(titles)).order_by(Course.id)))


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more courses (with covers, lessons and a learner each), enrolments, certificates,
    skills, mentoring requests and recommendations, spread over the demo's people so that each
    one's lists pass a page; and every member a learner of the demo's courses."""
    people = _people(session, world)
    if not people or rows < 1:
        return
    fields = [f.id for f in cores.fields(session)]
    now = utcnow()
    kept = [
        stored(
            session,
            _woven(n),
            people[n % len(people)],
            purpose=COVER,
            kind=IMAGE,
            public=True,
            field="cover",
        )
        for n in range(min(rows, COVERS_AT_SIZE))
    ]
    covers = [c.id for c in kept if c is not None]
    course_rows = []
    for n in range(rows):
        author = people[n % len(people)]
        title = f"دوره‌ی {n + 1}: {WEAVING_TITLES[n % len(WEAVING_TITLES)]}"
        course_rows.append(
            {
                "author_id": author.id,
                "field_id": fields[n % len(fields)],
                "title": title,
                "title_search": search_key(title)[:TITLE_MAX],
                "summary": "دوره‌ای کوتاه در چند درس، برای شروع کار در خانه.",
                "level": LEVELS[n % len(LEVELS)],
                # Every fifth a draft: its author sees it among their own, nobody else.
                "status": DRAFT if n % 5 == 4 else PUBLISHED,
                "cover_id": covers[n % len(covers)] if covers else None,
                "created_at": now + timedelta(microseconds=n),
                "published_at": None if n % 5 == 4 else now + timedelta(microseconds=n),
            }
        )
    course_ids = list(
        session.scalars(insert(Course).returning(Course.id, sort_by_parameter_order=True), course_rows)
    )
    lesson_rows = [
        {"course_id": cid, "position": p + 1, "title": title, "body": body, "created_at": now}
        for cid in course_ids
        for p, (title, body) in enumerate(LAMB_LESSONS)
    ]
    lesson_ids = list(
        session.scalars(insert(Lesson).returning(Lesson.id, sort_by_parameter_order=True), lesson_rows)
    )
    per_course = len(LAMB_LESSONS)
    # One learner a published course (someone other than its author); every third finished it.
    published = [n for n in range(rows) if course_rows[n]["status"] == PUBLISHED]
    enrolment_rows, finished = [], []
    codes: set[str] = set()
    for n in published:
        learner = people[(n + 1) % len(people)]
        if learner.id == course_rows[n]["author_id"]:
            continue
        done = n % 3 == 0
        code = None
        if done:
            code = _fresh_code(codes)
        enrolment_rows.append(
            {
                "course_id": course_ids[n],
                "member_id": learner.id,
                "created_at": now + timedelta(microseconds=n),
                "completed_at": now + timedelta(microseconds=n) if done else None,
                "certificate_code": code,
            }
        )
        finished.append((n, done))
    returning = insert(Enrolment).returning(Enrolment.id, sort_by_parameter_order=True)
    enrolment_ids = list(session.scalars(returning, enrolment_rows)) if enrolment_rows else []
    done_rows = [
        {"enrolment_id": eid, "lesson_id": lesson_ids[n * per_course + p], "done_at": now}
        for eid, (n, done) in zip(enrolment_ids, finished, strict=True)
        for p in range(per_course if done else 1)
    ]
    if done_rows:
        session.execute(insert(LessonDone), done_rows)
    _learners_of_demo_courses(session, now)
    _skills(session, people, fields, now)
    _requests(session, people, rows, now)
    _recommendations(session, people, [course_ids[n] for n in published], rows, now)


WEAVING_TITLES = ("کاربافی", "سوزن‌دوزی", "پرورش زنبور عسل", "نگهداری دام سبک", "خیاطی لباس محلی")


def _fresh_code(taken: set[str]) -> str:
    """A certificate's code no other has (random, as ``new_code`` makes them, without a query
    a row: a clash among a trillion is left to the unique constraint)."""
    while True:
        code = str(secrets.randbelow(9 * 10**11) + 10**11)
        if code not in taken:
            taken.add(code)
            return code


def _learners_of_demo_courses(session: Session, now: Any) -> None:
    """Every member not yet in them learns the demo's courses: their authors' lists of learners."""
    for course in _demo_courses(session):
        enrolled = select(Enrolment.member_id).where(Enrolment.course_id == course.id)
        others = select(Member.id).where(Member.id != course.author_id, Member.id.not_in(enrolled))
        ids = session.scalars(others.order_by(Member.id)).all()
        if ids:
            session.execute(
                insert(Enrolment), [{"course_id": course.id, "member_id": i, "created_at": now} for i in ids]
            )


def _skills(session: Session, people: list[Member], fields: list[int], now: Any) -> None:
    """Each of the demo's people lists as many skills as one may (find a coach grows with them)."""
    have = dict(
        session.execute(
            select(Skill.member_id, func.count(Skill.id))
            .where(Skill.member_id.in_([p.id for p in people]))
            .group_by(Skill.member_id)
        ).all()
    )
    skill_rows = []
    for person in people:
        for n in range(have.get(person.id, 0), services.SKILLS_MAX):
            name = f"{WEAVING_TITLES[n % len(WEAVING_TITLES)]} {n + 1}"
            skill_rows.append(
                {
                    "member_id": person.id,
                    "field_id": fields[n % len(fields)],
                    "name": name,
                    "name_search": search_key(name)[:NAME_MAX],
                    "level": LEVELS[n % len(LEVELS)],
                    "years": n % 20,
                    "description": "",
                    "mentoring": n % 2 == 0,
                    "mode": MODES[n % len(MODES)],
                    "region_id": person.region_id,
                    "created_at": now,
                }
            )
    if skill_rows:
        session.execute(insert(Skill), skill_rows)


def _requests(session: Session, people: list[Member], rows: int, now: Any) -> None:
    """``rows`` answered mentoring requests, each a mentor's skill asked by another of the people."""
    offered = session.execute(
        select(Skill.id, Skill.member_id)
        .where(Skill.mentoring.is_(True), Skill.member_id.in_([p.id for p in people]))
        .order_by(Skill.id)
    ).all()
    if not offered:
        return
    request_rows = []
    for n in range(rows):
        skill_id, mentor_id = offered[n % len(offered)]
        learner = people[(n + 1) % len(people)]
        if learner.id == mentor_id:
            learner = people[(n + 2) % len(people)]
        if learner.id == mentor_id:
            continue
        request_rows.append(
            {
                "skill_id": skill_id,
                "mentor_id": mentor_id,
                "learner_id": learner.id,
                "message": "برای شروع کار راهنمایی می‌خواهم.",
                "status": ACCEPTED if n % 2 else DECLINED,
                "created_at": now + timedelta(microseconds=n),
                "answered_at": now + timedelta(microseconds=n),
            }
        )
    if request_rows:
        session.execute(insert(MentoringRequest), request_rows)


def _recommendations(
    session: Session, people: list[Member], course_ids: list[int], rows: int, now: Any
) -> None:
    """``rows`` recommendations by those of the people who may recommend, to people of their area."""
    if not course_ids:
        return
    pairs = [
        (guide, member)
        for guide in people
        if can(services.RECOMMEND, member=guide)
        for member in people
        if member.id != guide.id and can(services.RECOMMEND, member.region, member=guide)
    ]
    if not pairs:
        return
    session.execute(
        insert(Recommendation),
        [
            {
                "course_id": course_ids[n % len(course_ids)],
                "member_id": pairs[n % len(pairs)][1].id,
                "guide_id": pairs[n % len(pairs)][0].id,
                "note": "این دوره به کار شما می‌آید.",
                "created_at": now + timedelta(microseconds=n),
            }
            for n in range(rows)
        ],
    )
