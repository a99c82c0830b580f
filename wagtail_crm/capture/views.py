"""The endpoint lead-form blocks post to."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.models import Page

from . import spam
from .blocks import find_lead_form, thank_you_text
from .mixins import parse_tags
from .quarantine import quarantine
from .service import capture_submission
from .submission import LeadRejected, LeadSubmission
from .utm import attribution_for


def _wants_json(request):
    """A script's post (``fetch`` asking for JSON, or XMLHttpRequest/jQuery)."""
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def _back_url(request, page):
    referrer = request.headers.get("Referer", "")
    if referrer and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referrer
    return page.url or "/"


def _source(request, block_id):
    try:
        page_id = int(request.POST.get("page_id", ""))
    except ValueError:
        raise Http404 from None
    page = Page.objects.live().filter(pk=page_id).first()
    # A private page's form takes posts from those who may see the page.
    if page is None or not all(
        restriction.accept_request(request)
        for restriction in page.get_view_restrictions()
    ):
        raise Http404
    page = page.specific
    block, value = find_lead_form(page, block_id)
    if block is None:
        raise Http404
    return page, block, value


def _refuse(request, page, form, message, status, block_id):
    if _wants_json(request):
        errors = form.errors.get_json_data() if form is not None else {}
        return JsonResponse(
            {"ok": False, "message": str(message), "errors": errors}, status=status
        )
    if form is not None:
        if message:
            form.add_error(None, message)
        request.wagtailcrm_bound_forms = {block_id: form}
        request.method = "GET"
        response = page.serve(request)
        response.status_code = status
        return response
    messages.error(request, message)
    return HttpResponseRedirect(_back_url(request, page))


def _done(request, page, value):
    message = thank_you_text(value)
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": str(message)})
    messages.success(request, message)
    return HttpResponseRedirect(_back_url(request, page))


def _submission(request, page, value, form):
    page_url = _back_url(request, page)
    fields = form.crm_fields()
    return LeadSubmission(
        fields=fields,
        data={key: str(val) for key, val in fields.items()},
        source_page_id=page.pk,
        source_url=request.build_absolute_uri(page_url),
        # The page's UTM parameters count as the latest touch, as a form
        # page's own do.
        attribution=attribution_for(request, url=page_url),
        tags=parse_tags(value.get("tags", "")),
        pipeline_id=getattr(value.get("pipeline"), "pk", None),
        consent_text=value.get("consent_text", "") if "consent" in form.fields else "",
    )


@require_POST
def lead_form(request):
    block_id = request.POST.get("block_id", "")
    page, block, value = _source(request, block_id)
    verdict = spam.check_request(request)
    if verdict.action == spam.DROP:
        return _done(request, page, value)
    form = block.build_form(value, request.POST, page_id=page.pk, block_id=block_id)
    if verdict.action == spam.REFUSE:
        status = 429 if verdict.reason == "rate_limited" else 400
        return _refuse(request, page, form, verdict.message, status, block_id)
    if not form.is_valid():
        return _refuse(request, page, form, "", 400, block_id)
    submission = _submission(request, page, value, form)
    reason = spam.content_spam_reason(submission.fields, request=request)
    if reason:
        quarantine(submission, reason)
        return _done(request, page, value)
    try:
        capture_submission(submission, request=request)
    except LeadRejected as rejection:
        return _refuse(request, page, form, rejection.message, 400, block_id)
    return _done(request, page, value)
