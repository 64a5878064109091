package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// envPrefix starts the environment variable that stands in for each flag:
// --state-file is MOCK_STATE_FILE. Containers and CI service definitions
// configure the server this way, since they often cannot pass arguments.
const envPrefix = "MOCK_"

// notFromEnv names the flags no environment variable sets: they ask for an
// action, not a setting.
var notFromEnv = map[string]bool{"version": true}

// envName is the environment variable for the flag called name.
func envName(name string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// setFlagsFromEnv sets every flag of fs whose environment variable is set
// and not empty. Call it before fs.Parse, so the command line wins.
func setFlagsFromEnv(fs *flag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || notFromEnv[f.Name] {
			return
		}
		name := envName(f.Name)
		value := os.Getenv(name)
		if value == "" {
			return
		}
		if setErr := fs.Set(f.Name, value); setErr != nil {
			err = fmt.Errorf("%s=%q: %w", name, value, setErr)
		}
	})
	return err
}
