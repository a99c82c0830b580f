"""Every way a lead arrives: form pages, the lead-form block, other entry points.

All of them end in :func:`wagtail_crm.capture.service.capture_lead`.
"""
