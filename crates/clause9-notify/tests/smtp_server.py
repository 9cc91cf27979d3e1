# A real SMTP server on loopback for the notification tests (Debian's
# python3-aiosmtpd): prints "ready PORT", then one JSON line per message.
import json, socket, sys
from aiosmtpd.controller import Controller

class Print:
    async def handle_DATA(self, server, session, envelope):
        print(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                          "data": envelope.content.decode("utf-8", "replace")}), flush=True)
        return "250 OK"

# A free loopback port (the controller checks its own port once started).
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Print(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", port, flush=True)
sys.stdin.read()
controller.stop()
