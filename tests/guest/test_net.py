"""Sockets from guest programs, compared with qemu-<arch>-static (qemu-user passes socket calls
to the host kernel, a fair oracle for AF_UNIX and for TCP/UDP on loopback addresses; the programs
use only those, with names and ports of their own so parallel runs do not meet)."""
import pytest

from tests.differential import compare, run_jitvm, run_qemu

ENGINES = ["interp", "jit"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ["net_unix", "net_inet"])
def test_matches_qemu(arch, guest_bin, rootfs, engine, name):
    if (arch, name) in QEMU_PASSES_HOST_ERRNO:
        wrong, right = QEMU_PASSES_HOST_ERRNO[arch, name]
        qs, qout, _ = run_qemu(guest_bin(name), cwd=rootfs)
        status, out, err = run_jitvm(guest_bin(name), engine=engine, rootfs=rootfs, cwd=rootfs)
        assert wrong in qout and (status, out) == (qs, qout.replace(wrong, right)), err.decode()
    else:
        status, out = compare(guest_bin(name), engine=engine, rootfs=rootfs, cwd=rootfs)
    assert status == 0 and b"FAIL" not in out and out.endswith(b"all ok\n")


# qemu-mipsel 7.2 hands SO_ERROR's value over from the host unconverted (x86's ECONNREFUSED,
# 111); Linux on MIPS gives MIPS's 146, as jitvm does. The rest of the output is compared.
QEMU_PASSES_HOST_ERRNO = {("mipsel", "net_inet"): (b"SO_ERROR 111", b"SO_ERROR 146")}


# ---- busybox servers and clients inside one guest (jitvm only: the ports are the guest's own,
# which under qemu would be the host's) ----------------------------------------------------------
WAIT_FOR = 'i=0; until {}; do i=$((i+1)); [ $i -gt 50 ] && break; usleep 100000; done; '


def guest_shell(rootfs, name, script):
    d = rootfs / "tmp" / f"jitvm-net-{name}"
    d.mkdir(parents=True, exist_ok=True)
    status, out, err = run_jitvm(rootfs / "bin" / "busybox", ["sh", "-c", script],
                                 rootfs=rootfs, cwd=d, timeout=300)
    text = out.decode(errors="replace")
    assert status == 0, text + err.decode(errors="replace")
    return text


def test_busybox_nc_server_and_client(rootfs):
    out = guest_shell(rootfs, "nc", "nc -l -p 9000 > got.txt & server=$!; "
                      + WAIT_FOR.format('echo "hello over nc" | nc 127.0.0.1 9000')
                      + 'wait $server; echo "server status $?"; cat got.txt; rm got.txt')
    assert out == "server status 0\nhello over nc\n"


def test_busybox_httpd_and_wget(rootfs):
    out = guest_shell(rootfs, "httpd", "mkdir -p www; echo '<h1>busybox httpd</h1>' > "
                      "www/index.html; httpd -f -p 127.0.0.1:8080 -h www & server=$!; "
                      + WAIT_FOR.format("wget -q -O - http://127.0.0.1:8080/")
                      + "wget -q -O - http://localhost:8080/; "      # /etc/hosts
                      "wget -q -O - http://127.0.0.1:8080/missing 2>/dev/null; "
                      "echo \"missing: $?\"; netstat -ltn | grep -c 127.0.0.1:8080; "
                      "kill $server; wait $server; echo \"httpd status $?\"")
    assert out == "<h1>busybox httpd</h1>\n" * 2 + "missing: 1\n1\nhttpd status 143\n"


def test_busybox_syslogd_and_logger(rootfs):
    out = guest_shell(rootfs, "syslog", "rm -f messages; syslogd -n -O messages & d=$!; "
                      + WAIT_FOR.format("[ -S /dev/log ]")
                      + "logger -t nettest hello syslog; "
                      + WAIT_FOR.format("grep -q hello messages 2>/dev/null")
                      + "kill $d; wait $d; grep -o 'nettest: hello syslog' messages")
    assert out == "nettest: hello syslog\n"


def test_busybox_ifconfig_and_netstat_see_lo(rootfs):
    out = guest_shell(rootfs, "ifconfig", "ifconfig lo; nc -l -p 7000 & " + WAIT_FOR.format(
        "netstat -ltn | grep -q :7000") + "netstat -ltn | grep :7000; kill %1")
    assert "inet addr:127.0.0.1  Mask:255.0.0.0" in out
    assert "UP LOOPBACK RUNNING  MTU:65536" in out
    assert ":::7000" in out and "LISTEN" in out


def test_guest_cannot_reach_a_host_service(rootfs):
    """The default network is the guest's own: a host listener on 127.0.0.1 sees no connection,
    the guest sees a refusal; an address off the loopback is unreachable."""
    import socket
    host = socket.socket()
    host.bind(("127.0.0.1", 0))
    host.listen(1)
    port = host.getsockname()[1]
    d = rootfs / "tmp" / "jitvm-net-isolation"
    d.mkdir(parents=True, exist_ok=True)
    status, out, err = run_jitvm(rootfs / "bin" / "busybox", [
        "sh", "-c", f"echo hi | nc 127.0.0.1 {port}; echo $?; echo hi | nc 10.1.2.3 80; echo $?"],
        rootfs=rootfs, cwd=d, timeout=300)
    assert status == 0 and out == b"1\n1\n", err            # (busybox nc fails quietly)
    host.settimeout(0.2)
    with pytest.raises(socket.timeout):
        host.accept()
    host.close()


def test_forward_serves_a_guest_httpd_to_the_host(rootfs):
    """jitvm run --forward tcp:H:8080: the host fetches the guest's page with urllib."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from tests.differential import LAUNCH
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    d = rootfs / "tmp" / "jitvm-net-forward"
    (d / "www").mkdir(parents=True, exist_ok=True)
    (d / "www" / "index.html").write_text("<p>from the guest</p>\n")
    vm = subprocess.Popen([sys.executable, "-c", LAUNCH, "run", "--engine", "interp", "--rootfs",
                           str(rootfs), "--forward", f"tcp:{port}:8080", str(rootfs / "bin" /
                           "busybox"), "httpd", "-f", "-p", "8080", "-h", "www"], cwd=d,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline, page = time.monotonic() + 120, None
        while page is None and time.monotonic() < deadline and vm.poll() is None:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read()
            except OSError:
                time.sleep(0.2)             # not up yet: refused, or closed (no guest listener)
        assert page == b"<p>from the guest</p>\n", vm.stderr.read1() if vm.poll() else ""
    finally:
        vm.kill()
        vm.wait()


def test_net_host_gives_qemus_output(arch, guest_bin, rootfs):
    """--net host: the guest's TCP/UDP sockets are host sockets, so net_inet prints what it
    prints under qemu-user, which passes them through the same way."""
    prog = guest_bin("net_inet")
    qs, qout, _ = run_qemu(prog, cwd=rootfs)
    js, jout, jerr = run_jitvm(prog, cwd=rootfs, rootfs=rootfs, extra=("--net", "host"))
    wrong, right = QEMU_PASSES_HOST_ERRNO.get((arch, "net_inet"), (b"", b""))
    assert (js, jout) == (qs, qout.replace(wrong, right) if wrong else qout), \
        jerr.decode(errors="replace")
    assert jout.endswith(b"all ok\n")


@pytest.mark.parametrize("net", ["host", "guest", "none"])
def test_net_host_reaches_a_host_service_and_only_it_does(rootfs, net):
    import socket
    import threading
    host = socket.socket()
    host.bind(("127.0.0.1", 0))
    host.listen(1)
    host.settimeout(60 if net == "host" else 0.5)
    port, heard = host.getsockname()[1], []

    def serve():                        # nc waits for the far end to close: answer meanwhile
        try:
            conn, _ = host.accept()
        except socket.timeout:
            return
        conn.settimeout(10)
        heard.append(conn.recv(100))
        conn.close()
    server = threading.Thread(target=serve)
    server.start()
    d = rootfs / "tmp" / "jitvm-net-host"
    d.mkdir(parents=True, exist_ok=True)
    try:
        status, out, err = run_jitvm(rootfs / "bin" / "busybox", [
            "sh", "-c", f"echo hello host | nc 127.0.0.1 {port}; echo $?"],
            rootfs=rootfs, cwd=d, timeout=120, extra=("--net", net))
    finally:
        server.join()
        host.close()
    if net == "host":
        assert heard == [b"hello host\n"] and out == b"0\n"
    else:                               # refused: the host's listener is not the guest's
        assert heard == [] and out == b"1\n"


def test_net_host_shows_an_eth0_mirroring_the_host(rootfs):
    """--net host: ifconfig lists eth0 with the address of the host's first IPv4 interface
    (the one socket.if_nameindex() and SIOCGIFADDR give first); without it, only lo."""
    import fcntl
    import socket
    want = None
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _, name in socket.if_nameindex():
            if name != "lo":
                try:
                    req = name.encode().ljust(40, b"\0")
                    want = socket.inet_ntoa(fcntl.ioctl(s, 0x8915, req)[20:24])
                    break
                except OSError:
                    continue
    if want is None:
        pytest.skip("the host has no IPv4 interface but lo")
    d = rootfs / "tmp"
    _, out, err = run_jitvm(rootfs / "bin" / "busybox", ["ifconfig"], rootfs=rootfs, cwd=d,
                            extra=("--net", "host"))
    assert f"inet addr:{want}" in out.decode() and out.decode().startswith("eth0"), out + err
    _, out, _ = run_jitvm(rootfs / "bin" / "busybox", ["ifconfig"], rootfs=rootfs, cwd=d)
    assert "eth0" not in out.decode()


def test_booted_machine_serves_the_host_and_logs_through_syslogd(arch, rootfs):
    """jitvm boot --forward tcp:H:8080 with busybox init (its inittab's shell reads the piped
    commands): syslogd and logger work, init met no missing socket call, and while the guest's
    httpd runs the host fetches its page through the forward."""
    import socket
    import subprocess
    import time
    import urllib.request
    from tests.test_boot import boot_cmd
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    script = (b"mkdir -p /tmp/www; echo '<p>booted</p>' > /tmp/www/index.html\n"
              b"httpd -p 8080 -h /tmp/www; syslogd -O /tmp/messages; logger hi from logger\n"
              b"sleep 1; grep -c 'hi from logger' /tmp/messages\n"
              b"dmesg | grep -c 'unimplemented system call'\n"
              b"echo serving; sleep 60\n")
    vm = subprocess.Popen(boot_cmd(rootfs, "--engine", "interp", "--forward", f"tcp:{port}:8080",
                                   arch=arch),
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        vm.stdin.write(script)
        vm.stdin.flush()
        out = b""
        deadline = time.monotonic() + 120
        while b"serving\r\n" not in out.split(b"echo serving")[-1] and time.monotonic() < deadline:
            out += vm.stdout.read1(4096) or b""
        assert vm.poll() is None, out.decode(errors="replace")
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
        assert page == b"<p>booted</p>\n"
        text = out.replace(b"\r\n", b"\n").decode(errors="replace")
        assert "/tmp/messages\n1\n" in text and "system call'\n0\n" in text, text
    finally:
        vm.kill()
        vm.wait()
