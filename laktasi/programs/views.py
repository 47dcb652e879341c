"""Program pages. Viewers see aggregates only; names come from the scoped selectors."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from laktasi.programs.selectors import enrollment_list, program_get, program_list, session_list


@login_required
def program_list_view(request):
    return render(request, "programs/list.html", {"programs": program_list(user=request.user)})


@login_required
def program_detail_view(request, pk: int):
    program = program_get(user=request.user, pk=pk)
    enrollments = (
        enrollment_list(user=request.user, program=program)
        if request.user.sees_personal_data
        else None
    )
    context = {
        "program": program,
        "sessions": session_list(user=request.user, program=program).prefetch_related(
            "agenda_items"
        ),
        "enrollments": enrollments,
        "enrolled_total": program.enrollments.count(),
    }
    return render(request, "programs/detail.html", context)
