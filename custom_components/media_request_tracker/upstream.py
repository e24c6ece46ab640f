"""What the tracker asks the services to do for a request, on a person's behalf: the actions and the repair fixes.

Each step finds the request's service among the running ones by the id the request holds (`instance:id`), calls
its API, and writes the outcome into the request's timeline. A request or a service that cannot do what was asked
is a translated ServiceValidationError, raised before anything is sent; a service that fails to answer is a
translated HomeAssistantError, and the timeline says so too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
import logging

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from .attributes import display_name
from .const import DOMAIN
from .hub import TrackerHub
from .kind import ServiceInstance
from .kinds import arr, jellyfin, seerr, shoko
from .runtime import TrackerData
from .sources.arr.client import ArrClient
from .sources.errors import Conflict, NotFound, UpstreamError
from .sources.payload import PayloadError
from .sources.seerr.models import RequestStatus
from .sources.seerr.parser import parse_request
from .tracker import IdKind, Note, TrackedRequest
from .tracker.remedies import Remedy, RemedyPlan, remedy_for

_LOGGER = logging.getLogger(__name__)

USER_SOURCE = "user"
"""The timeline source of what a person did in Home Assistant."""
ARR_KINDS = frozenset({"radarr", "sonarr"})


class Upstream:
    """One tracker's requests and running services, and what a person can ask of them."""

    def __init__(self, data: TrackerData) -> None:
        """Act through the running services of one loaded tracker."""
        self.hub: TrackerHub = data.hub
        self.services = data.services

    # --- what a person can ask --------------------------------------------------------------------------------

    def search_targets(self, key: str) -> list[tuple[ServiceInstance, int]]:
        """The Radarr/Sonarr items to search for; ServiceValidationError when there is none to ask."""
        request = self._request(key)
        targets = [
            (self._service(request, instance, ARR_KINDS), item_id)
            for instance, item_id in _scoped_ids(request, IdKind.ARR_ITEM)
        ]
        if not targets:
            raise _invalid("cannot_search", request)
        return targets

    async def search_again(self, key: str, targets: list[tuple[ServiceInstance, int]]) -> None:
        """Ask each Radarr/Sonarr to search again; they skip what is in the library or the queue already."""
        for service, item_id in targets:
            client = _arr(self, service)
            outcome = await self._call(key, service, "search_again", partial(client.search_again, item_id))
            source = service.config.subentry_id
            if outcome.skipped:
                self.note(key, source, Note.of("search_skipped", service=source, why=outcome.skipped))
            else:
                self.note(key, source, Note.of("search_sent", service=source))

    def seerr_target(self, key: str) -> tuple[ServiceInstance, int]:
        """The Seerr and the request id there; ServiceValidationError for a request Seerr does not hold."""
        request = self._request(key)
        scoped = _scoped_ids(request, IdKind.SEERR_REQUEST)
        if not scoped:
            raise _invalid("not_a_seerr_request", request)
        instance, request_id = scoped[0]
        return self._service(request, instance, frozenset({"seerr"})), request_id

    async def moderate(
        self, key: str, target: tuple[ServiceInstance, int], *, approve: bool, by: str | None, reason: str | None
    ) -> None:
        """Approve or decline a pending Seerr request, and let the tracker know what Seerr answered."""
        service, request_id = target
        request = self._request(key)
        client = seerr.client(async_get_clientsession(self.hub.hass, service.config.verify_ssl), service.config)
        action = "approve" if approve else "decline"
        current = await self._call(key, service, action, lambda: client.request(request_id), request=request)
        if current.request_status is not RequestStatus.PENDING:
            raise _invalid("not_pending", request, status=_status_name(current.status))
        moderate = client.approve if approve else client.decline
        answer = await self._call(key, service, action, lambda: moderate(request_id), request=request)
        source = service.config.subentry_id
        try:
            self.hub.ingest(parse_request(answer.raw, source=source, at=dt_util.utcnow().timestamp()))
        except PayloadError as err:
            _LOGGER.debug("Seerr's answer to %s did not read (its webhook or next poll will tell): %s", action, err)
        code = "approved_by" if approve else "declined_by"
        self.note(key, USER_SOURCE, Note.of(code, by=by, reason=reason, service=source))

    # --- repair fixes -------------------------------------------------------------------------------------------

    def remedy(self, key: str) -> tuple[RemedyPlan, ServiceInstance]:
        """The remedy for a stalled request and the service that runs it; ServiceValidationError when none."""
        request = self._request(key)
        plan = remedy_for(request)
        if plan is None:
            raise _invalid("no_remedy", request)
        if plan.remedy is Remedy.SEARCH_AGAIN:
            return plan, self.search_targets(key)[0][0]
        kind = "jellyfin" if plan.remedy is Remedy.SCAN_LIBRARY else "shoko"
        service = next((s for s in self.services.values() if s.config.kind == kind), None)
        if service is None:
            raise _invalid("service_not_configured", request, service=kind.capitalize())
        return plan, service

    async def run_remedy(self, key: str) -> None:
        """Run the remedy of a stalled request through its service's API; the timeline says what was done."""
        plan, service = self.remedy(key)
        source = service.config.subentry_id
        session = async_get_clientsession(self.hub.hass, service.config.verify_ssl)
        if plan.remedy is Remedy.SEARCH_AGAIN:
            await self.search_again(key, self.search_targets(key))
        elif plan.remedy is Remedy.SCAN_LIBRARY:
            library = jellyfin.client(session, service.config)
            await self._call(key, service, "scan_library", library.refresh_library)
            self.note(key, source, Note.of("library_scan_started", service=source))
        else:
            files = shoko.client(session, service.config)
            for file_id in plan.shoko_files:
                await self._call(key, service, "rescan_file", partial(files.rescan_file, file_id))
            self.note(key, source, Note.of("rescan_requested", service=source, files=len(plan.shoko_files)))

    # --- the parts ------------------------------------------------------------------------------------------

    def note(self, key: str, source: str, note: Note) -> None:
        """Write what was done into the request's timeline, and show it."""
        if key in self.hub.tracker.requests:
            self.hub.publish([self.hub.tracker.note(key, at=dt_util.utcnow().timestamp(), source=source, note=note)])

    async def _call[T](
        self,
        key: str,
        service: ServiceInstance,
        action: str,
        call: Callable[[], Awaitable[T]],
        *,
        request: TrackedRequest | None = None,
    ) -> T:
        """One upstream call: a refusal a person can act on is a validation error, a failure goes in the timeline."""
        try:
            return await call()
        except Conflict as err:
            raise _invalid("not_pending", request or self._request(key), status="moderated") from err
        except NotFound as err:
            raise _invalid("gone_upstream", request or self._request(key), service=service.config.title) from err
        except UpstreamError as err:
            source = service.config.subentry_id
            self.note(key, source, Note.of("action_failed", action=action, service=source, error=str(err)))
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="upstream_failed",
                translation_placeholders={"service": service.config.title, "error": str(err)},
            ) from err

    def _request(self, key: str) -> TrackedRequest:
        request = self.hub.tracker.requests.get(key)
        if request is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="unknown_request", translation_placeholders={"key": key}
            )
        return request

    def _service(self, request: TrackedRequest, instance: str, kinds: frozenset[str]) -> ServiceInstance:
        service = self.services.get(instance)
        if service is None or service.config.kind not in kinds:
            raise _invalid("service_not_running", request, service=self.hub.source_names.get(instance, instance))
        return service


def _arr(upstream: Upstream, service: ServiceInstance) -> ArrClient:
    return arr.client(async_get_clientsession(upstream.hub.hass, service.config.verify_ssl), service.config)


def _scoped_ids(request: TrackedRequest, kind: IdKind) -> list[tuple[str, int]]:
    """The request's ids of one kind as (instance, number): `radarr-subentry:11` -> ("radarr-subentry", 11)."""
    found = []
    for value in request.ids_of(kind):
        instance, _, number = value.rpartition(":")
        if instance and number.isdigit():
            found.append((instance, int(number)))
    return found


def _status_name(status: int) -> str:
    try:
        return RequestStatus(status).name.lower()
    except ValueError:
        return str(status)


def _invalid(key: str, request: TrackedRequest, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"request": display_name(request), **placeholders},
    )
