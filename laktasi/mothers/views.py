"""Mother pages. Thin: parse input, call a selector, render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from laktasi.mothers.selectors import mother_get, mother_has_consent, mother_list


@login_required
def mother_list_view(request):
    if not request.user.sees_personal_data:
        raise Http404
    query = request.GET.get("q", "").strip()
    page = Paginator(mother_list(user=request.user, search=query), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "mothers/list.html", {"page": page, "query": query})


@login_required
def mother_detail_view(request, pk: int):
    mother = mother_get(user=request.user, pk=pk)
    context = {
        "mother": mother,
        "babies": mother.babies.all(),
        "companions": mother.companions.all(),
        "consents": mother.consents.all(),
        "has_consent": mother_has_consent(mother=mother),
        "enrollments": mother.enrollments.select_related("program"),
    }
    return render(request, "mothers/detail.html", context)
