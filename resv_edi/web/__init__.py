"""The validation service and web page (``resv-edi serve``; needs ``resv-edi[web]``).

Modules: ``app`` (routes), ``uploads`` (streaming a request body to a private temporary
directory), ``service`` (the library calls behind each route), ``page`` and ``texts`` (the
page, Dutch and English), ``messages`` (issue texts and advice), ``security`` (headers).
"""
