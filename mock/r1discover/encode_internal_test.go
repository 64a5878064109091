package r1discover

import (
	"encoding/json"
	"testing"

	api "github.com/vendorsuite/contracts/generated/r1discover"
	"github.com/vendorsuite/contracts/mock/internal/jsontest"
)

// checkR1 compares both encoders with encoding/json for the values; the
// error envelope without errors, with a nil map, an empty one and a full
// one.
func checkR1(t testing.TB, a, b string, flag int) {
	t.Helper()
	ok := api.UpdateUserResponse{Error: api.UpdateUserResponseError(flag), Message: a, Data: api.UpdatedUser{Username: b, Email: a + b}}
	jsontest.Same(t, "update answer", (*updatedAnswer)(&ok).AppendJSON(nil), jsontest.Reference(t, ok))
	var nilMap map[string][]string
	for _, errs := range []*map[string][]string{nil, &nilMap, {}, {a: {b, a}, b: nil, "client_email": {}}} {
		e := api.ErrorResponse{Error: api.ErrorResponseError(flag), Message: b, Errors: errs}
		jsontest.Same(t, "error envelope", (*errorAnswer)(&e).AppendJSON(nil), jsontest.Reference(t, e))
	}
}

func TestEncodersMatchEncodingJSON(t *testing.T) {
	for i, a := range jsontest.Hostile {
		for j, b := range jsontest.Hostile {
			checkR1(t, a, b, i-j)
		}
	}
}

// FuzzR1Encode compares the R1 Discover encoders with encoding/json
// writing the generated types.
func FuzzR1Encode(f *testing.F) {
	for i, s := range jsontest.Hostile {
		f.Add(s, jsontest.Hostile[(i+1)%len(jsontest.Hostile)], i)
	}
	f.Fuzz(func(t *testing.T, a, b string, flag int) {
		checkR1(t, a, b, flag)
	})
}

// BenchmarkEncode compares the hand-written update answer with
// encoding/json.
func BenchmarkEncode(b *testing.B) {
	ok := api.UpdateUserResponse{Message: msgUpdated, Data: api.UpdatedUser{Username: "xyz123", Email: "client@example.com"}}
	buf := make([]byte, 0, 1024)
	b.Run("updated/hand-written", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = (*updatedAnswer)(&ok).AppendJSON(buf[:0])
		}
	})
	b.Run("updated/encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(ok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
