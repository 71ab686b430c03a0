"""A hand-written virtualenv holding two made-up Azure SDK for Python management packages, written
the way the generated ones are, for the unit tests of infra/azure_types/sdk:

- azure-mgmt-widgets 1.0.0, multi-API: ``v2024_01_01`` (builders and operation classes in the
  current style) and ``v2023_01_01``, which holds code that does not parse (a folder of an API
  version no template wants must not be read);
- azure-mgmt-gizmos 2.0.0, of one API version per builder (in the older style);
- azure-mgmt-core 1.0.0, the runtime, which has no operations.
"""

from __future__ import annotations

from pathlib import Path

WIDGET_OPERATIONS = """
from typing import Any, Literal

def build_create_request(resource_group_name: str, widget_name: str, subscription_id: str, **kwargs: Any
) -> HttpRequest:
    _params = case_insensitive_dict(kwargs.pop("params", {}) or {})
    api_version: str = kwargs.pop("api_version", _params.pop("api-version", "2024-01-01"))
    _url = kwargs.pop(
        "template_url",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Test.Rp/widgets/{widgetName}",
    )  # pylint: disable=line-too-long
    path_format_arguments = {
        "resourceGroupName": _SERIALIZER.url("resource_group_name", resource_group_name, "str", max_length=90),
        "widgetName": _SERIALIZER.url(
            "widget_name", widget_name, "str", max_length=8, min_length=3, pattern=r"^[a-z]+$"
        ),
        "subscriptionId": _SERIALIZER.url("subscription_id", subscription_id, "str"),
    }
    _url: str = _url.format(**path_format_arguments)  # type: ignore
    return HttpRequest(method="PUT", url=_url, params=_params, **kwargs)


def build_get_request(resource_group_name: str, widget_name: str, subscription_id: str, **kwargs: Any
) -> HttpRequest:
    api_version: str = kwargs.pop("api_version", _params.pop("api-version", "2024-01-01"))
    _url = kwargs.pop(
        "template_url",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Test.Rp/widgets/{widgetName}",
    )
    return HttpRequest(method="GET", url=_url, **kwargs)


def build_set_settings_request(resource_group_name: str, widget_name: str, **kwargs: Any) -> HttpRequest:
    api_version: str = kwargs.pop("api_version", _params.pop("api-version", "2024-01-01"))
    settings_name: Literal["default"] = kwargs.pop("settings_name", "default")
    _url = kwargs.pop(
        "template_url",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Test.Rp/widgets/{widgetName}"
        "/settings/{settingsName}",
    )
    path_format_arguments = {
        "widgetName": _SERIALIZER.url("widget_name", widget_name, "str"),
        "settingsName": _SERIALIZER.url("settings_name", settings_name, "str"),
    }
    return HttpRequest(method="PUT", url=_url, **kwargs)


def build_update_web_config_request(resource_group_name: str, widget_name: str, **kwargs: Any) -> HttpRequest:
    api_version: str = kwargs.pop("api_version", _params.pop("api-version", "2024-01-01"))
    _url = kwargs.pop(
        "template_url",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Test.Rp/widgets/{widgetName}"
        "/config/web",
    )
    return HttpRequest(method="PUT", url=_url, **kwargs)


def build_update_app_settings_request(resource_group_name: str, widget_name: str, **kwargs: Any) -> HttpRequest:
    api_version: str = kwargs.pop("api_version", _params.pop("api-version", "2024-01-01"))
    _url = kwargs.pop(
        "template_url",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Test.Rp/widgets/{widgetName}"
        "/config/appsettings",
    )
    return HttpRequest(method="PUT", url=_url, **kwargs)


def build_list_request(resource_group_name: str, **kwargs: Any) -> HttpRequest:
    api_version: str = kwargs.pop("api_version", _params.pop("api-version", "2024-01-01"))
    _url = kwargs.pop(
        "template_url",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Test.Rp/widgets",
    )
    return HttpRequest(method="GET", url=_url, **kwargs)


class WidgetsOperations:
    \"\"\"Widgets.\"\"\"

    models = _models

    def __init__(self, *args, **kwargs):
        self._serialize = input_args.pop(0) if input_args else kwargs.pop("serializer")

    @overload
    def create(
        self, resource_group_name: str, widget_name: str, parameters: _models.WidgetCreateParameters
    ) -> _models.Widget:
        \"\"\"Creates a widget.\"\"\"

    @distributed_trace
    def create(
        self, resource_group_name: str, widget_name: str, parameters: Union[_models.WidgetCreateParameters, IO[bytes]]
    ) -> _models.Widget:
        if isinstance(parameters, (IOBase, bytes)):
            _content = parameters
        else:
            _json = self._serialize.body(parameters, "WidgetCreateParameters")
        _request = build_create_request(
            resource_group_name=resource_group_name,
            widget_name=widget_name,
        )
        deserialized = self._deserialize("Widget", pipeline_response.http_response)
        return deserialized

    @distributed_trace
    def get(self, resource_group_name: str, widget_name: str, **kwargs: Any) -> _models.Widget:
        _request = build_get_request(resource_group_name=resource_group_name, widget_name=widget_name)
        deserialized = self._deserialize("Widget", pipeline_response.http_response)
        return deserialized

    def set_settings(self, resource_group_name: str, widget_name: str, settings: _models.Settings) -> _models.Settings:
        _json = self._serialize.body(settings, "Settings")
        _request = build_set_settings_request(resource_group_name=resource_group_name, widget_name=widget_name)
        return self._deserialize("Settings", pipeline_response)

    def update_web_config(self, resource_group_name: str, widget_name: str, config: _models.WebConfig) -> None:
        _json = self._serialize.body(config, "WebConfig")
        _request = build_update_web_config_request(resource_group_name=resource_group_name, widget_name=widget_name)

    def update_app_settings(self, resource_group_name: str, widget_name: str, app: _models.StringMap) -> None:
        _json = self._serialize.body(app, "StringMap")
        _request = build_update_app_settings_request(resource_group_name=resource_group_name, widget_name=widget_name)

    def list(self, resource_group_name: str) -> ItemPaged["_models.Widget"]:
        def prepare_request(next_link=None):
            _request = build_list_request(resource_group_name=resource_group_name)
            return _request

        def extract_data(pipeline_response):
            deserialized = self._deserialize("WidgetList", pipeline_response)
            return deserialized
"""

WIDGET_MODELS = '''
from typing import Any, Dict, List, Optional, Union

from .. import _serialization


class Resource(_serialization.Model):
    """The base of every resource."""

    _validation = {
        "id": {"readonly": True},
        "name": {"readonly": True},
        "type": {"readonly": True},
    }

    _attribute_map = {
        "id": {"key": "id", "type": "str"},
        "name": {"key": "name", "type": "str"},
        "type": {"key": "type", "type": "str"},
    }


class Widget(Resource):
    """What a GET returns."""

    _validation = {
        "id": {"readonly": True},
        "name": {"readonly": True},
        "type": {"readonly": True},
        "location": {"required": True},
        "endpoint": {"readonly": True},
    }

    _attribute_map = {
        "id": {"key": "id", "type": "str"},
        "name": {"key": "name", "type": "str"},
        "type": {"key": "type", "type": "str"},
        "location": {"key": "location", "type": "str"},
        "tags": {"key": "tags", "type": "{str}"},
        "colour": {"key": "properties.colour", "type": "str"},
        "size": {"key": "properties.size", "type": "int"},
        "endpoint": {"key": "properties.endpoint", "type": "str"},
        "criteria": {"key": "properties.criteria", "type": "Criteria"},
    }


class WidgetCreateParameters(_serialization.Model):
    """What a PUT sends."""

    _validation = {
        "location": {"required": True},
        "colour": {"required": True},
        "label": {"max_length": 5},
        "size": {"maximum": 10, "minimum": 1},
    }

    _attribute_map = {
        "location": {"key": "location", "type": "str"},
        "tags": {"key": "tags", "type": "{str}"},
        "colour": {"key": "properties.colour", "type": "str"},
        "size": {"key": "properties.size", "type": "int"},
        "label": {"key": "properties.label", "type": "str"},
        "secret": {"key": "properties.secret", "type": "str"},
        "when": {"key": "properties.when", "type": "iso-8601"},
        "parts": {"key": "properties.parts", "type": "[Part]"},
        "criteria": {"key": "properties.criteria", "type": "Criteria"},
    }

    def __init__(
        self,
        *,
        location: str,
        colour: Union[str, "_models.Colour"],
        tags: Optional[Dict[str, str]] = None,
        size: Optional[int] = None,
        label: Optional[str] = None,
        secret: Optional[str] = None,
        parts: Optional[List["_models.Part"]] = None,
        criteria: Optional["_models.Criteria"] = None,
        **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)


class Part(_serialization.Model):
    """An item of a list."""

    _validation = {
        "kind": {"required": True, "constant": True},
    }

    _attribute_map = {
        "kind": {"key": "kind", "type": "str"},
        "enabled": {"key": "enabled", "type": "bool"},
    }

    kind = "Part"


class Criteria(_serialization.Model):
    """A choice among shapes, by odata.type.

    You probably want to use the sub-classes and not this class directly.
    """

    _validation = {
        "odata_type": {"required": True},
    }

    _attribute_map = {
        "additional_properties": {"key": "", "type": "{object}"},
        "odata_type": {"key": "odata\\\\.type", "type": "str"},
    }

    _subtype_map = {"odata_type": {"Test.Single": "SingleCriteria", "Test.Many": "ManyCriteria"}}


class SingleCriteria(Criteria):
    """One of the shapes."""

    _validation = {
        "odata_type": {"required": True},
        "metric": {"required": True},
    }

    _attribute_map = {
        "additional_properties": {"key": "", "type": "{object}"},
        "odata_type": {"key": "odata\\\\.type", "type": "str"},
        "metric": {"key": "metric", "type": "str"},
    }


class ManyCriteria(Criteria):
    """The other shape: its map and validation are its base's."""


class Settings(_serialization.Model):
    """What a settings resource is."""

    _attribute_map = {
        "retention": {"key": "properties.retentionDays", "type": "int"},
    }


class WebConfig(_serialization.Model):
    """A config resource named web."""

    _attribute_map = {
        "always_on": {"key": "properties.alwaysOn", "type": "bool"},
    }


class StringMap(_serialization.Model):
    """A config resource named appsettings."""

    _attribute_map = {
        "properties": {"key": "properties", "type": "{str}"},
    }
'''

WIDGET_ENUMS = '''
from enum import Enum
from azure.core import CaseInsensitiveEnumMeta


class Colour(str, Enum, metaclass=CaseInsensitiveEnumMeta):
    """The colours the API lists."""

    RED = "Red"
    BLUE = "Blue"
'''

GIZMO_OPERATIONS = """
def build_create_or_update_request(subscription_id, resource_group_name, gizmo_name, **kwargs):
    api_version = kwargs.pop('api_version', "2022-06-15")  # type: str
    _url = kwargs.pop("template_url", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
        "/providers/Test.Gz/gizmos/{gizmoName}")
    return HttpRequest(
        method="PUT",
        url=_url,
        **kwargs
    )


def build_create_or_update_group_request(subscription_id, resource_group_name, **kwargs):
    api_version = kwargs.pop('api_version', "2021-04-01")  # type: str
    _url = kwargs.pop("template_url", "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}")
    return HttpRequest(method="PUT", url=_url, **kwargs)


class GizmosOperations(object):
    def begin_create_or_update(self, resource_group_name, gizmo_name, gizmo_info, **kwargs):
        raw_result = self._create_or_update_initial(resource_group_name=resource_group_name, gizmo_info=gizmo_info)

    def _create_or_update_initial(self, resource_group_name, gizmo_name, gizmo_info, **kwargs):
        _json = self._serialize.body(gizmo_info, 'Gizmo')
        request = build_create_or_update_request(
            subscription_id=self._config.subscription_id,
            resource_group_name=resource_group_name,
            gizmo_name=gizmo_name,
        )

    def create_or_update_group(self, resource_group_name, parameters, **kwargs):
        _json = self._serialize.body(parameters, 'Group')
        request = build_create_or_update_group_request(resource_group_name=resource_group_name)
"""

GIZMO_MODELS = '''
class Gizmo(msrest.serialization.Model):
    """An old-style model."""

    _attribute_map = {
        'location': {'key': 'location', 'type': 'str'},
        'state': {'key': 'properties.state', 'type': 'str'},
    }

    def __init__(self, *, location: Optional[str] = None, state: Optional[Union[str, "GizmoState"]] = None, **kwargs):
        super(Gizmo, self).__init__(**kwargs)


class GizmoState(with_metaclass(CaseInsensitiveEnumMeta, str, Enum)):
    """An enum of the older style."""

    ON = "On"
    OFF = "Off"


class Group(msrest.serialization.Model):
    """A resource group."""

    _validation = {
        'location': {'required': True},
    }

    _attribute_map = {
        'location': {'key': 'location', 'type': 'str'},
        'managed_by': {'key': 'managedBy', 'type': 'str'},
    }
'''

#: A builder that does not parse: raises SyntaxError when read.
UNREADABLE = """
def build_create_request(:
    api_version = kwargs.pop("api_version", "2023-01-01")
    return HttpRequest(method="PUT", url="/subscriptions/{s}/resourceGroups/{g}/providers/Test.Rp/widgets/{w}")
"""


def _distribution(site: Path, name: str, version: str, package: str) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    (info / "RECORD").write_text(f"{package}/__init__.py,,\n{info.name}/METADATA,,\n", encoding="utf-8")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def fake_sdk(venv: Path) -> Path:
    """Lay the fake virtualenv out in ``venv``; return it."""
    site = venv / "lib" / "python3.11" / "site-packages"
    widgets = site / "azure" / "mgmt" / "widgets"
    _distribution(site, "azure-mgmt-widgets", "1.0.0", "azure/mgmt/widgets")
    _write(widgets / "v2024_01_01" / "operations" / "_widgets_operations.py", WIDGET_OPERATIONS)
    _write(widgets / "v2024_01_01" / "aio" / "operations" / "_widgets_operations.py", UNREADABLE)
    _write(widgets / "v2024_01_01" / "models" / "_models_py3.py", WIDGET_MODELS)
    _write(widgets / "v2024_01_01" / "models" / "_widgets_client_enums.py", WIDGET_ENUMS)
    _write(widgets / "v2023_01_01" / "operations" / "_widgets_operations.py", UNREADABLE)
    _write(widgets / "v2023_01_01" / "models" / "_models_py3.py", "nor is this")
    gizmos = site / "azure" / "mgmt" / "gizmos"
    _distribution(site, "azure-mgmt-gizmos", "2.0.0", "azure/mgmt/gizmos")
    _write(gizmos / "operations" / "_gizmos_operations.py", GIZMO_OPERATIONS)
    _write(gizmos / "models" / "_models_py3.py", GIZMO_MODELS)
    _distribution(site, "azure-mgmt-core", "1.0.0", "azure/mgmt/core")
    _write(site / "azure" / "mgmt" / "core" / "__init__.py", "")
    return venv
