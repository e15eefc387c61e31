"""The packages: their list and pages, the coordinator's and the supplier's actions on a
package, and the recipient's confirmation that a shipment arrived."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from purldesk.domain.access import authorize
from purldesk.domain.deliveries import ShipmentId, shipment_ref
from purldesk.domain.errors import Conflict, InvalidInput, NotFound, PurldeskError
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId, PackageStatus
from purldesk.domain.requirements import LineId
from purldesk.entrypoints.web import render
from purldesk.entrypoints.web.auth import WebUser, wired
from purldesk.entrypoints.web.render import Errors
from purldesk.services import deliveries
from purldesk.services import packages as package_services
from purldesk.services.handle import Command
from purldesk.services.views import choosers, paging
from purldesk.services.views import packages as package_pages
from purldesk.services.views.rows import DeliveryRow

router = APIRouter(include_in_schema=False)


@router.get("/packages", response_class=HTMLResponse)
def packages_page(request: Request) -> Response:
    user = render.signed_in(request)
    found = package_pages.package_list(wired(request).reader(), viewer=user.actor.viewer)
    return render.render(request, "packages.html", user, active="packages", packages=found)


def _package(
    request: Request, user: WebUser, view: package_pages.PackageDetail, *, errors: Errors,
    values: Mapping[str, str], status: int = 200,
) -> HTMLResponse:  # fmt: skip
    reader = wired(request).reader()
    clearable = choosers.contributors(reader) if "restrict" in view.actions else []
    return render.render(
        request, "package.html", user, status=status, active="packages", view=view,
        errors=errors, values=values, today=render.today(wired(request)).isoformat(),
        clearable=clearable,
    )  # fmt: skip


def _package_view(
    request: Request, user: WebUser, package_id: int, *, payments_asked: int = 1
) -> package_pages.PackageDetail:
    if not 1 <= package_id < 2**31:
        raise NotFound("package", package_id)
    return package_pages.package_detail(
        wired(request).reader(), viewer=user.actor.viewer, package_id=PackageId(package_id),
        payments_asked=payments_asked, payments_size=package_pages.PAYMENTS_PAGE_SIZE,
    )  # fmt: skip


@router.get("/packages/{package_id}", response_class=HTMLResponse)
def package_page(request: Request, package_id: int) -> Response:
    user = render.signed_in(request)
    errors: Errors = {}
    try:
        asked = paging.page_number(request.query_params.get("payments_page"), field="payments_page")
    except InvalidInput as error:
        errors["payments_page"], asked = error.message, 1
    view = render.found(
        request, user, lambda: _package_view(request, user, package_id, payments_asked=asked)
    )
    return _package(request, user, view, errors=errors, values={}, status=422 if errors else 200)


def _offered(
    request: Request, user: WebUser, package_id: int, action: str
) -> package_pages.PackageDetail:
    """The package, if the page offers the action on it; else refused by role (403) or by the
    package's state (409)."""
    view = _package_view(request, user, package_id)
    authorize(user.actor, package_pages.PACKAGE_COMMANDS[action].permission)
    if action not in view.actions:
        what = action.replace("_", " ")
        raise Conflict(
            f"{view.summary.ref} is {view.summary.status}: “{what}” is not possible now."
        )
    return view


def _confirmable(
    request: Request, user: WebUser, package_id: int, shipment_id: int
) -> tuple[package_pages.PackageDetail, DeliveryRow]:
    """The package and its shipment, if the user may confirm the shipment's receipt."""
    view = _package_view(request, user, package_id)
    authorize(user.actor, deliveries.ConfirmReceipt.permission)
    shipment = next((s for s in view.shipments if s.shipment_id == shipment_id), None)
    if shipment is None:
        raise NotFound("shipment", shipment_id)
    return view, shipment


# Where a shipment's refusal by the service is shown on the page: next to its field.
SHIPMENT_FIELDS = {"quantity", "shipped_on", "line"}
# The fields a refusal is shown next to, by the form's action, and their ids' prefix.
FORM_FIELDS = {"ship": (SHIPMENT_FIELDS, "ship-"), "restrict": ({"cleared"}, "restrict-")}

# The coordinator's lifecycle moves: no input but the day they happen.
MOVES = {"propose": "proposed", "validate": "validated", "top_up": "topped_up",
         "close": "closed", "cancel": "cancelled"}  # fmt: skip


@router.post("/packages/{package_id}/{action}", response_class=HTMLResponse)
async def package_action(request: Request, package_id: int, action: str) -> Response:
    user, fields = await render.posted(request)
    if action not in package_pages.PACKAGE_COMMANDS or action == "confirm":
        return render.problem(request, user, NotFound("action", action))
    application = wired(request)
    view = render.found(
        request, user, lambda: _offered(request, user, package_id, action), PurldeskError
    )
    pid, ref, now = PackageId(package_id), view.summary.ref, application.clock.now()
    today = now.date()
    errors: Errors = {}
    if action == "cancel" and not render.confirmed(fields):
        errors["cancel-confirm"] = (
            "Tick the box to confirm: cancelling ends the package for good "
            "and returns its money to the funds that paid it."
        )
        return _package(request, user, view, errors=errors, values=fields, status=422)
    if action == "restrict":
        # One box per participant cleared; a value may also list codes ("NLD DEU").
        form = await request.form()
        chosen = [v for v in form.getlist("cleared") if isinstance(v, str)]
        fields = {**fields, "cleared": " ".join(" ".join(chosen).replace(",", " ").split())}
    try:
        if action in MOVES:
            step: Command[Package] = (
                package_services.Propose(package_id=pid) if action == "propose"
                else package_services.Validate(package_id=pid) if action == "validate"
                else package_services.TopUp(package_id=pid, on=today) if action == "top_up"
                else package_services.Close(package_id=pid, on=today) if action == "close"
                else package_services.Cancel(package_id=pid, on=today)
            )  # fmt: skip
            render.handle(request, user, step)
            return render.redirect(f"/packages/{package_id}", MOVES[action], ref)
        if action == "restrict":
            restrict = package_services.RestrictContents(
                package_id=pid, restricted=fields.get("restricted") == "yes",
                cleared=tuple(fields.get("cleared", "").replace(",", " ").split()),
            )  # fmt: skip
            render.handle(request, user, restrict)
            return render.redirect(f"/packages/{package_id}", "restricted", ref)
        if action == "accept":
            prices: dict[LineId, Money] = {}
            for line in view.lines:
                field = f"price-{line.line_ref}"
                text = fields.get(field, "").strip()
                if not text:
                    continue
                try:
                    price = Money.parse(text, USD, field=field)
                except InvalidInput as error:
                    errors[field] = (
                        f"Enter a lot price in USD, such as 1,250,000.00 ({error.message})."
                    )
                    continue
                if not price.is_positive:
                    errors[field] = "Enter a lot price above zero."
                elif price != line.lot_price:
                    prices[line.line_id] = price
            if errors:
                return _package(request, user, view, errors=errors, values=fields, status=422)
            accept = package_services.Accept(package_id=pid, prices=tuple(prices.items()), on=today)
            accepted = render.handle(request, user, accept)
            done = "accepted" if accepted.status is PackageStatus.ACCEPTED else "repriced"
            return render.redirect(f"/packages/{package_id}", done, ref)
        # ship
        line_ref = fields.get("line", "")
        shipping = next((ln for ln in view.lines if ln.line_ref == line_ref), None)
        if shipping is None:
            errors["ship-line"] = "Choose one of the package's lines."
        quantity = render.count(fields.get("quantity", ""))
        if quantity is None or quantity < 1:
            errors["ship-quantity"] = "Enter a whole number of units, 1 or more."
        elif shipping is not None and quantity > shipping.left_to_ship:
            errors["ship-quantity"] = (
                f"At most {shipping.left_to_ship:,} unit(s) of {shipping.line_ref} are left to ship."
            )
        shipped_on = render.date(fields.get("shipped_on", ""), "ship-shipped_on", errors, today)
        if "ship-shipped_on" not in errors and shipped_on > today:
            errors["ship-shipped_on"] = "The shipment date cannot be in the future."
        if errors or shipping is None or quantity is None:
            return _package(request, user, view, errors=errors, values=fields, status=422)
        ship = deliveries.Ship(
            package_id=pid, line_id=shipping.line_id, quantity=quantity, shipped_on=shipped_on
        )
        made = render.handle(request, user, ship)
        return render.redirect(f"/packages/{package_id}", "shipped", made.ref)
    except NotFound as error:
        return render.problem(request, user, error)
    except PurldeskError as error:
        known, prefix = FORM_FIELDS.get(action, ((), ""))
        render.note_refusal(errors, error, fields=known, prefix=prefix)
    view = _package_view(request, user, package_id)
    return _package(request, user, view, errors=errors, values=fields, status=422)


@router.post("/packages/{package_id}/shipments/{shipment_id}/confirm", response_class=HTMLResponse)
async def confirm_receipt(request: Request, package_id: int, shipment_id: int) -> Response:
    user, fields = await render.posted(request)
    application = wired(request)
    view, shipment = render.found(
        request, user, lambda: _confirmable(request, user, package_id, shipment_id), PurldeskError
    )
    sref = shipment_ref(shipment.shipment_id)
    field = f"received-{sref}"
    now = application.clock.now()
    errors: Errors = {}
    received_on = render.date(fields.get("received_on", ""), field, errors, now.date())
    if field not in errors and received_on > now.date():
        errors[field] = "The date of receipt cannot be in the future."
    elif field not in errors and received_on < shipment.shipped_on:
        errors[field] = f"It cannot arrive before it shipped ({shipment.shipped_on})."
    if not errors:
        try:
            confirm = deliveries.ConfirmReceipt(
                shipment_id=ShipmentId(shipment_id), received_on=received_on
            )
            render.handle(request, user, confirm)
            back = "/" if fields.get("next") == "inbox" else f"/packages/{package_id}"
            return render.redirect(back, "confirmed", sref)
        except PurldeskError as error:
            render.note_refusal(errors, error, form=field)
        view = _package_view(request, user, package_id)
    return _package(request, user, view, errors=errors, values={field: fields.get("received_on", "")},
                    status=422)  # fmt: skip
