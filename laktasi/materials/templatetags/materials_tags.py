"""Materials template tags.

``{% program_materials program %}``: the leaflet downloads and videos box of a program page.
``{% danger_signs_compact lang %}``: the same-day danger signs (mother's page, consultation).
"""

from django import template
from django.urls import reverse

from laktasi.materials import content
from laktasi.materials.selectors import can_upload_video, program_video_list

register = template.Library()


@register.inclusion_tag("materials/_program_materials.html", takes_context=True)
def program_materials(context, program):
    user = context["request"].user
    return {
        "program": program,
        "videos": program_video_list(user=user, program=program),
        "may_upload": can_upload_video(user=user),
        "formats": ["a4-trifold", "a5-booklet"],
    }


@register.inclusion_tag("materials/_danger_signs_compact.html")
def danger_signs_compact(lang="id", full=False):
    """The danger-sign block (same-day tier; with ``full`` also "ask the midwife").

    The compact form lists the urgent signs of baby and mother and links to the full list on
    the public phone guide (``#bantuan``).
    """
    lang = "en" if str(lang).startswith("en") else "id"
    danger = content.topic("danger_signs", lang=lang)
    page = "materials:guide_page_en" if lang == "en" else "materials:guide_page"
    return {
        "d": danger["blocks"],
        "full": full,
        "full_url": reverse(page) + "#bantuan",
        "L": content.labels(lang=lang),
    }
