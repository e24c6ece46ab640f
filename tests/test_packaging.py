"""What HACS and hassfest check of the integration's files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from awesomeversion import AwesomeVersion
import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "custom_components" / "media_request_tracker"
MANIFEST = json.loads((PACKAGE / "manifest.json").read_text())
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "render_readme",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
}


def test_manifest_keys_are_sorted_as_hassfest_wants() -> None:
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_has_what_a_custom_integration_needs() -> None:
    for key in ("domain", "name", "codeowners", "documentation", "issue_tracker", "version", "requirements"):
        assert key in MANIFEST, key
    assert MANIFEST["domain"] == PACKAGE.name
    assert MANIFEST["config_flow"] is True
    assert MANIFEST["iot_class"] == "local_push"
    assert {"http", "webhook"} <= set(MANIFEST["dependencies"])
    assert AwesomeVersion(MANIFEST["version"]).valid


def test_hacs_json_only_has_keys_hacs_accepts() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert set(hacs) <= HACS_KEYS
    assert AwesomeVersion(hacs["homeassistant"]) >= AwesomeVersion("2025.4.0")


def test_english_translation_is_strings_json() -> None:
    strings = json.loads((PACKAGE / "strings.json").read_text())
    assert json.loads((PACKAGE / "translations" / "en.json").read_text()) == strings


def test_every_action_and_its_fields_are_translated() -> None:
    strings = json.loads((PACKAGE / "strings.json").read_text())
    services = yaml.safe_load((PACKAGE / "services.yaml").read_text())
    for service, spec in services.items():
        assert "name" in strings["services"][service]
        for field in spec.get("fields", {}):
            assert "name" in strings["services"][service]["fields"][field]


def test_every_subentry_type_is_translated() -> None:
    from custom_components.media_request_tracker.config_flow import SERVICE_FLOWS

    strings = json.loads((PACKAGE / "strings.json").read_text())
    assert set(strings["config_subentries"]) == set(SERVICE_FLOWS)


def test_brand_icon_is_a_png() -> None:
    assert (PACKAGE / "brand" / "icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_strings_hold_no_url() -> None:
    for path in (PACKAGE / "strings.json", PACKAGE / "translations" / "en.json"):
        text = path.read_text()
        assert "http://" not in text, path
        assert "https://" not in text, path


def test_manifest_names_its_loggers_and_allows_one_entry() -> None:
    assert MANIFEST["single_config_entry"] is True
    assert MANIFEST["loggers"] == ["pysignalr"]


QUALITY_RULES = {
    "bronze": "action-setup appropriate-polling brands common-modules config-flow-test-coverage config-flow "
    "dependency-transparency docs-actions docs-high-level-description docs-installation-instructions "
    "docs-removal-instructions entity-event-setup entity-unique-id has-entity-name runtime-data "
    "test-before-configure test-before-setup unique-config-entry",
    "silver": "action-exceptions config-entry-unloading docs-configuration-parameters docs-installation-parameters "
    "entity-unavailable integration-owner log-when-unavailable parallel-updates reauthentication-flow test-coverage",
    "gold": "devices diagnostics discovery-update-info discovery docs-data-update docs-examples "
    "docs-known-limitations docs-supported-devices docs-supported-functions docs-troubleshooting docs-use-cases "
    "dynamic-devices entity-category entity-device-class entity-disabled-by-default entity-translations "
    "exception-translations icon-translations reconfiguration-flow repair-issues stale-devices",
    "platinum": "async-dependency inject-websession strict-typing",
}


STILL_TO_DO = {"test-coverage", "inject-websession"}
"""The rules not met yet (see their comments); meeting one means taking it out of here."""


def test_quality_scale_has_every_rule_and_says_what_is_still_to_do() -> None:
    """Every rule is listed: done, or exempt or still to do with a reason; only the known rules are still to do."""
    rules = yaml.safe_load((PACKAGE / "quality_scale.yaml").read_text())["rules"]
    wanted = {rule for tier in QUALITY_RULES.values() for rule in tier.split()}
    assert set(rules) == wanted
    statuses = {}
    for rule, status in rules.items():
        if isinstance(status, dict):
            assert status["status"] in ("done", "exempt", "todo"), rule
            assert status["status"] == "done" or len(status["comment"]) > 20, rule
            statuses[rule] = status["status"]
        else:
            assert status == "done", rule
            statuses[rule] = status
    assert {rule for rule, status in statuses.items() if status == "todo"} == STILL_TO_DO
    assert all(statuses[rule] != "todo" for rule in QUALITY_RULES["bronze"].split())


def test_every_kind_has_its_strings() -> None:
    from custom_components.media_request_tracker.kinds import KINDS

    strings = json.loads((PACKAGE / "strings.json").read_text())
    for kind in KINDS:
        subentry = strings["config_subentries"][kind]
        assert {"user", "reconfigure"} <= set(subentry["step"]), kind
        assert KINDS[kind].webhook_step is None or "webhook" in subentry["step"], kind


EXCEPTIONS = ("UpdateFailed", "ServiceValidationError", "HomeAssistantError", "ConfigEntryNotReady")
EXCEPTIONS += ("ConfigEntryAuthFailed", "ConfigEntryError")


def _raised_translation_keys() -> dict[str, set[str]]:
    """Per Home Assistant exception the package raises: the translation keys it is given.

    A key is a literal where the exception is made, or where a small factory that passes its parameter on as the
    key (`_invalid("not_pending", request)`) is called.
    """
    import ast

    trees = {path: ast.parse(path.read_text(), str(path)) for path in PACKAGE.rglob("*.py")}
    factories: dict[str, tuple[str, int]] = {}
    """Functions whose parameter becomes the translation key: the exception they make, the parameter's position."""
    for tree in trees.values():
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            parameters = [argument.arg for argument in function.args.args]
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                key = {k.arg: k.value for k in call.keywords}.get("translation_key")
                if _called(call) in EXCEPTIONS and isinstance(key, ast.Name) and key.id in parameters:
                    factories[function.name] = (_called(call), parameters.index(key.id))

    found: dict[str, set[str]] = {}
    for path, tree in trees.items():
        for node in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _called(node)
            if name in factories:
                exception, position = factories[name]
                key = node.args[position] if len(node.args) > position else None
                assert isinstance(key, ast.Constant), f"{path.name}:{node.lineno} calls {name} without a literal key"
                found.setdefault(exception, set()).add(str(key.value))
            if name not in EXCEPTIONS:
                continue
            keys = {k.arg: k.value for k in node.keywords}
            key = keys.get("translation_key")
            if isinstance(key, ast.Name) and any(name == made for made, _ in factories.values()):
                continue  # inside a factory: its callers' keys are checked above
            assert isinstance(key, ast.Constant), f"{path.name}:{node.lineno} raises {name} without a translation key"
            assert isinstance(keys.get("translation_domain"), ast.Name | ast.Constant), f"{path.name}:{node.lineno}"
            found.setdefault(name, set()).add(str(key.value))
    return found


def _called(call: Any) -> str:
    """The name a call is made by (`f(...)` or `x.f(...)`)."""
    import ast

    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def test_every_error_a_person_reads_is_translated() -> None:
    strings = json.loads((PACKAGE / "strings.json").read_text())
    raised = _raised_translation_keys()
    assert {"UpdateFailed", "ServiceValidationError"} <= set(raised)
    for name, keys in raised.items():
        for key in keys:
            assert "message" in strings["exceptions"][key], (name, key)
