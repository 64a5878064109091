// Package openapi embeds the OpenAPI documents of the vendor APIs and of the
// mock's control API, so the mock, the generated code and the contract specs
// all read the same bytes.
package openapi

//go:generate go run ./internal/assemble
//go:generate go run ./internal/loadedjson
//go:generate go run ./internal/inferencetable ../README.md

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Document names, one per embedded file (without the .yaml suffix).
const (
	Care360     = "care360"
	CL2C        = "cl2c"
	R1Discover  = "r1discover"
	MockControl = "mock-control"
)

//go:embed *.yaml
var files embed.FS

// loadedFiles are the documents as kin-openapi loads them, written in JSON
// by `make generate` (internal/loadedjson): Load reads these, as JSON
// turns into kin-openapi's types several times faster than YAML, which
// shortens the mock's startup.
//
//go:embed json/*.json
var loadedFiles embed.FS

// Names lists every embedded OpenAPI document (a YAML file with a
// top-level openapi key; the linter's files are not), by file name.
var Names = func() []string {
	entries, err := files.ReadDir(".")
	if err != nil {
		panic(err)
	}
	var out []string
	for _, e := range entries {
		raw, err := files.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		if bytes.HasPrefix(raw, []byte("openapi:")) || bytes.Contains(raw, []byte("\nopenapi:")) {
			out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	return out
}()

// Bytes returns the raw YAML of the named document.
func Bytes(name string) ([]byte, error) {
	b, err := files.ReadFile(name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("openapi: no document %q", name)
	}
	return b, nil
}

// Parse loads and validates the named document afresh, with example
// validation on, so every example is checked against its schema. Callers
// that may change the result (e.g. by setting Servers) should use Parse;
// read-only callers should use Load.
func Parse(ctx context.Context, name string) (*openapi3.T, error) {
	raw, err := Bytes(name)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse %s: %w", name, err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("openapi: validate %s: %w", name, err)
	}
	return doc, nil
}

type loaded struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

var cache = map[string]*loaded{}

func init() {
	for _, n := range Names {
		cache[n] = &loaded{}
	}
}

// Preload starts parsing every document in the background, each on its
// own goroutine, so a server that needs them all at startup waits for the
// slowest rather than for their sum; Load then returns each one once it
// is ready.
func Preload() {
	for _, n := range Names {
		go func() { _, _ = Load(n) }()
	}
}

// Load returns the named document loaded once per process, from its
// JSON form. It is not validated again here: `make generate` validated it,
// examples included, before writing that form, and the package's tests
// check that it loads exactly as its YAML does. The result is shared:
// treat it as read-only.
func Load(name string) (*openapi3.T, error) {
	l, ok := cache[name]
	if !ok {
		return nil, fmt.Errorf("openapi: no document %q", name)
	}
	l.once.Do(func() { l.doc, l.err = loadJSON(name) })
	return l.doc, l.err
}

// LoadedJSON returns the named document as kin-openapi loads it, in JSON.
func LoadedJSON(name string) ([]byte, error) {
	b, err := loadedFiles.ReadFile("json/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("openapi: no loaded form of %q (run make generate)", name)
	}
	return b, nil
}

func loadJSON(name string) (*openapi3.T, error) {
	raw, err := LoadedJSON(name)
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("openapi: load %s: %w", name, err)
	}
	return doc, nil
}

type pathRouter struct {
	once   sync.Once
	router routers.Router
	err    error
}

var pathRouters sync.Map // document name -> *pathRouter

// PathRouter returns a router for the named document that routes by path
// alone (its servers replaced by "/", so any host matches), built once per
// process.
func PathRouter(name string) (routers.Router, error) {
	v, _ := pathRouters.LoadOrStore(name, &pathRouter{})
	r := v.(*pathRouter)
	r.once.Do(func() {
		var doc *openapi3.T
		doc, r.err = Parse(context.Background(), name)
		if r.err != nil {
			return
		}
		doc.Servers = openapi3.Servers{{URL: "/"}}
		r.router, r.err = gorillamux.NewRouter(doc)
	})
	return r.router, r.err
}
