package main

import (
	"os"
	"os/exec"
	"testing"

	"github.com/newsdup/newsdup/dedup/redisstore/redistest"
)

// runMainEnv, set in the environment of the test binary, makes it run the
// command instead of the tests: the tests that need a real process (one
// killed with SIGKILL) start it so.
const runMainEnv = "NEWSDUP_CLUSTER_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	os.Exit(redistest.Main(m, "examples/cluster"))
}

// command returns the command, run by the test binary, with args.
func command(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	return cmd
}
