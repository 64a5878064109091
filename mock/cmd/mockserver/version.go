package main

import (
	"fmt"
	"io"
	"os"

	"github.com/vendorsuite/contracts/mock/internal/buildinfo"
)

// stdout is where --version prints; a variable so tests can read it.
var stdout io.Writer = os.Stdout

func printVersion() {
	fmt.Fprintln(stdout, buildinfo.Read().String("mockserver"))
}
