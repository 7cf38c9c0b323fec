"""Per-county settings as data: apps register a key with its default, kind and label (in their
AppConfig.ready()), station admins edit the values, code reads them with ``county_setting``.

The platform knows no domain app; the registry is how apps add their knobs to the station."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from seedreg.lib.batch_reads import remembered


@dataclass(frozen=True)
class StationSetting:
    key: str
    default: object
    label: str
    kind: type = int
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = field(default_factory=tuple)

    def parse(self, raw):
        if self.kind is bool:
            if isinstance(raw, str):
                return raw.strip().lower() in {"1", "true", "yes", "on", "是"}
            return bool(raw)
        try:
            value = self.kind(raw)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("%(label)s：格式不正确") % {"label": self.label}) from exc
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_("%(label)s：不能小于 %(minimum)s") % {"label": self.label, "minimum": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(_("%(label)s：不能大于 %(maximum)s") % {"label": self.label, "maximum": self.maximum})
        if self.choices and value not in dict(self.choices):
            raise ValidationError(_("%(label)s：不是可选值") % {"label": self.label})
        return value


_REGISTRY: dict[str, StationSetting] = {}


def register(key, default, label, **kwargs):
    setting = StationSetting(key=key, default=default, label=label, **kwargs)
    _REGISTRY[key] = setting
    return setting


def registered():
    return dict(sorted(_REGISTRY.items()))


def get_setting(station, key):
    spec = _REGISTRY[key]
    if station is not None and key in (station.settings or {}):
        return spec.parse(station.settings[key])
    return spec.default


def county_setting(region_code: str, key: str):
    """The value of ``key`` for the county that ``region_code`` lies in (the default where the
    county has no station record or has not set it)."""
    from .models import Station

    county = (region_code or "")[:6]
    station = remembered(("station", county), lambda: Station.objects.filter(region_id=county).first())
    return get_setting(station, key)
