from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping|lookup:key`` — a dict value by a key held in a variable."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
