// Command loadgen drives load at a mock (or the ceiling server) on the
// loopback interface and reports throughput, exact latency percentiles,
// unexpected answers and the server's CPU time per request. It also holds
// the small helpers scripts/bench.sh needs (fixture generation, startup
// timing, free ports, the final report), so the bench needs only Go.
//
//	loadgen [flags]                 run one workload (see -h)
//	loadgen gen-fixtures [flags]    write a Care360 fixture document with N users
//	loadgen startup [flags]         time a mockserver binary to its first healthy answer, and its RSS
//	loadgen wait --url URL          wait for a 200
//	loadgen freeport                print a free loopback port
//	loadgen report [flags] < jsonl  print the bench table and write bench.json
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	args := os.Args[1:]
	cmd := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = runLoad(args, os.Stdout)
	case "gen-fixtures":
		err = genFixtures(args)
	case "startup":
		err = startup(args, os.Stdout)
	case "wait":
		err = wait(args)
	case "freeport":
		err = freePort(os.Stdout)
	case "report":
		err = report(args, os.Stdin, os.Stdout)
	default:
		err = fmt.Errorf("unknown command %q (run, gen-fixtures, startup, wait, freeport, report)", cmd)
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}
