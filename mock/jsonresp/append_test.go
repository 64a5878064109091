package jsonresp_test

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vendorsuite/contracts/mock/internal/jsontest"
	"github.com/vendorsuite/contracts/mock/jsonresp"
)

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	all := append([]string{}, jsontest.Hostile...)
	for b := range 256 {
		all = append(all, string([]byte{byte(b)}), "a"+string([]byte{byte(b)})+"z")
	}
	for r := rune(0); r < 0x3000; r++ {
		all = append(all, string(r))
	}
	for _, s := range all {
		if got, want := jsonresp.AppendString(nil, s), jsontest.Reference(t, s); !bytes.Equal(got, want) {
			t.Errorf("AppendString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	}
}

// hostileMap keys lists by hostile keys, in an order a map shuffles;
// one list is nil and one empty.
func hostileMap() map[string][]string {
	m := map[string][]string{"nil": nil, "empty": {}}
	for i, s := range jsontest.Hostile {
		m[s] = jsontest.Hostile[i:]
	}
	return m
}

func TestAppendHelpersMatchEncodingJSON(t *testing.T) {
	s := "x<y"
	cases := []struct {
		name string
		got  []byte
		v    any
	}{
		{"nil pointer", jsonresp.AppendStringPtr(nil, nil), (*string)(nil)},
		{"pointer", jsonresp.AppendStringPtr(nil, &s), &s},
		{"nil slice", jsonresp.AppendStrings(nil, nil), []string(nil)},
		{"empty slice", jsonresp.AppendStrings(nil, []string{}), []string{}},
		{"slice", jsonresp.AppendStrings(nil, jsontest.Hostile), jsontest.Hostile},
		{"true", jsonresp.AppendBool(nil, true), true},
		{"nil map", jsonresp.AppendStringLists(nil, nil), map[string][]string(nil)},
		{"empty map", jsonresp.AppendStringLists(nil, map[string][]string{}), map[string][]string{}},
		{"map", jsonresp.AppendStringLists(nil, hostileMap()), hostileMap()},
		{"false", jsonresp.AppendBool(nil, false), false},
	}
	for _, n := range []int{0, 1, -1, 200, 400, 599, math.MaxInt, math.MinInt} {
		cases = append(cases, struct {
			name string
			got  []byte
			v    any
		}{"int", jsonresp.AppendInt(nil, n), n})
	}
	for _, c := range cases {
		if want := jsontest.Reference(t, c.v); !bytes.Equal(c.got, want) {
			t.Errorf("%s: appended %s, encoding/json writes %s", c.name, c.got, want)
		}
	}
}

// FuzzAppendString compares AppendString with encoding/json on any bytes,
// valid UTF-8 or not, appended after existing content.
func FuzzAppendString(f *testing.F) {
	for _, s := range jsontest.Hostile {
		f.Add(s, 0)
	}
	f.Add("\xf4\x90\x80\x80", -7)
	f.Fuzz(func(t *testing.T, s string, n int) {
		prefix := []byte(`{"k":`)
		got := jsonresp.AppendString(append([]byte{}, prefix...), s)
		want := append(append([]byte{}, prefix...), jsontest.Reference(t, s)...)
		if !bytes.Equal(got, want) {
			t.Fatalf("AppendString(%q) = %s, encoding/json writes %s", s, got, want)
		}
		if !utf8.Valid(got) {
			t.Fatalf("AppendString(%q) wrote invalid UTF-8: %q", s, got)
		}
		if got, want := jsonresp.AppendInt(nil, n), jsontest.Reference(t, n); !bytes.Equal(got, want) {
			t.Fatalf("AppendInt(%d) = %s, encoding/json writes %s", n, got, want)
		}
		list := strings.Split(s, ",")
		if got, want := jsonresp.AppendStrings(nil, list), jsontest.Reference(t, list); !bytes.Equal(got, want) {
			t.Fatalf("AppendStrings(%q) = %s, encoding/json writes %s", list, got, want)
		}
		m := map[string][]string{}
		for i, k := range list {
			m[k] = list[i:]
		}
		if got, want := jsonresp.AppendStringLists(nil, m), jsontest.Reference(t, m); !bytes.Equal(got, want) {
			t.Fatalf("AppendStringLists(%q) = %s, encoding/json writes %s", m, got, want)
		}
	})
}

func BenchmarkAppendString(b *testing.B) {
	s := "John Doe <john.doe@example.com>, 123 Main St, Springfield"
	b.Run("jsonresp", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 256)
		for b.Loop() {
			buf = jsonresp.AppendString(buf[:0], s)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jsonresp.Marshal(s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
