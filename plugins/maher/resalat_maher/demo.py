"""M-Maher's part of the demo world: Ms. Asipour's hand-weaving course, Jafar's livestock skills and
course, Maryam learning, a certificate, a mentoring request and the Zanjan guide's recommendation.

Asipour is found through the cores' public services (the hand-weaving core of Ardakan); a second
learner who finished her course is one of the Al-Ghadir centre's leaders, when the cores demo made them.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw
from resalat_cores import services as cores
from sqlalchemy.orm import Session

from resalat_core.sdk import Member, get_region, ids_under
from resalat_maher import services

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
