"""Dashboard pages: indicators, survival curves and progress for one unit, with downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laktasi.accounts import policy
from laktasi.dashboards import charts, disclosure, exports
from laktasi.dashboards.indicators import TABLE_KEYS, all_tables
from laktasi.dashboards.selectors import dashboard_get, default_unit, unit_get, unit_links


def _unit(request):
    level = request.GET.get("level", "")
    key = request.GET.get("unit", "")
    if not level:
        level, key = default_unit(request.user)
    return unit_get(user=request.user, level=level, key=key)


def _tables(request, data, lang):
    """The unit's tables; small cells suppressed for users who see aggregates only."""
    tables, surv = all_tables(data, lang)
    if not policy.sees_personal_data(request.user):
        tables = disclosure.suppress_tables(tables)
    return tables, surv


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


@login_required
def dashboard_view(request):
    unit = _unit(request)
    data = dashboard_get(user=request.user, unit=unit)
    lang = _lang()
    tables, surv = _tables(request, data, lang)
    query = urlencode({"level": unit.level, "unit": unit.key})
    child_level = {
        "region:1": "province", "region:2": "regency", "region:3": "district",
        "region:4": "village",
    }.get(unit.child_level, "")  # fmt: skip
    child_links = {}
    for key, name in data.children.items():
        if child_level:
            child_links[name] = f"?{urlencode({'level': child_level, 'unit': key})}"
    indicators = tables["indicators"]
    ebf_rows = disclosure.chart_rows([(r[0], r[1], r[2]) for r in indicators.rows])
    mix_rows = disclosure.chart_rows([(r[0], r[4], r[2]) for r in indicators.rows])
    eibf_rows = disclosure.chart_rows([(r[0], r[6], r[7]) for r in indicators.rows])
    imd_rows = disclosure.chart_rows([(r[0], r[14], r[15]) for r in indicators.rows])
    age_rows = disclosure.chart_rows(
        [(_("%(m)s months") % {"m": r[0]}, r[2], r[1]) for r in tables["by_age"].rows]
    )
    months = _("age in months")
    context = {
        "unit": unit,
        "data": data,
        "tables": tables,
        "query": query,
        "child_links": child_links,
        "links": unit_links(user=request.user, unit=unit),
        "charts": {
            "ebf": charts.bar_chart(ebf_rows, _("Exclusive breastfeeding under six months")),
            "mixmf": charts.bar_chart(mix_rows, _("Mixed milk feeding under six months")),
            "eibf": charts.bar_chart(eibf_rows, _("Put to the breast within one hour (EIBF)")),
            "imd": charts.bar_chart(
                imd_rows, _("IMD (skin-to-skin contact for at least one hour)")
            ),
            "by_age": charts.bar_chart(age_rows, _("Exclusive breastfeeding by age")),
            "km_all": charts.km_chart(surv.group("all"), _("All babies") + "|" + months),
            "km_husband": charts.km_chart(
                surv.group("husband"), _("By who does the massage") + "|" + months
            ),
            "km_parity": charts.km_chart(surv.group("parity"), _("By parity") + "|" + months),
        },
        "summaries": {
            "ebf": charts.bar_summary(ebf_rows),
            "mixmf": charts.bar_summary(mix_rows),
            "eibf": charts.bar_summary(eibf_rows),
            "imd": charts.bar_summary(imd_rows),
            "by_age": charts.bar_summary(age_rows),
            "km_all": charts.km_summary(surv.group("all")),
            "km_husband": charts.km_summary(surv.group("husband")),
            "km_parity": charts.km_summary(surv.group("parity")),
        },
        "km_tests": surv.tests,
        "table_keys": TABLE_KEYS,
    }
    return render(request, "dashboards/dashboard.html", context)


@login_required
def download_view(request, table: str, fmt: str):
    if table not in TABLE_KEYS or fmt not in {"csv", "xlsx"}:
        raise Http404
    unit = _unit(request)
    data = dashboard_get(user=request.user, unit=unit)
    tables, _surv = _tables(request, data, _lang())
    filename, content_type, body = exports.render(tables[table], fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="laktasi-{filename}"'
    return response
