// Command loadedjson writes each OpenAPI document of this folder as
// kin-openapi loads it, in JSON, into json/: the form mockserver reads at
// startup, since kin-openapi turns JSON into its types several times
// faster than YAML. The YAML stays the source; `make generate` runs this
// after every change to it, and a test checks both load alike.
//
// Usage (from openapi/, as go generate runs it): go run ./internal/loadedjson
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadedjson:", err)
		os.Exit(1)
	}
}

func run() error {
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		return err
	}
	if err := os.MkdirAll("json", 0o755); err != nil {
		return err
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		// The same rule as the package's Names: an OpenAPI document has a
		// top-level openapi key; the linter's configuration does not.
		if !bytes.HasPrefix(raw, []byte("openapi:")) && !bytes.Contains(raw, []byte("\nopenapi:")) {
			continue
		}
		doc, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		out, err := json.Marshal(doc)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		name := filepath.Join("json", strings.TrimSuffix(f, ".yaml")+".json")
		if err := os.WriteFile(name, append(out, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}
