package openapi_test

import (
	"testing"

	"github.com/vendorsuite/contracts/openapi"
)

// Every inference is marked where it is stated: a description or summary
// that calls something inferred sits on a node with x-mock-inferred: true,
// and every marker gives its reason.
func TestEveryInferenceIsMarked(t *testing.T) {
	for _, name := range openapi.VendorDocuments {
		found, problems, err := openapi.Inferences(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
		if len(found) == 0 {
			t.Errorf("%s: no x-mock-inferred marker at all", name)
		}
	}
}
