"""`resalat maher`: the course catalogue, verifying a certificate, and skills imported from a CSV file."""

from __future__ import annotations

import csv
import io
import sys
from typing import Any

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    BadInput,
    NotFound,
    cli_errors,
    db_session,
    echo_json,
    get_member,
    json_option,
    paginate,
)
from resalat_maher import services
from resalat_maher.models import Course, Enrolment

maher = AppGroup("maher", help="M-Maher: skills, courses, certificates and mentoring.")


def _course_dict(course: Course, lessons: int) -> dict[str, Any]:
    return {
        "id": course.id,
        "title": course.title,
        "field": course.field.code,
        "level": course.level,
        "status": course.status,
        "author": {"id": course.author_id, "name": course.author.name},
        "lessons": lessons,
        "published_at": course.published_at.isoformat() if course.published_at else None,
    }


@maher.command("courses")
@click.option("--field", default=None, help="A field code, e.g. hand_weaving.")
@click.option("--q", "query", default=None, help="Words of the title.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--per-page", default=50, show_default=True, type=click.IntRange(1, 1000))
@json_option
@cli_errors
def courses(field: str | None, query: str | None, page: int, per_page: int, as_json: bool) -> None:
    """Published courses, newest first, a page at a time."""
    session = db_session()
    filters = services.coach_filters(session, field=field, q=query)
    result = paginate(
        session, services.catalogue_query(field=filters["field"], q=filters["q"]), page, per_page
    )
    counts = services.lesson_counts(session, [c.id for c in result.items])
    session.commit()  # the brochure's fields, if this was the first use
    if as_json:
        echo_json(
            {"items": [_course_dict(c, counts.get(c.id, 0)) for c in result.items], "meta": result.meta()}
        )
        return
    if not result.items:
        click.echo("no courses")
        return
    for c in result.items:
        click.echo(f"{c.id:>6}  {c.field.code:<14}  {counts.get(c.id, 0):>3} lessons  {c.title}")
    click.echo(f"page {result.page} of {result.pages}, {result.total} courses in all")


@maher.group("certificate")
def certificate() -> None:
    """Certificates of completed courses."""


def _certificate_dict(e: Enrolment) -> dict[str, Any]:
    return {
        "code": e.certificate_code,
        "name": e.member.name,
        "course": e.course.title,
        "course_id": e.course_id,
        "completed_at": e.completed_at.isoformat() if e.completed_at else None,
        "url": f"/maher/certificates/{e.certificate_code}",
    }


@certificate.command("verify")
@click.argument("code")
@json_option
@cli_errors
def verify(code: str, as_json: bool) -> None:
    """Is CODE a certificate's verification code? Exit 1 with "no such certificate" if not."""
    found = services.certificate(db_session(), code)
    if as_json:
        echo_json(_certificate_dict(found))
    else:
        day = found.completed_at.date().isoformat() if found.completed_at else "-"
        click.echo(f"{found.certificate_code}  {found.member.name}  {found.course.title}  {day}")


IMPORT_COLUMNS = ("member", "name", "field", "level", "years", "mentoring", "mode", "description")


@maher.command("import-skills")
@click.argument("path", type=click.File("r", encoding="utf-8-sig"))
@json_option
@cli_errors
def import_skills(path: Any, as_json: bool) -> None:
    """Add skills from a CSV file with the header member,name,field,level,years,mentoring,mode,description
    (member: a mobile or national code). Every row is checked first: one bad row and nothing is added."""
    session = db_session()
    text = path.read()
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not set(IMPORT_COLUMNS[:4]) <= set(rows[0]):
        raise BadInput(f"The file needs the columns {', '.join(IMPORT_COLUMNS)}.")
    problems: dict[str, str] = {}
    added = 0
    with click.progressbar(rows, label="skills", file=sys.stderr) as bar:
        for n, row in enumerate(bar, start=2):
            try:
                with session.begin_nested():
                    member = get_member(session, (row.get("member") or "").strip())
                    years = (row.get("years") or "0").strip()
                    services.save_skill(
                        session,
                        member,
                        name=row.get("name", ""),
                        field=row.get("field", ""),
                        level=(row.get("level") or "").strip(),
                        years=int(years) if years.isdecimal() else -1,
                        description=row.get("description") or "",
                        mentoring=(row.get("mentoring") or "").strip().lower() in ("1", "yes", "true"),
                        mode=(row.get("mode") or "in_person").strip(),
                    )
                    added += 1
            except BadInput as exc:
                detail = "; ".join(f"{k}: {v}" for k, v in exc.form_errors().items() if k != "_form")
                problems[f"line {n}"] = detail or str(exc.message)
            except NotFound as exc:  # an unknown member
                problems[f"line {n}"] = str(getattr(exc, "message", exc))
    if problems:
        raise BadInput("Nothing was imported: correct these lines.", fields=problems)
    session.commit()
    if as_json:
        echo_json({"added": added})
    else:
        click.echo(f"{added} skills added")
