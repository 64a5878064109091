package openapi_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/vendorsuite/contracts/openapi"
)

// Every document parses and validates, examples included.
func TestDocumentsLoad(t *testing.T) {
	for _, name := range openapi.Names {
		t.Run(name, func(t *testing.T) {
			doc, err := openapi.Parse(t.Context(), name)
			if err != nil {
				t.Fatal(err)
			}
			if doc.OpenAPI != "3.0.3" {
				t.Errorf("openapi version = %q, want 3.0.3", doc.OpenAPI)
			}
		})
	}
}

// Load reads each document's JSON form, which make generate writes from
// the YAML: it must be current and load exactly as the YAML does.
func TestLoadedJSONMatchesYAML(t *testing.T) {
	for _, name := range openapi.Names {
		t.Run(name, func(t *testing.T) {
			fromYAML, err := openapi.Parse(t.Context(), name)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(fromYAML)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := openapi.LoadedJSON(name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(bytes.TrimSuffix(stored, []byte("\n")), want) {
				t.Fatalf("json/%s.json is not the YAML as loaded: run make generate", name)
			}
			loaded, err := openapi.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(loaded)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s loads differently from its JSON form than from its YAML", name)
			}
		})
	}
}
