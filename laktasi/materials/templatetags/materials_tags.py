"""``{% program_materials program %}``: the leaflet downloads and videos box of a program page."""

from django import template

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
