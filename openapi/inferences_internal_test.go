package openapi

import (
	"strings"
	"testing"
)

// The walker catches an unmarked inference, a marker without its reason
// and a reason without its marker, and ignores the marker's own name in
// prose and example values.
func TestInferenceWalkerFindsUnmarkedProse(t *testing.T) {
	doc := `
info:
  description: Decisions carry x-mock-inferred.
components:
  schemas:
    A:
      type: object
      properties:
        limit:
          type: integer
          description: At most 100 (inferred).
        cursor:
          type: string
          x-mock-inferred: true
        marked:
          type: string
          description: Null when empty (inferred).
          x-mock-inferred: true
          x-mock-inferred-reason: The page shows no empty page.
        stray:
          type: string
          x-mock-inferred-reason: Left behind.
  examples:
    E:
      value:
        description: an inferred value is data
`
	found, problems, err := inferencesIn("t", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Pointer+": "+p.Problem)
	}
	want := []string{
		"/components/schemas/A/properties/limit: the description calls something inferred, but the node has no x-mock-inferred: true",
		"/components/schemas/A/properties/cursor: x-mock-inferred without an x-mock-inferred-reason",
		"/components/schemas/A/properties/stray: x-mock-inferred-reason without x-mock-inferred: true",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(found) != 2 || found[1].Where != "schema A.marked" || found[1].Reason != "The page shows no empty page." {
		t.Errorf("found = %+v", found)
	}
}
