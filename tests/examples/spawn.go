// spawn.go: run a command under a landrun policy, from Go (cgo).
//
//	go run spawn.go POLICY COMMAND [ARG...]
//
// POLICY is a policy file or a NAME from the policy directory. The
// policy is compiled once; the sandbox could be spawned any number of
// times, from any goroutine. This program is in landrun(3).
package main

/*
#cgo pkg-config: landrun
#include <fcntl.h>
#include <stdlib.h>
#include <landrun.h>
*/
import "C"

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"unsafe"
)

func run() int {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: spawn POLICY COMMAND [ARG...]")
		return 2
	}
	var cerr C.landrun_error
	policy := C.landrun_policy_new()
	defer C.landrun_policy_free(policy) // after the sandbox
	name := C.CString(os.Args[1])
	defer C.free(unsafe.Pointer(name))
	if C.landrun_policy_load(policy, name, &cerr) != 0 {
		fmt.Fprintln(os.Stderr, "spawn:", C.GoString(&cerr.msg[0]))
		return 1
	}
	sandbox := C.landrun_compile(policy, nil, &cerr)
	if sandbox == nil {
		fmt.Fprintln(os.Stderr, "spawn:", C.GoString(&cerr.msg[0]))
		return 1
	}
	defer C.landrun_sandbox_free(sandbox)

	// landrun_spawn does not search PATH: resolve the command here.
	path, err := exec.LookPath(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "spawn:", err)
		return 127
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	// C strings and a final nil: no Go pointers in memory C reads
	argv := make([]*C.char, len(os.Args)-1)
	for i, arg := range os.Args[2:] {
		argv[i] = C.CString(arg)
		defer C.free(unsafe.Pointer(argv[i]))
	}

	// stdin from /dev/null, opened before the sandbox is applied
	actions := C.landrun_file_actions_new()
	defer C.landrun_file_actions_free(actions)
	devnull := C.CString("/dev/null")
	defer C.free(unsafe.Pointer(devnull))
	C.landrun_file_actions_addopen(actions, 0, devnull, C.O_RDONLY, 0)

	pid := C.landrun_spawn(sandbox, cpath, &argv[0], actions, &cerr)
	if pid < 0 {
		fmt.Fprintln(os.Stderr, "spawn:", C.GoString(&cerr.msg[0]))
		return 1
	}
	var ws syscall.WaitStatus
	for {
		_, err = syscall.Wait4(int(pid), &ws, 0, nil)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "spawn: wait4:", err)
		return 1
	}
	if ws.Signaled() {
		fmt.Printf("killed by signal %d\n", int(ws.Signal()))
		return 128 + int(ws.Signal())
	}
	fmt.Printf("exit status %d\n", ws.ExitStatus())
	return ws.ExitStatus()
}

func main() {
	os.Exit(run())
}
