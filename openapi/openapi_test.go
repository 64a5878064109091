package openapi_test

import (
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
