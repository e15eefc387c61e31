"""The contributions: their page, the pledge form, what others see of a contribution, its
commitment, receipt or cancellation, and a contributor's statement (page and downloads)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import InvalidOperation

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from purldesk.adapters.exports import reports
from purldesk.domain.access import Permission, can
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.errors import InvalidInput, NotFound, PurldeskError
from purldesk.domain.money import Money
from purldesk.entrypoints.web import render
from purldesk.entrypoints.web.auth import WebUser, wired
from purldesk.entrypoints.web.render import Errors
from purldesk.services import contributions, earmarks, member_parts
from purldesk.services.handle import Command
from purldesk.services.views import choosers, paging
from purldesk.services.views import contributions as contribution_pages
from purldesk.services.views import earmarks as earmark_choices
from purldesk.services.views import statement as statements

router = APIRouter(include_in_schema=False)


def _asked(fields: Mapping[str, str], errors: Errors) -> int:
    """The page of the list asked for (a form keeps the one it was sent from); a number at
    fault goes into `errors`, and the first page is shown."""
    try:
        return paging.page_number(fields.get("page"))
    except InvalidInput as error:
        errors["page"] = error.message
        return 1


def _back(asked: int) -> str:
    """Where a form sends the user back to: the page of the list it was sent from."""
    return "/contributions" if asked == 1 else f"/contributions?page={asked}"


def _contributions(
    request: Request, user: WebUser, *, errors: Errors, values: Mapping[str, str],
    status: int = 200, chosen: Mapping[str, list[str]] | None = None, asked: int = 1,
) -> HTMLResponse:  # fmt: skip
    """Page `asked` of the list, with a form's errors and values (`chosen`: the boxes ticked,
    by name)."""
    application = wired(request)
    view = contribution_pages.contributions(
        application.reader(), viewer=user.actor.viewer, asked=asked
    )
    pledging = view.can_pledge
    packages = earmark_choices.earmarkable_packages(application.reader()) if pledging else []
    return render.render(
        request, "contributions.html", user, status=status, active="contributions", view=view,
        errors=errors, values=values, today=render.today(application).isoformat(),
        aid_classes=[a.value for a in AidClass], earmark_packages=packages,
        areas=choosers.areas(application.reader()) if pledging else [],
        currencies=choosers.currencies(application.fx.currencies()) if pledging else [],
        members=choosers.members(application.reader(), user.actor.organization) if pledging
        else [],
        chosen=chosen or {}, params={},
    )  # fmt: skip


@router.get("/contributions", response_class=HTMLResponse)
def contributions_page(request: Request) -> Response:
    user = render.signed_in(request)
    if not can(user.actor, Permission.READ_CONTRIBUTIONS):
        return render.problem(request, user, NotFound("page", "contributions"))
    errors: Errors = {}
    asked = _asked(request.query_params, errors)
    status = 422 if errors else 200
    return _contributions(request, user, errors=errors, values={}, status=status, asked=asked)


# The form's fields for the parts of an earmark the pledge refuses.
_EARMARK_FIELDS = {
    "earmark.areas": "areas", "earmark.aid_classes": "aid_class",
    "earmark.package": "earmark_package", "earmark.expires_on": "earmark_expires_on",
}  # fmt: skip


@router.post("/contributions", response_class=HTMLResponse)
async def pledge(request: Request) -> Response:
    user, fields = await render.posted(request)
    application = wired(request)
    errors: Errors = {}
    currency = fields.get("currency", "").strip().upper()
    amount: Money | None = None
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors["currency"] = "Enter a three-letter currency code, such as EUR."
    elif not fields.get("amount", "").strip():
        errors["amount"] = "Enter an amount."
    else:
        try:
            amount = Money.parse(fields["amount"].strip().replace(",", ""), currency)
            if not amount.is_positive:
                errors["amount"] = "must be positive"
        except InvalidInput as error:
            errors["currency" if error.field == "currency" else "amount"] = error.message
        except (ValueError, InvalidOperation, KeyError):
            errors["currency"] = f"{currency} is not a currency purldesk knows"
    pledged_on = render.date(
        fields.get("pledged_on", ""), "pledged_on", errors, render.today(application)
    )
    form = await request.form()
    chosen = [v for v in form.getlist("aid_class") if isinstance(v, str)]
    if any(v not in {a.value for a in AidClass} for v in chosen):
        errors["aid_class"] = "Choose among the aid classes shown."
    classes = frozenset(AidClass(v) for v in chosen if v in {a.value for a in AidClass})
    # One box per area; a value may also list several ("air_defence,medical").
    areas = [a for v in form.getlist("areas") if isinstance(v, str) for a in v.split(",")]
    areas = [a.strip() for a in areas if a.strip()]
    package, expires_on = _earmark_package_and_expiry(fields, errors, render.today(application))
    purpose = fields.get("purpose", "").strip()
    if len(purpose) > 2000:
        errors["purpose"] = "must be at most 2,000 characters"
    if not errors and amount is not None:
        try:
            # Written as on every other edge: area names and members' parts are read, and
            # checked, alike.
            earmark = earmarks.parse_earmark(
                aid_classes=[c.value for c in classes], areas=areas, package=package,
                expires_on=expires_on,
            )  # fmt: skip
            command = contributions.Pledge(
                contributor=user.actor.organization, amount=amount, pledged_on=pledged_on,
                confidential=fields.get("confidential") == "on",
                anonymous=fields.get("anonymous") == "on", purpose=purpose, earmark=earmark,
                members=_parts(fields),
            )  # fmt: skip
            made = render.handle(request, user, command)
            return render.redirect("/contributions", "pledged", made.ref)
        except PurldeskError as error:
            if isinstance(error, InvalidInput) and error.field in _EARMARK_FIELDS:
                error = InvalidInput(_EARMARK_FIELDS[error.field], error.message)
            render.note_refusal(
                errors, error, fields=("amount", "currency", *_EARMARK_FIELDS.values(), "members")
            )
    ticked = {"aid_class": chosen, "areas": areas}
    return _contributions(request, user, errors=errors, values=fields, status=422, chosen=ticked)


def _parts(fields: Mapping[str, str]) -> tuple[member_parts.MemberAmount, ...]:
    """The members' parts the form gives, one amount and currency per member of the group
    (`part_amount_DNK`, `part_currency_DNK`); a member left empty has no part."""
    parts = []
    for name, amount in fields.items():
        if name.startswith(PART_AMOUNT) and amount.strip():
            member = name.removeprefix(PART_AMOUNT)
            code = fields.get(f"{PART_CURRENCY}{member}", "")
            parts.append(member_parts.member_amount(member, amount.replace(",", ""), code))
    return tuple(parts)


PART_AMOUNT, PART_CURRENCY = "part_amount_", "part_currency_"


def _earmark_package_and_expiry(
    fields: Mapping[str, str], errors: Errors, today: date
) -> tuple[str | None, date | None]:
    """The package chosen (None: any) and the expiry typed (None: none) of a pledge's earmark."""
    package = fields.get("earmark_package", "").strip() or None
    typed = fields.get("earmark_expires_on", "").strip()
    expires_on = render.date(typed, "earmark_expires_on", errors, today) if typed else None
    return package, expires_on


@router.post("/contributions/{contribution_id}/disclosure", response_class=HTMLResponse)
async def set_disclosure(request: Request, contribution_id: int) -> Response:
    """The owner's choice of what others see: a ticked box is on, an unticked one off."""
    user, fields = await render.posted(request)
    if not 1 <= contribution_id < 2**31:
        return render.problem(request, user, NotFound("contribution", contribution_id))
    confidential, anonymous = (fields.get(k) == "on" for k in ("confidential", "anonymous"))
    command = contributions.SetDisclosure(
        contribution_id=ContributionId(contribution_id), confidential=confidential,
        anonymous=anonymous,
    )  # fmt: skip
    try:
        changed = render.handle(request, user, command)
    except PurldeskError as error:
        return render.problem(request, user, error)
    return render.redirect(_back(_asked(fields, {})), "disclosure", changed.ref)


@router.post("/contributions/{contribution_id}/{action}", response_class=HTMLResponse)
async def contribution_action(request: Request, contribution_id: int, action: str) -> Response:
    user, fields = await render.posted(request)
    application = wired(request)
    cid = ContributionId(contribution_id)
    if action not in ("commit", "receive", "cancel") or not 1 <= contribution_id < 2**31:
        return render.problem(request, user, NotFound("action", action))
    errors: Errors = {}
    asked = _asked(fields, {})
    field = f"{action}-{contribution_id}"
    on = render.date(fields.get("on", ""), field, errors, render.today(application))
    ref = f"C-{contribution_id:05d}"
    if action == "cancel" and not render.confirmed(fields):
        errors[field] = f"Tick the box to confirm: a cancelled pledge of {ref} cannot be restored."
    if not errors:
        try:
            command: Command[Contribution] = (
                contributions.Commit(contribution_id=cid) if action == "commit"
                else contributions.Receive(contribution_id=cid, on=on) if action == "receive"
                else contributions.Cancel(contribution_id=cid, on=on)
            )  # fmt: skip
            render.handle(request, user, command)
            done = {"commit": "committed", "receive": "received", "cancel": "cancelled"}[action]
            return render.redirect(_back(asked), done, ref)
        except NotFound as error:
            return render.problem(request, user, error)
        except PurldeskError as error:
            render.note_refusal(errors, error, form=field)
    return _contributions(
        request, user, errors=errors, values={field: fields.get("on", "")}, status=422,
        asked=asked,
    )  # fmt: skip


# -- statement ---------------------------------------------------------------------------------

# The page's parameters: whose statement, and the page of each of its long lists.
STATEMENT_PAGES = ("contributions_page", "lines_page", "substitutions_page")


def _whose(request: Request, contributor: str | None) -> tuple[WebUser, str, list[choosers.Choice]]:
    """The signed-in user, whose statement it asks for and whose statements it may choose from.

    A contributor reads its own organization's; the coordinator and the auditor choose among
    every organization that has one, the first of them by default.
    """
    user = render.signed_in(request)
    viewer = user.actor.viewer
    picks = viewer.can(Permission.READ_LEDGER) and not viewer.own_only
    picker = choosers.givers(wired(request).reader()) if picks else []
    return user, contributor or (picker[0].value if picker else user.actor.organization), picker


def _statement_pages(params: Mapping[str, str], errors: Errors) -> dict[str, int]:
    """The page of each list asked for; a number at fault goes into `errors`, and that list's
    first page is shown."""
    asked: dict[str, int] = {}
    for name in STATEMENT_PAGES:
        try:
            asked[name] = paging.page_number(params.get(name), field=name)
        except InvalidInput as error:
            errors[name], asked[name] = error.message, 1
    return asked


@router.get("/statement", response_class=HTMLResponse)
def statement_page(request: Request, contributor: str | None = None) -> Response:
    user, code, picker = _whose(request, contributor)
    errors: Errors = {}
    asked = _statement_pages(request.query_params, errors)
    reader = wired(request).reader()
    view = render.found(
        request, user, lambda: statements.statement(
            reader, viewer=user.actor.viewer, contributor=code,
            contributions_asked=asked["contributions_page"], lines_asked=asked["lines_page"],
            substitutions_asked=asked["substitutions_page"],
        ),
    )  # fmt: skip
    # The links of each pager keep the contributor and the other lists' pages.
    shown = {
        "contributions_page": view.contributions_page, "lines_page": view.lines_page,
        "substitutions_page": view.substitutions_page,
    }  # fmt: skip
    params = {"contributor": view.contributor} | {
        name: str(page.number) for name, page in shown.items() if page.number > 1
    }
    return render.render(
        request, "statement.html", user, status=422 if errors else 200, active="statement",
        view=view, picker=picker, params=params, errors=errors,
    )  # fmt: skip


@router.get("/statement.{kind}")
def statement_download(request: Request, kind: str, contributor: str | None = None) -> Response:
    user, code, _ = _whose(request, contributor)
    reader = wired(request).reader()
    view = render.found(
        request, user,
        lambda: statements.statement_export(reader, viewer=user.actor.viewer, contributor=code),
    )  # fmt: skip
    if kind not in (reports.ReportFormat.CSV, reports.ReportFormat.XLSX):
        return render.problem(request, user, NotFound("format", kind))
    asked = reports.Asked(user.actor.viewer, render.today(wired(request)), view.contributor)
    rendered = reports.STATEMENT.shape(view, asked, reports.ReportFormat(kind))
    return Response(
        rendered.body, media_type=rendered.media_type,
        headers={"Content-Disposition": f'attachment; filename="{rendered.filename}"'},
    )  # fmt: skip
