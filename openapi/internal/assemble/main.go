// Command assemble writes the vendor parts of mock-control.yaml from the
// vendors' own fixture schema files (openapi/fixtures/<vendor>.yaml): each
// vendor's section in FixtureDocument, its counts in StateSummary, and its
// schemas, between BEGIN and END marker lines. A vendor's fixture schema
// lives with that vendor; the control document is assembled from them.
//
//	go run ./internal/assemble [openapi folder]
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// section is a vendor file's header: where its section goes.
type section struct {
	Name     string `yaml:"name"`
	Order    int    `yaml:"order"`
	Fixtures string `yaml:"fixtures"`
	Summary  string `yaml:"summary"`
}

type vendorFile struct {
	section
	schemas string // the lines under components.schemas, as written
}

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "assemble:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	vendors, err := readVendors(filepath.Join(dir, "fixtures"))
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "mock-control.yaml")
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var summary, fixtures, schemas strings.Builder
	names := make([]string, len(vendors))
	for i, v := range vendors {
		names[i] = v.Name
		fmt.Fprintf(&fixtures, "        %s:\n          allOf:\n            - $ref: \"#/components/schemas/%s\"\n          x-order: %d\n", v.Name, v.Fixtures, i+1)
		fmt.Fprintf(&summary, "        %s:\n          allOf:\n            - $ref: \"#/components/schemas/%s\"\n          x-order: %d\n", v.Name, v.Summary, i+1)
		schemas.WriteString(v.schemas)
	}
	parts := map[string]string{
		"summary-properties": "      required: [" + strings.Join(names, ", ") + "]\n      properties:\n" + summary.String(),
		"fixture-properties": "      properties:\n" + fixtures.String(),
		"vendor-schemas":     schemas.String(),
	}
	for name, text := range parts {
		if doc, err = replaceBetween(doc, name, text); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return os.WriteFile(path, doc, 0o644)
}

// readVendors reads every fixtures/*.yaml, in their order.
func readVendors(dir string) ([]vendorFile, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []vendorFile
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var head struct {
			Section section `yaml:"x-fixture-section"`
		}
		if err := yaml.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		s := head.Section
		if s.Name == "" || s.Fixtures == "" || s.Summary == "" || s.Name+".yaml" != filepath.Base(f) {
			return nil, fmt.Errorf("%s: x-fixture-section needs name (the file's name), fixtures and summary", f)
		}
		_, schemas, ok := bytes.Cut(raw, []byte("\ncomponents:\n  schemas:\n"))
		if !ok {
			return nil, fmt.Errorf("%s: no components.schemas", f)
		}
		out = append(out, vendorFile{section: s, schemas: string(schemas)})
	}
	slices.SortStableFunc(out, func(a, b vendorFile) int { return a.Order - b.Order })
	return out, nil
}

// replaceBetween puts text between the BEGIN and END lines named name.
func replaceBetween(doc []byte, name, text string) ([]byte, error) {
	lines := strings.SplitAfter(string(doc), "\n")
	begin, end := -1, -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "# BEGIN "+name+",") {
			begin = i
		}
		if t == "# END "+name {
			end = i
		}
	}
	if begin < 0 || end < begin {
		return nil, fmt.Errorf("no # BEGIN %s, ... # END %s lines", name, name)
	}
	out := strings.Join(lines[:begin+1], "") + text + strings.Join(lines[end:], "")
	return []byte(out), nil
}
