"""Write routes, each declared once from its command.

A route is declared by the function that builds its command: the function's parameters are the
path parameters and the body, as a FastAPI endpoint's would be (it may also ask for
`application`), and its docstring is the route's description. The command class names the
permission checked before the body is read (`CommandRoute`); `present` makes the response, which
is stored with the idempotency key and replayed for a repeat.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from enum import Enum
from inspect import Parameter
from typing import Annotated, Any, Generic, TypeAlias, TypeVar

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from purldesk.bootstrap import Application
from purldesk.domain.access import Actor
from purldesk.entrypoints.api import edges
from purldesk.entrypoints.api.deps import Wired, admit, allowed, wired
from purldesk.services.handle import Command, handle
from purldesk.services.ports import UnitOfWork

R = TypeVar("R")

# The result of a write as the acting user may see it, in the shape of the response model,
# read in the write's transaction; the application holds what every document is published by.
Present: TypeAlias = Callable[[R, Actor, UnitOfWork, Application], Any]
Build: TypeAlias = Callable[..., Command[R]]


def same_for_all(convert: Callable[[R], Any]) -> Present[R]:
    """A presenter for a result that every user allowed to write it may see in full."""
    return lambda result, _actor, _uow, _application: convert(result)


IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[!-~]+$",
        description="Unique per intended write; a repeat with the same body replays the first "
        "response and changes nothing, with another body it is refused (422).",
    ),
]  # fmt: skip
OptionalIdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[!-~]+$",
        description="Optional: with it, a retry replays the first response and changes nothing.",
    ),
]  # fmt: skip


class Key(Enum):
    """Whether a write route takes an `Idempotency-Key`."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = "none"  # for a write that is safe to repeat as it is

    def parameters(self) -> list[Parameter]:
        if self is Key.REQUIRED:
            return [Parameter("key", Parameter.KEYWORD_ONLY, annotation=IdempotencyKey)]
        if self is Key.OPTIONAL:
            optional = Parameter(
                "key", Parameter.KEYWORD_ONLY, annotation=OptionalIdempotencyKey, default=None
            )
            return [optional]
        return []


def run_command(
    request: Request,
    application: Application,
    actor: Actor,
    command: Command[R],
    *,
    key: str | None,
    present: Callable[[R, UnitOfWork], tuple[int, Any]],
) -> Response:
    """Handle `command` once per key; the response is what `present` made of the first run."""
    context = application.context(actor, request.state.request_id)
    handled = handle(application.uow(), command, context=context, key=key, present=present)
    stored = handled.response
    assert stored is not None  # the handler stores what `present` gives
    headers = {"Idempotent-Replayed": "true"} if handled.replayed else {}
    return Response(
        stored.body, status_code=stored.status_code, media_type="application/json",
        headers=headers,
    )  # fmt: skip


class CommandEndpoint(Generic[R]):
    """The FastAPI endpoint of a write: it builds the command from the request, runs it through
    `run_command` and answers with the presented result, serialised by the response model."""

    def __init__(
        self,
        command: type[Command[R]],
        build: Build[R],
        *,
        present: Present[R],
        response_model: Any,
        status: Callable[[R], int],
        key: Key,
        is_import: bool,
    ) -> None:
        declared = inspect.signature(build, eval_str=True)
        if declared.return_annotation is not command:
            raise TypeError(f"{build.__name__} must be declared to return {command.__name__}")
        self.command = command
        self.is_import = is_import
        self.__name__ = build.__name__
        self.__doc__ = build.__doc__
        self._build = build
        self._present = present
        self._response = TypeAdapter[Any](response_model)
        self._status = status
        self._asks_application = "application" in declared.parameters
        own = [
            p.replace(kind=Parameter.KEYWORD_ONLY)
            for p in declared.parameters.values()
            if p.name != "application"
        ]
        actor = Annotated[Actor, Depends(allowed(command.permission))]
        self.__signature__ = inspect.Signature(
            [
                *own,
                Parameter("request", Parameter.KEYWORD_ONLY, annotation=Request),
                *key.parameters(),
                Parameter("actor", Parameter.KEYWORD_ONLY, annotation=actor),
                Parameter("application", Parameter.KEYWORD_ONLY, annotation=Wired),
            ]
        )

    def __call__(
        self,
        *,
        request: Request,
        actor: Actor,
        application: Application,
        key: str | None = None,
        **given: Any,
    ) -> Response:
        if self._asks_application:
            given["application"] = application
        command = self._build(**given)

        def answer(result: R, uow: UnitOfWork) -> tuple[int, Any]:
            document = self._present(result, actor, uow, application)
            return self._status(result), self._response.dump_python(document, mode="json")

        return run_command(request, application, actor, command, key=key, present=answer)


class CommandRoute(APIRoute):
    """The route of a `CommandEndpoint`. FastAPI reads and parses a body before it solves the
    dependencies, so the actor and its role are checked here first: a caller that may not
    write is refused (401, 403) whatever it sends, and nothing of its body is read. The body
    is then held to its size and nesting limits before it is parsed."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        parse_and_run = super().get_route_handler()
        endpoint = self.endpoint
        assert isinstance(endpoint, CommandEndpoint)

        async def admit_then_run(request: Request) -> Response:
            await admit(request, endpoint.command.permission)
            limits = wired(request).settings.limits
            if endpoint.is_import:
                edges.allow_import_body(request, limits)
            edges.check_json_depth(request, await request.body(), limits)
            return await parse_and_run(request)

        return admit_then_run


class CommandRoutes:
    """The write routes of one router, with the response model and presenter most share."""

    def __init__(
        self,
        router: APIRouter,
        *,
        response_model: Any = None,
        present: Present[Any] | None = None,
    ) -> None:
        self.router = router
        self.response_model = response_model
        self.present = present

    def post(
        self, path: str, command: type[Command[R]], **options: Any
    ) -> Callable[[Build[R]], Build[R]]:
        return self.route("POST", path, command, **options)

    def route(
        self,
        method: str,
        path: str,
        command: type[Command[R]],
        *,
        response_model: Any = None,
        present: Present[R] | None = None,
        status_code: int = 200,
        status: Callable[[R], int] | None = None,
        key: Key = Key.REQUIRED,
        is_import: bool = False,
        **options: Any,
    ) -> Callable[[Build[R]], Build[R]]:
        """Declare the route of `command` at `path` by the function building it; `status`
        chooses the answer's status by the result, where `status_code` is only the usual one.
        An import's body may be larger than others (`limits.import_body_bytes`)."""
        chosen_present = present or self.present
        chosen_model = response_model or self.response_model
        assert chosen_present is not None and chosen_model is not None

        def register(build: Build[R]) -> Build[R]:
            endpoint = CommandEndpoint(
                command, build, present=chosen_present, response_model=chosen_model,
                status=status or (lambda _result: status_code), key=key, is_import=is_import,
            )  # fmt: skip
            self.router.add_api_route(
                path, endpoint, methods=[method], response_model=chosen_model,
                status_code=status_code, name=build.__name__, route_class_override=CommandRoute,
                **options,
            )  # fmt: skip
            return build

        return register


def command_of(endpoint: Callable[..., Any]) -> type[Command[Any]] | None:
    """The command a write route's endpoint builds; None for a route declared otherwise."""
    return endpoint.command if isinstance(endpoint, CommandEndpoint) else None
