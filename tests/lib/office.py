"""office.py — LibreOffice driven over UNO, for the tests that have a real
client open the workbooks (libreoffice_recalc.py, overview_data_test.py
--pivot): start a headless soffice with its own profile and connect."""
import os
import shutil
import subprocess
import time

import uno  # noqa: F401  (Debian's python3-uno; the caller checks it is there)
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(tmp):
    """(the soffice process, its Desktop), with its profile under tmp."""
    pipe = f"statusnotat{os.getpid()}"
    proc = subprocess.Popen(
        [shutil.which("soffice"), "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         "--nolockcheck", f"-env:UserInstallation=file://{tmp}/profile",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 120
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("LibreOffice did not start")
            time.sleep(0.25)
    return proc, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
