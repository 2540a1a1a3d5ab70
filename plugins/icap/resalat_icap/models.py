"""What iCAP records: promissory notes, their guarantors, endorsements, status history and serials."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, utcnow

# A note moves issued -> pledged -> released or protested; released and protested are final.
ISSUED = "issued"
PLEDGED = "pledged"
RELEASED = "released"
PROTESTED = "protested"
STATUSES = (ISSUED, PLEDGED, RELEASED, PROTESTED)

PERSON = "person"  # payee named by a 10-digit national code (کد ملی)
COMPANY = "company"  # payee named by an 11-digit national ID (شناسه‌ی ملی)
PAYEE_KINDS = (PERSON, COMPANY)

NAME_MAX = 200
PURPOSE_MAX = 500
PLACE_MAX = 200
REFERENCE_MAX = 64
REASON_MAX = 1000
KEY_MAX = 200


class Note(Base):
    """سفته‌ی الکترونیکی: the issuer promises to pay ``amount`` rials to the payee, on a day or on demand.

    The issuer's name, national code and mobile are copied in when it is issued, as a paper note
    keeps what was written on it even if the member later changes their profile.
    """

    __tablename__ = "icap_notes"
    __table_args__ = (
        UniqueConstraint("serial", name="uq_icap_notes_serial"),
        # One note per issuer and idempotency key: the same form sent twice issues one note.
        UniqueConstraint("issuer_id", "key", name="uq_icap_notes_issuer_id_key"),
        # My notes, newest first, by status.
        Index("ix_icap_notes_issuer_id_status_id", "issuer_id", "status", "id"),
        # Release and protest find the note a loan pledged.
        Index("ix_icap_notes_pledged_reference", "pledged_reference"),
        Index("ix_icap_notes_status_id", "status", "id"),
        CheckConstraint("status IN ('issued', 'pledged', 'released', 'protested')", name="status_known"),
        CheckConstraint("payee_kind IN ('person', 'company')", name="payee_kind_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("stamp_duty >= 0", name="duty_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Sixteen digits: the Jalali year of issue, then a sequence of that year (1405000000000123).
    serial: Mapped[str] = mapped_column(String(16))
    issuer_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    issuer_name: Mapped[str] = mapped_column(String(NAME_MAX))
    issuer_national_code: Mapped[str] = mapped_column(String(10))
    issuer_mobile: Mapped[str] = mapped_column(String(11))
    # Rials, as a promissory note is written.
    amount: Mapped[int] = mapped_column(BigInteger)
    amount_words: Mapped[str] = mapped_column(String(NAME_MAX + 300))
    # None: payable on demand (عندالمطالبه).
    due_date: Mapped[date | None]
    payee_kind: Mapped[str] = mapped_column(String(16))
    payee_name: Mapped[str] = mapped_column(String(NAME_MAX))
    payee_code: Mapped[str] = mapped_column(String(11))
    purpose: Mapped[str] = mapped_column(String(PURPOSE_MAX))
    place_of_payment: Mapped[str] = mapped_column(String(PLACE_MAX))
    status: Mapped[str] = mapped_column(String(16), default=ISSUED)
    # What the note stands for while pledged, e.g. "loan:12"; kept after release or protest.
    pledged_reference: Mapped[str | None] = mapped_column(String(REFERENCE_MAX))
    pledged_amount: Mapped[int | None] = mapped_column(BigInteger)
    stamp_duty: Mapped[int] = mapped_column(BigInteger)
    duty_transfer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("wallet_transfers.id"))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    issuer: Mapped[Member] = relationship(lazy="raise")
    # Loaded with the note (one query per list, not per note): every reader shows them.
    guarantors: Mapped[list[Guarantor]] = relationship(
        back_populates="note", order_by="Guarantor.position", lazy="selectin", cascade="all, delete-orphan"
    )
    endorsements: Mapped[list[Endorsement]] = relationship(
        back_populates="note", order_by="Endorsement.position", lazy="selectin", cascade="all, delete-orphan"
    )
    history: Mapped[list[NoteStatusChange]] = relationship(
        back_populates="note", order_by="NoteStatusChange.id", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def on_demand(self) -> bool:
        return self.due_date is None

    @property
    def all_signed(self) -> bool:
        return all(g.signed_at is not None for g in self.guarantors)

    @property
    def holder_name(self) -> str:
        """Whom the note is payable to now: the last endorsee, else the payee."""
        return self.endorsements[-1].payee_name if self.endorsements else self.payee_name

    @property
    def holder_code(self) -> str:
        return self.endorsements[-1].payee_code if self.endorsements else self.payee_code

    def __repr__(self) -> str:
        return f"<Note {self.serial} {self.amount} {self.status}>"


class Guarantor(Base):
    """ضامن: a member who signs the note beside the issuer, re-entering their own password."""

    __tablename__ = "icap_guarantors"
    __table_args__ = (
        UniqueConstraint("note_id", "member_id", name="uq_icap_guarantors_note_id_member_id"),
        # "Notes I am asked to guarantee".
        Index("ix_icap_guarantors_member_id_signed_at", "member_id", "signed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    note_id: Mapped[int] = mapped_column(BigId, ForeignKey("icap_notes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    national_code: Mapped[str] = mapped_column(String(10))
    mobile: Mapped[str] = mapped_column(String(11))
    signed_at: Mapped[datetime | None]

    note: Mapped[Note] = relationship(back_populates="guarantors", lazy="raise")


class Endorsement(Base):
    """ظهرنویسی: the note is made payable to a new payee, in order, while it is not pledged."""

    __tablename__ = "icap_endorsements"
    __table_args__ = (
        UniqueConstraint("note_id", "position", name="uq_icap_endorsements_note_id_position"),
        CheckConstraint("payee_kind IN ('person', 'company')", name="payee_kind_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    note_id: Mapped[int] = mapped_column(BigId, ForeignKey("icap_notes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    payee_kind: Mapped[str] = mapped_column(String(16))
    payee_name: Mapped[str] = mapped_column(String(NAME_MAX))
    payee_code: Mapped[str] = mapped_column(String(11))
    endorsed_on: Mapped[date]
    by_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    note: Mapped[Note] = relationship(back_populates="endorsements", lazy="raise")


class NoteStatusChange(Base):
    """One step of a note's life: who moved it, when, for what reference and why."""

    __tablename__ = "icap_status_changes"
    __table_args__ = (Index("ix_icap_status_changes_note_id_id", "note_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    note_id: Mapped[int] = mapped_column(BigId, ForeignKey("icap_notes.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(REFERENCE_MAX))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    note: Mapped[Note] = relationship(back_populates="history", lazy="raise")
    actor: Mapped[Member | None] = relationship(lazy="raise")


class SerialCounter(Base):
    """The last serial number issued in a Jalali year; one row a year, bumped by a locking UPDATE."""

    __tablename__ = "icap_serial_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(BigInteger, default=0)
