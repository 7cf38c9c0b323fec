import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from seedreg.outbox.services import relay_pending


class Command(BaseCommand):
    help = "把发件箱中待发送的后台任务转交消息队列（持续运行）。Relay pending outbox tasks to the broker."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="发送一轮后退出")

    def handle(self, once=False, **options):
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *a: stop.update(now=True))
        interval = settings.OUTBOX_RELAY_INTERVAL_SECONDS
        while True:
            close_old_connections()
            try:
                sent, _failed = relay_pending()
            except Exception as exc:  # database restarting: wait and try again
                self.stderr.write(f"outbox relay: {type(exc).__name__}: {exc}")
                sent = 0
            if sent:
                self.stdout.write(f"outbox relay: sent {sent}")
            if once or stop["now"]:
                return
            if not sent:
                time.sleep(interval)
