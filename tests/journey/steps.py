"""The ten steps of a core's journey, each done through the pages by the people in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from resalat_core.demo import DEMO_PASSWORD

from .walker import Journey, Walker

# The demo's personas (README "Demo personas"): phone numbers, roles and regions kept stable.
ADMIN = "09120000001"
MEMBER = "09120000002"  # Maryam Ahmadi, Gorg Tappeh: the buyer of the last step
GUIDE = "09120000005"  # the guide of Zanjan
SUPPORTER = "09120000006"  # a credit supporter
OFFICER = "09120000009"  # the credit officer of Zanjan
VOUCHERS = "09120000013"  # the vouchers organisation of Zanjan
OPERATOR = "09120000014"  # the M-ST operator of Zanjan
INSURER = "09120000015"
COUNSELLOR = "09120000016"

# The new core leader the guide meets: a woman of Gorg Tappeh who keeps sheep.
LEADER_NAME = "سکینه قربانی"
LEADER_MOBILE = "09121404017"
LEADER_PASSWORD = "sakineh-1404-gorg"  # noqa: S105 (a test member's)
CORE_NAME = "دامداری قربانی"


@dataclass
class World:
    """What the steps pass on to each other."""

    browser: Any
    base: str
    app: Any
    journey: Journey = field(default_factory=Journey)
    people: dict[str, Walker] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def person(self, who: str, mobile: str, password: str = DEMO_PASSWORD) -> Walker:
        """``who``'s browser, signed in once (the first time they are needed)."""
        if who not in self.people:
            walker = Walker(self.browser, self.base, self.journey, who)
            walker.sign_in(mobile, password)
            self.people[who] = walker
        return self.people[who]

    def cli(self, *args: str) -> str:
        result = self.app.test_cli_runner().invoke(args=list(args))
        assert result.exit_code == 0, f"resalat {' '.join(args)}: {result.output}"
        return str(result.output)

    def close(self) -> None:
        for walker in self.people.values():
            walker.close()


def national_code() -> str:
    from resalat_core.identity import national_code_with_check_digit

    return str(national_code_with_check_digit("140401701"))


def step_1_guide_registers_the_core(w: World) -> None:
    w.journey.begin("1. the guide records a candidate, she joins, the guide registers and approves her core")
    guide = w.person("guide", GUIDE)
    guide.tile("/guides")
    guide.click('[data-testid="new-candidate"]')
    code = national_code()
    guide.fill("#f-name", LEADER_NAME)
    guide.fill("#f-national_code", code)
    guide.fill("#f-mobile", LEADER_MOBILE)
    guide.choose("#f-region", "zanjan/gorg-tappeh")
    guide.choose("#f-field", "livestock")
    guide.tick("#f-intent-start")
    guide.fill("#f-experience_years", "4")
    guide.click('[data-testid="save"]')
    guide.sees(LEADER_NAME)
    candidate = guide.path()

    # She registers in M-Resalat herself (a guide cannot make members): her own password.
    leader = Walker(w.browser, w.base, w.journey, "leader")
    w.people["leader"] = leader
    leader.open("/")
    leader.href("/auth/register", within="body")
    leader.fill("#f-national_code", code)
    leader.fill("#f-mobile", LEADER_MOBILE)
    leader.fill("#f-name", LEADER_NAME)
    leader.choose("#f-region", "zanjan/gorg-tappeh")
    leader.fill("#f-password", LEADER_PASSWORD)
    leader.fill("#f-confirm", LEADER_PASSWORD)
    leader.click("form button[type=submit] >> nth=-1")
    assert "/auth/register" not in leader.path(), leader.text()

    guide.open(candidate)  # back to the candidate's page (its address is in the browser's history)
    guide.fill("#f-core_name", CORE_NAME)
    guide.tick("#f-approve")
    guide.click('[data-testid="save-core"]')
    guide.sees(CORE_NAME)


def top_up_by_card(walker: Walker, tomans: int) -> None:
    """Money into the main account by bank card, through the sandbox bank's page."""
    from resalat_hesam.gateways import SANDBOX_CARD

    walker.open("/")
    walker.tile("/hesam")
    walker.click('[data-testid="start-card-topup"]')
    walker.fill("#f-amount", str(tomans))
    walker.click('[data-testid="continue"]')
    walker.click('[data-testid="pay"]')
    walker.fill("#f-card", SANDBOX_CARD)
    walker.click('[data-testid="sandbox-pay"]')


def step_2_she_opens_a_booth(w: World) -> None:
    w.journey.begin("2. the core leader opens her booth in M-Bazar and lists her wool")
    leader = w.people["leader"]
    leader.open("/")
    leader.tile("/bazaar")
    leader.href("/bazaar/mine")
    leader.click('[data-testid="open-booth"]')
    leader.fill("#f-name", "غرفه‌ی " + CORE_NAME)
    leader.fill("#f-description", "پشم و کشک گوسفندان خودمان")
    leader.click('[data-testid="save"]')  # her core's ID is already filled in: she leads one core
    leader.sees("غرفه")
    leader.fill("#f-title", "پشم ریسیده‌ی گوسفند")
    leader.choose_containing("#f-category", "پشم و الیاف")
    leader.fill("#f-price", "250000")
    leader.fill("#f-stock", "20")
    leader.fill("#f-description", "پشم شسته و ریسیده، هر بسته یک کیلو")
    leader.tick("#f-listed")
    leader.click('[data-testid="save"]')
    w.facts["booth_page"] = leader.path()


def step_3_suppliers_and_a_group_purchase(w: World) -> None:
    w.journey.begin("3. she finds suppliers of her inputs and joins a group purchase")
    leader = w.people["leader"]
    leader.open("/")
    leader.tile("/value_chain")
    leader.link(CORE_NAME)
    leader.click('[data-testid="good-tab"] >> nth=0')
    leader.click('[data-testid="match-booth"] a >> nth=0')  # the nearest supplier's booth
    supplier_booth = leader.path()
    booth_name = leader.text('[data-testid="booth-name"]').strip()

    # The guide opens a group purchase of that supplier's product for the cores of Zanjan.
    guide = w.person("guide", GUIDE)
    guide.open("/")
    guide.tile("/group_orders")
    guide.click('[data-testid="new-link"]')
    guide.choose_containing("#f-product", f"· {booth_name} ·")
    price = guide.page.locator("#f-product option:checked").inner_text()
    listed = int("".join(ch for ch in price.split("·")[-1] if ch.isdigit()).translate(PERSIAN_DIGITS))
    group_price = max(listed * 9 // 10, 1)
    guide.fill("#f-unit_price", str(group_price))
    guide.fill("#f-min_quantity", "1")
    guide.fill("#f-max_quantity", "4")
    guide.fill("#f-deadline", jalali_in(days=10))
    guide.fill("#f-collection_point", "دهیاری گرگ‌تپه")
    guide.choose("#f-region", "zanjan/gorg-tappeh")
    guide.click('[data-testid="submit"]')
    purchase = guide.path()

    # The supplier (the booth's owner, one of the demo's people) accepts the group price.
    supplier = w.person("supplier", owner_mobile(w, supplier_booth))
    supplier.open("/")
    supplier.tile("/group_orders")
    supplier.click(f'[data-testid="asked"] a[href="{purchase}"]')
    supplier.click('[data-testid="accept"]')

    top_up_by_card(leader, group_price + 2_000_000)  # her part, and some for later
    leader.open("/")
    leader.tile("/group_orders")
    leader.click(f'[data-testid="open"] a[href="{purchase}"]')
    leader.fill("#f-quantity", "1")
    leader.click('[data-testid="join-submit"]')
    leader.click('[data-testid="confirm-submit"]')
    leader.sees(CORE_NAME)


LOAN_TOMANS = 20_000_000
VOUCHER_TITLE = "بن خرید از غرفه‌های اعضا"


def step_4_a_supporter_introduces_her(w: World) -> None:
    w.journey.begin("4. a credit supporter introduces her for a loan; she accepts")
    leader = w.people["leader"]
    # She reads her core's ID on her core's page and gives it to the supporter with her mobile.
    leader.open("/")
    leader.tile("/cores/mine")  # her cores and their IDs
    core_code = leader.text('[data-testid="core-code"]').strip().translate(PERSIAN_DIGITS)
    w.facts["core_code"] = core_code

    supporter = w.person("supporter", SUPPORTER)
    supporter.tile("/supporters")
    supporter.click('[data-testid="link-introduce"]')
    supporter.fill("#f-core", core_code)
    supporter.fill("#f-mobile", LEADER_MOBILE)
    supporter.fill("#f-national_code", national_code())
    supporter.fill("#f-estimate", "150000000")
    supporter.fill("#f-amount", str(LOAN_TOMANS))
    supporter.fill("#f-purpose", "ده رأس میش و علوفه‌ی زمستان")
    supporter.click('[data-testid="save"]')

    leader.open("/")
    leader.tile("/supporters")
    leader.click('[data-testid="link-my-introductions"]')
    leader.click('[data-testid="introduction"] a >> nth=0')
    leader.click('[data-testid="accept"]')


def step_5_scored_a_note_and_the_request(w: World) -> None:
    w.journey.begin("5. she is scored, issues the note the request names, and asks for the loan")
    leader = w.people["leader"]
    leader.open("/")
    leader.tile("/loans")
    leader.link("درخواست این وام")
    leader.fill("#f-instalments", "12")
    leader.click('[data-testid="check"]')
    # What the checklist says is missing, each with a link to where it is done.
    capacity = leader.page.locator('[data-testid="do-capacity"]')
    if capacity.count():  # Merat needs her monthly income and expenses for her repayment capacity
        leader.click(capacity)
        leader.fill("#f-monthly_income", "30000000")
        leader.fill("#f-monthly_expenses", "12000000")
        leader.click('[data-testid="save-profile"]')
        leader.click('[data-testid="recompute"]')
        leader.open("/")  # back to her request from the loans' page
        leader.tile("/loans")
        leader.link("درخواست این وام")
        leader.fill("#f-instalments", "12")
        leader.click('[data-testid="check"]')
    leader.click('[data-testid="do-note"]')  # a note of exactly the loan and its fee, filled in
    leader.fill("#f-due_date", jalali_in(days=400))
    leader.fill("#f-purpose", "وام قرض‌الحسنه‌ی دامداری")
    leader.tick("#f-confirm_duty")
    leader.click('[data-testid="submit"]')  # back to the request, the new note chosen
    unmet = leader.page.locator('[data-testid="requirement"][data-met="no"]')
    assert not unmet.count(), unmet.all_inner_texts()
    leader.click('[data-testid="send"]')
    w.facts["loan_page"] = leader.path()


def step_6_the_officer_approves(w: World) -> None:
    w.journey.begin("6. the credit officer approves the loan and it is paid out as earmarked credit")
    officer = w.person("officer", OFFICER)
    officer.tile("/loans/officer")
    officer.link(LEADER_NAME)
    officer.click('[data-testid="approve"]')
    officer.click('[data-testid="confirm"]')


def find_in_market(walker: Walker, category: str) -> None:
    """In M-Bazar, the first product of a category (by the filter's words), opened."""
    walker.open("/")
    walker.tile("/bazaar")
    walker.page.locator('[data-testid="filters"] summary').click()
    walker.journey.step.clicks += 1
    walker.choose_containing("#f-category", category)
    walker.click('[data-testid="search"]')
    walker.click('[data-testid="results"] a >> nth=0')


def step_7_loan_money_buys_sheep(w: World) -> None:
    w.journey.begin("7. the loan money buys her ewes in M-Bazar; honey it may not buy is refused, with why")
    leader = w.people["leader"]
    # Honey is not for a livestock loan: the checkout says so and takes nothing.
    find_in_market(leader, "عسل")
    leader.click('[data-testid="add-to-cart"]')
    leader.tick("#fund-earmarked")
    leader.click('[data-testid="pay"]', refused=True)
    leader.sees("فقط")
    leader.button("حذف")

    find_in_market(leader, "گوسفند")
    leader.sees("دام")  # the livestock programme's badge: loan money may buy it
    leader.click('[data-testid="add-to-cart"]')
    leader.tick("#fund-earmarked")
    leader.tick('input[name^="delivery_"][value="mst"]')
    leader.fill("#f-address", "گرگ‌تپه، کوچه‌ی مسجد، خانه‌ی قربانی")
    leader.click('[data-testid="pay"]')
    w.facts["sheep_order"] = leader.path()


def deliver(w: World, buyer: Walker) -> None:
    """The M-ST operator of Zanjan takes the buyer's newest parcel to her door and enters the code
    she reads him from her M-ST page."""
    buyer.open("/")
    buyer.tile("/stm")
    shipment = buyer.page.locator('[data-testid="shipment"]').first
    shipment_id = shipment.get_attribute("data-id")
    code = shipment.locator('[data-testid="code"]').inner_text().strip().translate(PERSIAN_DIGITS)

    operator = w.person("operator", OPERATOR)
    operator.open("/")
    operator.tile("/stm")
    operator.click('[data-testid="jobs-link"]')
    operator.click(f'[data-id="{shipment_id}"] [data-testid="open-job"]')
    operator.click('[data-testid="accept"]')
    for move in ("pickup", "transit"):  # the parcel's timeline, one tap each
        button = operator.page.locator(f'[data-testid="{move}"]')
        if button.count():
            operator.click(button)
    operator.fill("#f-code", code)
    operator.click('[data-testid="deliver"]')
    operator.sees("تحویل")


def step_8_insured_and_delivered(w: World) -> None:
    w.journey.begin("8. her ewes are insured; an M-ST operator brings them and takes her delivery code")
    leader = w.people["leader"]
    leader.open("/")
    leader.tile("/bimeh")
    leader.click('[data-testid="offer-quote"][href*="/livestock"] >> nth=0')  # the ewes of her order
    leader.click('[data-testid="get-quote"]')
    leader.click('[data-testid="buy"]')
    leader.sees("دام")

    deliver(w, leader)


def step_9_counsel_a_course_and_a_post(w: World) -> None:
    w.journey.begin("9. she books a counsellor, takes a course to its certificate and posts on Rasan")
    leader = w.people["leader"]
    leader.open("/")
    leader.tile("/counseling")
    leader.click('[data-testid="counselor"] a >> nth=0')
    leader.click('[data-testid="slot"] >> nth=0')
    leader.fill("#f-need", "برای زمستان گله چه علوفه‌ای بخرم؟")
    leader.click('[data-testid="book-review"]')
    leader.click('[data-testid="book-confirm"]')
    leader.sees("رزرو")

    leader.open("/")
    leader.tile("/maher")
    leader.click('[data-testid="catalogue-link"]')
    leader.click('[data-testid="courses"] a >> nth=0')
    leader.click('[data-testid="enrol"]')
    for _lesson in range(30):  # lesson after lesson; the last one leads to her certificate
        if "/maher/certificates/" in leader.path():
            break
        for step in ("mark-done", "next-lesson", "continue"):
            found = leader.page.locator(f'[data-testid="{step}"]')
            if found.count():
                leader.click(found)
                break
    assert "/maher/certificates/" in leader.path(), leader.path()

    leader.open("/")
    leader.tile("/rasan")
    leader.href("/rasan/new")
    leader.fill("#f-text", "پشم ریسیده‌ی گوسفندان خودمان در غرفه‌ی ما #دامداری #گرگ_تپه")
    leader.choose_containing("#f-product", "پشم ریسیده")
    leader.click('[data-testid="rasan-publish"]')
    leader.sees("#دامداری")


def step_10_she_sells_and_repays(w: World) -> None:
    w.journey.begin("10a. Maryam's cooperative gives her a voucher; the leader sells in instalments")
    org = w.person("vouchers", VOUCHERS)
    org.tile("/vouchers")
    org.href("/vouchers/people")
    org.fill("#f-mobile", MEMBER)
    org.click("form:has(#f-mobile) button[type=submit]")
    org.open("/")
    org.tile("/vouchers")
    org.click('[data-testid="to-issue"]')
    org.fill("#f-title", VOUCHER_TITLE)
    org.fill("#f-amount", "100000")
    org.fill("#f-expires_on", jalali_in(days=60))
    org.fill("#f-mobiles", MEMBER)
    org.click('[data-testid="issue-form"] button[type=submit]')
    org.click('[data-testid="issue-confirm"]')

    leader = w.people["leader"]
    leader.open("/")
    leader.tile("/aghsat")
    leader.href("/aghsat/booths")
    leader.click('[data-testid="opt-in"]')

    w.journey.begin("10b. Maryam buys her wool with the voucher and in instalments; M-ST brings it")
    buyer = w.person("buyer", MEMBER)
    buyer.tile("/bazaar")
    buyer.fill('[data-testid="q"]', "پشم ریسیده")
    buyer.click('[data-testid="search"]')
    buyer.link("پشم ریسیده‌ی گوسفند")
    buyer.fill("#f-quantity", "2")
    buyer.click('[data-testid="add-to-cart"]')
    ours = buyer.page.locator('[data-testid="payment-method"]', has_text=VOUCHER_TITLE)
    buyer.tick(ours.locator('input[name="method"]'))  # the voucher her cooperative just gave
    buyer.tick('input[name="rest_method"][value^="aghsat"] >> nth=0')  # three monthly instalments
    buyer.tick('input[name^="delivery_"][value="mst"]')
    buyer.fill("#f-address", "گرگ‌تپه، خیابان مدرسه")
    buyer.click('[data-testid="pay"]')
    deliver(w, buyer)

    # The delivery completes the order; her inbox invites her to review it.
    buyer.open("/")
    buyer.href("/notifications", within="nav")
    buyer.link("سفارش شما تحویل شد؛ نظرتان را بنویسید")
    buyer.click('[data-testid="review-this"] >> nth=0')
    buyer.tick("#stars-5")
    buyer.fill("#f-text", "پشم تمیز و خوب ریسیده شده بود؛ به موقع رسید.")
    buyer.click('[data-testid="submit"]')

    w.journey.begin("10c. the leader repays her loan, her note is released, the ledger is consistent")
    w.cli("loans", "run-due")  # the daily job: nothing is overdue, nothing is taken twice
    top_up_by_card(leader, LOAN_TOMANS + 1_000_000)
    leader.open("/")
    leader.tile("/loans")
    leader.href("/loans/", within='[data-testid="loans"]')
    leader.click('[data-testid="pay-next"]')
    leader.click('[data-testid="confirm"]')
    leader.click('[data-testid="pay-all"]')
    leader.click('[data-testid="confirm"]')
    unpaid = leader.page.locator('[data-testid="instalment"][data-paid="no"]')
    assert not unpaid.count(), leader.text('[data-testid="schedule"]')
    leader.open("/")
    leader.tile("/icap")
    leader.sees("آزاد")
    assert leader.page.locator('[data-testid="status"][data-status="released"]').count() == 1
    verified = w.cli("wallet", "verify")
    assert "the ledger is consistent" in verified, verified


PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def jalali_in(*, days: int) -> str:
    """A Jalali date ``days`` from Iran's today (the app's, not the machine's), as a person types it
    (1404/07/15)."""
    import datetime

    import jdatetime

    from resalat_core.formats import today_in_iran

    return jdatetime.date.fromgregorian(date=today_in_iran() + datetime.timedelta(days=days)).strftime(
        "%Y/%m/%d"
    )


def owner_mobile(w: World, booth_path: str) -> str:
    """The mobile of a booth's owner: the person who knows it is the owner, who signs in with it."""
    from sqlalchemy import text

    booth_id = int(booth_path.rstrip("/").split("/")[-1].split("?")[0])
    owner = text("SELECT m.mobile FROM bazaar_booths b JOIN members m ON m.id = b.owner_id WHERE b.id = :b")
    with w.app.app_context(), w.app.extensions["resalat"].db.new_session() as s:
        return str(s.scalar(owner, {"b": booth_id}))


STEPS = [
    step_1_guide_registers_the_core,
    step_2_she_opens_a_booth,
    step_3_suppliers_and_a_group_purchase,
    step_4_a_supporter_introduces_her,
    step_5_scored_a_note_and_the_request,
    step_6_the_officer_approves,
    step_7_loan_money_buys_sheep,
    step_8_insured_and_delivered,
    step_9_counsel_a_course_and_a_post,
    step_10_she_sells_and_repays,
]
