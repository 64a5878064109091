package r1discover

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	api "github.com/vendorsuite/contracts/generated/r1discover"
)

func encodingJSON(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func sameBytes(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s:\nhand-written: %s\nencoding/json: %s", what, got, want)
	}
}

var hostile = []string{
	"", "plain", `quote " inside`, `back\slash`, "<b>&amp;</b>", "tab\tnl\ncr\rbs\bff\f",
	"\x00\x01\x1f\x7f", "é 中文 🙂", "line\u2028para\u2029", "bad \xff utf8", "\xe2\x80", "\xed\xa0\x80",
	strings.Repeat("x", 2000),
}

// checkR1 compares both encoders with encoding/json for the values; the
// error envelope without errors, with a nil map, an empty one and a full
// one.
func checkR1(t testing.TB, a, b string, flag int) {
	t.Helper()
	ok := api.UpdateUserResponse{Error: api.UpdateUserResponseError(flag), Message: a, Data: api.UpdatedUser{Username: b, Email: a + b}}
	sameBytes(t, "update answer", (*updatedAnswer)(&ok).AppendJSON(nil), encodingJSON(t, ok))
	var nilMap map[string][]string
	for _, errs := range []*map[string][]string{nil, &nilMap, {}, {a: {b, a}, b: nil, "client_email": {}}} {
		e := api.ErrorResponse{Error: api.ErrorResponseError(flag), Message: b, Errors: errs}
		sameBytes(t, "error envelope", (*errorAnswer)(&e).AppendJSON(nil), encodingJSON(t, e))
	}
}

func TestEncodersMatchEncodingJSON(t *testing.T) {
	for i, a := range hostile {
		for j, b := range hostile {
			checkR1(t, a, b, i-j)
		}
	}
}

// FuzzR1Encode compares the R1 Discover encoders with encoding/json
// writing the generated types.
func FuzzR1Encode(f *testing.F) {
	for i, s := range hostile {
		f.Add(s, hostile[(i+1)%len(hostile)], i)
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
