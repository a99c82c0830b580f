"""A file-based e-mail backend that can hang like a mail server that stopped answering.

While the file named by ``$STALL_MAIL_FILE`` exists, a message to
``$STALL_MAIL_TO`` waits before anything is written (after creating
``<that file>.reached``, so a test knows a worker is stuck there). The scale
tests use it to kill a worker mid-task at a known point.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class StallingEmailBackend(FileBackend):
    def send_messages(self, email_messages):
        stall = os.environ.get("STALL_MAIL_FILE")
        to = os.environ.get("STALL_MAIL_TO")
        if stall and any(to in message.to for message in email_messages):
            if Path(stall).exists():
                Path(f"{stall}.reached").touch()
            while Path(stall).exists():
                time.sleep(0.05)
        return super().send_messages(email_messages)
