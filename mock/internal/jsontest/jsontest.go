// Package jsontest holds what the differential tests of the hand-written
// JSON encoders share: the reference encoding they are held to and the
// strings that exercise every escaping rule.
package jsontest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// Reference is what encoding/json writes for v with HTML escaping off and
// no trailing newline: the bytes the mock answered with before its
// encoders were written by hand, and must still answer with.
func Reference(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Same fails the test when a hand-written encoding differs from the
// reference, showing both.
func Same(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s:\nhand-written: %s\nencoding/json: %s", what, got, want)
	}
}

// Hostile are values that exercise every escaping rule of a JSON string:
// quotes and backslashes, control bytes, HTML's <>&, U+2028 and U+2029,
// invalid and truncated UTF-8, a lone surrogate's bytes, a real
// replacement character, a date and a long value.
var Hostile = []string{
	"", "plain", `quote " inside`, `back\slash`, `\"`, "<script>&amp;</script>",
	"tab\tnewline\ncr\rbs\bff\f", "\x00\x01\x1f\x7f", "é ü 中文 🙂",
	"line\u2028para\u2029end", "\u2028", "bad \xff utf8", "\xc3", "\xe2\x80", "\xed\xa0\x80 surrogate",
	"\xef\xbf\xbd real replacement", "1995-10-01", strings.Repeat("long ", 400), "trailing\\",
}
