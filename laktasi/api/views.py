"""Web pages for API tokens: list, create (shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laktasi.api.forms import TokenForm
from laktasi.api.selectors import token_get, token_list
from laktasi.api.services import token_create, token_revoke


@login_required
def token_list_view(request):
    """The user's tokens; a new token's value is shown on this response only."""
    form = TokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        _token, new_token = token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    context = {"form": form, "tokens": token_list(user=request.user), "new_token": new_token}
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = token_get(user=request.user, pk=pk)
    token_revoke(token=token)
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("api_tokens")
