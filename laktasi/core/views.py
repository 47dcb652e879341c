"""The home page: my programs, my mothers, search."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from laktasi.mothers.selectors import mother_list
from laktasi.programs.selectors import program_list


@login_required
def home(request):
    user = request.user
    query = request.GET.get("q", "").strip()
    mothers = mother_list(user=user, search=query) if user.sees_personal_data else None
    context = {
        "programs": program_list(user=user)[:20],
        "mothers": mothers[:20] if mothers is not None else None,
        "mother_count": mothers.count() if mothers is not None else None,
        "query": query,
    }
    return render(request, "core/home.html", context)
