import django
from django.core.checks import Warning, register


@register()
def lts_release(app_configs, **kwargs):
    major, minor = django.VERSION[:2]
    if minor == 2:
        return []
    return [
        Warning(
            f"Django {major}.{minor} is not a long-term support release.",
            hint="Prefer the latest X.2 release for a long-lived project.",
            id="core.W001",
        )
    ]
