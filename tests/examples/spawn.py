#!/usr/bin/env python3
"""spawn.py LIBLANDRUN POLICY COMMAND [ARG...]

Runs COMMAND under a landrun policy through liblandrun (ctypes) and
prints its exit status. POLICY is a policy file, a NAME from the policy
directory, or "-" for the git-like policy text below. The policy is
compiled once; the sandbox could be spawned any number of times."""
import ctypes
import os
import shutil
import sys

GIT_LIKE = b"""
[filesystem]
rox = /usr ?/bin ?/lib ?/lib64
ro = /etc/ld.so.cache ?/etc/localtime ?/etc/passwd ?/etc/group
     ?/etc/hosts ?/etc/resolv.conf ?/etc/nsswitch.conf
     ?/etc/gitconfig ?/etc/ssl /dev/urandom
rw = ${CWD} /dev/null
[network]
connect_tcp = 22 80 443 9418
udp = yes
[env]
set = GIT_CONFIG_GLOBAL=/dev/null
set = GIT_TERMINAL_PROMPT=0
"""


class Error(ctypes.Structure):
    _fields_ = [("set", ctypes.c_int), ("msg", ctypes.c_char * 1024)]


def load(path):
    lib = ctypes.CDLL(path)
    P, V, I = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int
    E = ctypes.POINTER(Error)
    for name, res, args in [
        ("policy_new", V, []),
        ("policy_free", None, [V]),
        ("policy_load", I, [V, P, E]),
        ("policy_load_string", I, [V, P, P, E]),
        ("compile", V, [V, V, E]),
        ("sandbox_free", None, [V]),
        ("file_actions_new", V, []),
        ("file_actions_addopen", I, [V, I, P, I, ctypes.c_uint]),
        ("file_actions_free", None, [V]),
        ("spawn", I, [V, P, ctypes.POINTER(P), V, E]),
    ]:
        fn = getattr(lib, "landrun_" + name)
        fn.restype, fn.argtypes = res, args
    return lib


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    lib = load(sys.argv[1])
    err = Error()
    policy = lib.landrun_policy_new()
    if sys.argv[2] == "-":
        rc = lib.landrun_policy_load_string(policy, GIT_LIKE,
                                            b"git-like.ini", err)
    else:
        rc = lib.landrun_policy_load(policy, os.fsencode(sys.argv[2]),
                                     err)
    sandbox = lib.landrun_compile(policy, None, err) if rc == 0 else None
    if not sandbox:
        sys.exit("spawn.py: " + err.msg.decode())

    # landrun_spawn does not search PATH: resolve the command here.
    command = os.fsencode(shutil.which(sys.argv[3]) or sys.argv[3])
    args = [os.fsencode(a) for a in sys.argv[3:]]
    argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    # stdin from /dev/null, opened before the sandbox is applied
    actions = lib.landrun_file_actions_new()
    lib.landrun_file_actions_addopen(actions, 0, b"/dev/null",
                                     os.O_RDONLY, 0)
    sys.stdout.flush()
    pid = lib.landrun_spawn(sandbox, command, argv, actions, err)
    lib.landrun_file_actions_free(actions)
    if pid < 0:
        sys.exit("spawn.py: " + err.msg.decode())
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if code < 0:
        print("killed by signal %d" % -code)
    else:
        print("exit status %d" % code)
    lib.landrun_sandbox_free(sandbox)
    lib.landrun_policy_free(policy)  # after the sandbox
    sys.exit(128 - code if code < 0 else code)


if __name__ == "__main__":
    main()
